/**
 * Shared set-up for the credential-delivery e2e tests (process, exec, eval, credentials): a
 * temp HOME with config.yaml pointing at the emulator and, unless told otherwise, a signed-in
 * SSO session in the secure store.
 */
import type { Emulator } from "../emulator/emulator.ts";
import { type CliResult, runCli, tempHome, writeConfig } from "./run_cli.ts";

/** The config directory under a test HOME. */
export const CONFIG_DIR = ".config/aws-sso";

/** Password of the `file` store in tests that use it. */
export const FILE_PASSWORD = "correct horse battery staple";

/** Options of {@link credsSession}. */
export interface SessionOptions {
  /** YAML appended under `SSOConfig.Default` (indented 4 spaces by the caller). */
  instanceYaml?: string;
  /** YAML appended at the top level. */
  topYaml?: string;
  /** Store a signed-in token (default true; only with the json store). */
  token?: boolean;
  /** `json` (default) or `file` (then AWS_SSO_FILE_PASSWORD must be passed to the CLI). */
  store?: "json" | "file";
}

/** Creates the HOME; remove it with `Deno.remove(home, { recursive: true })`. */
export async function credsSession(emu: Emulator, options: SessionOptions = {}): Promise<string> {
  const home = await tempHome();
  const store = options.store ?? "json";
  await writeConfig(
    home,
    `SecureStore: ${store}
${options.topYaml ?? ""}
SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: ${emu.startUrl}
${options.instanceYaml ?? ""}
`,
  );
  if (options.token !== false && store === "json") {
    await writeJsonStoreSession(home, emu);
  }
  return home;
}

/** Writes a signed-in token (valid for an hour) into the `json` store under `home`. */
export async function writeJsonStoreSession(home: string, emu: Emulator): Promise<void> {
  const issued = emu.issueToken();
  const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(
    `${home}/${CONFIG_DIR}/store.json`,
    JSON.stringify({
      CreateTokenResponse: {
        Default: {
          accessToken: issued.accessToken,
          expiresIn: 3600,
          expiresAt,
          tokenType: "Bearer",
        },
      },
    }),
    { mode: 0o600 },
  );
}

/** Runs `aws-sso <args>` against the emulator. */
export function cli(
  home: string,
  emu: Emulator,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(args, { home, env: { ...emu.env, ...env } });
}

/** stderr without the json store's warning line. */
export function stderrLines(r: CliResult): string[] {
  return r.stderr.split("\n").filter((l) => l !== "" && !/insecure json file/i.test(l));
}

/** Test options for tests that start the emulator and child processes. */
export const E2E = { sanitizeOps: false, sanitizeResources: false } as const;
