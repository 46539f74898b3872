/**
 * Where aws-sso keeps its files (docs/config.md "Where it lives"). Pure: the caller passes the
 * environment snapshot and a directory probe, so this never touches Deno.env itself.
 *
 * @module
 */

/** Inputs needed to resolve the paths. */
export interface PathInputs {
  /** The user's home directory (absolute). */
  home: string;
  /** `$XDG_CONFIG_HOME`, when set and non-empty. */
  xdgConfigHome?: string;
  /** `--config` / `$AWS_SSO_CONFIG`, unexpanded. */
  configFlag?: string;
  /** `$AWS_CONFIG_FILE`, when set. */
  awsConfigFile?: string;
  /** `$AWS_SHARED_CREDENTIALS_FILE`, when set. */
  awsCredentialsFile?: string;
  /** True when `path` exists and is a directory. */
  isDirectory: (path: string) => boolean;
}

/** Resolved locations of every file aws-sso uses. */
export interface Paths {
  /** The home directory. */
  home: string;
  /** `~/.aws-sso` if it exists, else `$XDG_CONFIG_HOME/aws-sso`, else `~/.config/aws-sso`. */
  configDir: string;
  /** config.yaml (from `--config` when given). */
  configFile: string;
  /** The role cache; always inside configDir, whatever `--config` says. */
  cacheFile: string;
  /** Lock file serialising secure-store writes. */
  storeLock: string;
  /** Directory of per-purpose lock files (token, role credentials, cache). */
  lockDir: string;
  /** Default `json` store file. */
  jsonStore: string;
  /** `~/.aws/config` or `$AWS_CONFIG_FILE`. */
  awsConfigFile: string;
  /** `~/.aws/credentials` or `$AWS_SHARED_CREDENTIALS_FILE`. */
  awsCredentialsFile: string;
}

/**
 * Expands a leading `~` to the home directory.
 *
 * @example
 * ```ts
 * expandHome("~/x/config.yaml", "/home/me"); // "/home/me/x/config.yaml"
 * ```
 */
export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/") || path.startsWith("~\\")) return home + path.slice(1);
  return path;
}

/**
 * Shows a path with the home directory abbreviated to `~`, for messages.
 *
 * @example
 * ```ts
 * displayPath("/home/me/.config/aws-sso", "/home/me"); // "~/.config/aws-sso"
 * ```
 */
export function displayPath(path: string, home: string): string {
  if (home !== "" && (path === home || path.startsWith(home + "/"))) {
    return "~" + path.slice(home.length);
  }
  return path;
}

/**
 * The home directory from an environment snapshot: `HOME`, else `USERPROFILE` (Windows);
 * undefined when neither is set.
 *
 * @example
 * ```ts
 * homeDir({ USERPROFILE: "C:\\Users\\me" }); // "C:\\Users\\me"
 * ```
 */
export function homeDir(env: Record<string, string | undefined>): string | undefined {
  const home = env.HOME ?? env.USERPROFILE ?? "";
  return home === "" ? undefined : home;
}

/** Resolves all paths from the environment snapshot. */
export function resolvePaths(input: PathInputs): Paths {
  const home = input.home;
  const legacy = `${home}/.aws-sso`;
  let configDir: string;
  if (input.isDirectory(legacy)) {
    configDir = legacy;
  } else if (input.xdgConfigHome !== undefined && input.xdgConfigHome !== "") {
    configDir = `${expandHome(input.xdgConfigHome, home)}/aws-sso`;
  } else {
    configDir = `${home}/.config/aws-sso`;
  }
  const configFile = input.configFlag !== undefined && input.configFlag !== ""
    ? expandHome(input.configFlag, home)
    : `${configDir}/config.yaml`;
  return {
    home,
    configDir,
    configFile,
    cacheFile: `${configDir}/cache.json`,
    storeLock: `${configDir}/storage.lock`,
    lockDir: `${configDir}/locks`,
    jsonStore: `${configDir}/store.json`,
    awsConfigFile: input.awsConfigFile !== undefined && input.awsConfigFile !== ""
      ? expandHome(input.awsConfigFile, home)
      : `${home}/.aws/config`,
    awsCredentialsFile: input.awsCredentialsFile !== undefined && input.awsCredentialsFile !== ""
      ? expandHome(input.awsCredentialsFile, home)
      : `${home}/.aws/credentials`,
  };
}
