/**
 * Runs the real AWS CLI v2 (Debian's `awscli`, /usr/bin/aws — another `aws` may come first on
 * PATH) in a clean environment against an emulator: its own HOME, no config files unless the
 * test writes them, no instance metadata lookups.
 *
 * @module
 */
import type { Emulator } from "./emulator.ts";

/** Where Debian installs AWS CLI v2. */
export const AWS_CLI = "/usr/bin/aws";

/** True when the AWS CLI v2 is installed. */
export function awsCliPresent(): boolean {
  try {
    return Deno.statSync(AWS_CLI).isFile;
  } catch {
    return false;
  }
}

/** Runs `aws <args>` (with `--endpoint-url <emulator>` unless told not to) and waits for it. */
export async function runAwsCli(
  emu: Emulator,
  home: string,
  args: string[],
  env: Record<string, string> = {},
  endpointUrl = true,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const endpoint = endpointUrl ? ["--endpoint-url", emu.url] : [];
  const out = await new Deno.Command(AWS_CLI, {
    args: [...args, ...endpoint, "--output", "json", "--no-cli-pager"],
    clearEnv: true,
    env: {
      PATH: "/usr/bin:/bin",
      HOME: home,
      AWS_CONFIG_FILE: `${home}/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
      AWS_REGION: emu.region,
      AWS_EC2_METADATA_DISABLED: "true",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
