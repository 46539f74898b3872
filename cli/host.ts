/**
 * What the host gives a run, read in one place: its paths from the environment snapshot (HOME,
 * XDG, `--config` / `AWS_SSO_CONFIG` and `AWS_CONFIG_FILE` into {@link Paths}) and the user's time
 * zone (lib/ formats times at an offset it is given and never reads the zone itself).
 * cli/context.ts and the credential_process hot path (cli/fast_process.ts) both use it, so this
 * module stays light.
 *
 * @module
 */
import { homeDir, type Paths, resolvePaths } from "../lib/paths.ts";

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Resolves the paths of a run; `configFlag` is `--config` or `$AWS_SSO_CONFIG`. Undefined when
 * the environment names no home directory.
 */
export function runPaths(
  env: Record<string, string | undefined>,
  configFlag: string | undefined,
): Paths | undefined {
  const home = homeDir(env);
  if (home === undefined) return undefined;
  return resolvePaths({
    home,
    xdgConfigHome: env.XDG_CONFIG_HOME,
    configFlag,
    awsConfigFile: env.AWS_CONFIG_FILE,
    awsCredentialsFile: env.AWS_SHARED_CREDENTIALS_FILE,
    isDirectory,
  });
}

/**
 * The host's UTC offset in minutes (east positive) at `epochMs`, the form `formatRfc3339` and the
 * credential formatters take (`tzOffsetMinutes`).
 */
export function localOffsetMinutes(epochMs: number): number {
  return -new Date(epochMs).getTimezoneOffset();
}
