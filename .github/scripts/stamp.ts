/**
 * Stamps `cli/build_info.json` (read by `aws-sso version`, embedded by `deno compile`) with the
 * version, the short commit and the UTC build date.
 *
 *   deno run -A .github/scripts/stamp.ts [--file F] [--version V] [--commit C] [--date D]
 *   deno run -A .github/scripts/stamp.ts --print-version
 *
 * version: `--version`, else the tag being built (`GITHUB_REF_TYPE=tag`, `GITHUB_REF_NAME`
 * without its leading `v`, which must equal deno.json's version), else deno.json's version.
 * commit: `--commit`, else `GITHUB_SHA` (7 characters), else `git rev-parse --short HEAD`,
 * else `unknown`. date: `--date`, else `SOURCE_DATE_EPOCH`, else now; ISO-8601 UTC to the second.
 * The file is rewritten only when its content changes, so a second run with the same inputs
 * changes nothing.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { VERSION_PATTERN } from "./targets.ts";

/** What `aws-sso version` prints. */
export interface BuildInfo {
  version: string;
  commit: string;
  date: string;
}

/** Everything {@link resolveBuildInfo} decides from; flags win over the environment. */
export interface StampInputs {
  /** `--version`. */
  version?: string;
  /** `--commit`. */
  commit?: string;
  /** `--date`. */
  date?: string;
  /** The environment (GITHUB_REF_TYPE, GITHUB_REF_NAME, GITHUB_SHA, SOURCE_DATE_EPOCH). */
  env: Record<string, string | undefined>;
  /** The `version` field of deno.json. */
  denoJsonVersion: string;
  /** `git rev-parse --short HEAD`, or undefined outside a work tree. */
  gitCommit: () => string | undefined;
  /** The current time. */
  now: Date;
}

/** Decides the build info; throws when a tag does not match deno.json's version. */
export function resolveBuildInfo(inputs: StampInputs): BuildInfo {
  return {
    version: resolveVersion(inputs),
    commit: resolveCommit(inputs),
    date: resolveDate(inputs),
  };
}

function resolveVersion(inputs: StampInputs): string {
  const { env, denoJsonVersion } = inputs;
  let version = denoJsonVersion;
  if (inputs.version !== undefined) {
    version = inputs.version.replace(/^v/, "");
  } else if (env.GITHUB_REF_TYPE === "tag" && env.GITHUB_REF_NAME) {
    const fromTag = env.GITHUB_REF_NAME.replace(/^v/, "");
    if (fromTag !== denoJsonVersion) {
      throw new Error(
        `tag ${env.GITHUB_REF_NAME} does not match deno.json version ${denoJsonVersion}: ` +
          `set "version": "${fromTag}" in deno.json, commit, and tag that commit`,
      );
    }
    version = fromTag;
  }
  if (!VERSION_PATTERN.test(version)) {
    throw new Error(`"${version}" is not a release version (expected e.g. 1.2.3 or 1.2.3-rc.1)`);
  }
  return version;
}

function resolveCommit(inputs: StampInputs): string {
  const commit = inputs.commit ?? inputs.env.GITHUB_SHA?.slice(0, 7) ?? inputs.gitCommit() ??
    "unknown";
  if (!/^[0-9a-zA-Z._-]+$/.test(commit)) throw new Error(`"${commit}" is not a commit id`);
  return commit;
}

function resolveDate(inputs: StampInputs): string {
  let date = inputs.now;
  if (inputs.date !== undefined) {
    date = new Date(inputs.date);
    if (Number.isNaN(date.getTime())) throw new Error(`"${inputs.date}" is not a date`);
  } else if (inputs.env.SOURCE_DATE_EPOCH) {
    const seconds = Number(inputs.env.SOURCE_DATE_EPOCH);
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new Error(`SOURCE_DATE_EPOCH "${inputs.env.SOURCE_DATE_EPOCH}" is not whole seconds`);
    }
    date = new Date(seconds * 1000);
  }
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The file text for `info`: two-space JSON with a final newline, fields in a fixed order. */
export function formatBuildInfo(info: BuildInfo): string {
  const ordered: BuildInfo = { version: info.version, commit: info.commit, date: info.date };
  return JSON.stringify(ordered, null, 2) + "\n";
}

/** Writes `info` to `file` unless it already holds exactly that; returns whether it wrote. */
export async function writeBuildInfo(file: string, info: BuildInfo): Promise<boolean> {
  const text = formatBuildInfo(info);
  let current: string | undefined;
  try {
    current = await Deno.readTextFile(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (current === text) return false;
  await Deno.writeTextFile(file, text);
  return true;
}

/** The repository root (this file is `.github/scripts/stamp.ts`). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The short commit of HEAD in `cwd`, or undefined when git or the work tree is missing. */
export function gitShortCommit(cwd: string): string | undefined {
  try {
    const out = new Deno.Command("git", {
      args: ["rev-parse", "--short", "HEAD"],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const text = new TextDecoder().decode(out.stdout).trim();
    return out.success && text !== "" ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Reads deno.json's `version` under `root`. */
export async function denoJsonVersion(root: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as { version?: unknown };
  if (typeof config.version !== "string") throw new Error(`${root}deno.json has no "version"`);
  return config.version;
}

/** Resolves the build info for this checkout from flags and the process environment. */
export async function buildInfoForCheckout(
  flags: { version?: string; commit?: string; date?: string },
): Promise<BuildInfo> {
  return resolveBuildInfo({
    ...flags,
    env: Deno.env.toObject(),
    denoJsonVersion: await denoJsonVersion(REPO_ROOT),
    gitCommit: () => gitShortCommit(REPO_ROOT),
    now: new Date(),
  });
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: "string" },
      version: { type: "string" },
      commit: { type: "string" },
      date: { type: "string" },
      "print-version": { type: "boolean" },
    },
    strict: true,
  });
  const info = await buildInfoForCheckout(values);
  if (values["print-version"]) {
    Deno.stdout.writeSync(new TextEncoder().encode(info.version + "\n"));
    return 0;
  }
  const file = values.file ?? `${REPO_ROOT}cli/build_info.json`;
  const wrote = await writeBuildInfo(file, info);
  const line = `${wrote ? "stamped" : "unchanged"} ${file}: ${JSON.stringify(info)}\n`;
  Deno.stderr.writeSync(new TextEncoder().encode(line));
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    Deno.stderr.writeSync(new TextEncoder().encode(`stamp: ${(e as Error).message}\n`));
    Deno.exit(1);
  }
}
