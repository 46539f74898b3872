/**
 * The paths of one run from the environment snapshot: the one place that turns HOME, XDG,
 * `--config` / `AWS_SSO_CONFIG` and `AWS_CONFIG_FILE` into {@link Paths}. cli/context.ts and the
 * credential_process hot path (cli/fast_process.ts) both use it, so this module stays light.
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
