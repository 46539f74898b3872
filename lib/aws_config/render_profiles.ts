/**
 * The `~/.aws/config` block `setup profiles` writes for one SSO instance (docs/design.md §2.4): one
 * `[profile <name>]` section per role with a `credential_process` line that runs aws-sso, in the
 * reference's exact layout so users switching tools see no diff.
 *
 * Profile and role names come from the SSO portal (through `ProfileFormat`, account names and
 * aliases), so nothing in a section is written raw: control characters are escaped
 * ({@link safeText}), which keeps every value on its own line — no injected key or
 * `[profile]` — and the role ARN is quoted like the command words, because the JS and Go SDKs
 * run `credential_process` through `sh -c`. A real ARN needs no quotes, so the layout is
 * unchanged for every role AWS can return.
 *
 * @module
 */
import { safeText } from "../safe_text.ts";
import { blockMarkers } from "./managed_block.ts";

/** What a profile section needs from a role (a {@link RoleFlat} has all of it). */
export interface ProfileRole {
  /** The effective profile name. */
  ProfileName: string;
  /** `arn:aws:iam::<account>:role/<name>`. */
  Arn: string;
  /** The role's resolved default region (role > account > instance), or "". */
  DefaultRegion: string;
}

/** Options of {@link renderProfiles}. */
export interface RenderProfilesOptions {
  /**
   * The command that runs aws-sso, one word per item: `["/usr/local/bin/aws-sso"]`, or
   * `["/usr/bin/deno", "run", "-A", "/src/main.ts"]` from source. Words are quoted for the shell
   * only when they need it (see {@link quoteCommandWord}).
   */
  command: readonly string[];
  /** `ConfigVariables`: extra `key = value` lines in every profile, written sorted by key. */
  configVariables?: Readonly<Record<string, string>>;
  /** `windows` quotes words the way Windows command lines do; anything else is POSIX. */
  os?: string;
}

/**
 * Compares like Go's `<` on strings (UTF-8 bytes), which orders the reference's output.
 *
 * @example
 * ```ts
 * ["b", "B", "a"].sort(compareBytes); // ["B", "a", "b"]
 * ```
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) {
    if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  }
  return ea.length - eb.length;
}

// Characters that every shell and botocore's shlex-style split take literally.
const POSIX_SAFE = /^[A-Za-z0-9_\-.,/:@%+=]+$/;
const WINDOWS_SAFE = /^[A-Za-z0-9_\-.,/\\:@%+=]+$/;

/**
 * Quotes one word of a `credential_process` command when it needs it. The AWS CLI splits the
 * line like a POSIX shell (shlex) and the JS and Go SDKs run it through `sh -c`, so on POSIX a
 * word with spaces or other special characters goes in single quotes; on Windows in double
 * quotes.
 *
 * @example
 * ```ts
 * quoteCommandWord("/usr/local/bin/aws-sso");      // "/usr/local/bin/aws-sso"
 * quoteCommandWord("/Users/Jo Smith/bin/aws-sso"); // "'/Users/Jo Smith/bin/aws-sso'"
 * ```
 */
export function quoteCommandWord(word: string, os = "linux"): string {
  if (os === "windows") {
    if (WINDOWS_SAFE.test(word)) return word;
    return `"${word.replace(/"/g, '\\"')}"`;
  }
  if (POSIX_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** The instance name in `-S "<Instance>"`: always double-quoted, like the reference. */
function quoteInstance(name: string): string {
  return `"${safeText(name).replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * Renders the whole managed block for `instance`: BEGIN line, one section per role ordered by
 * ARN, a blank line, END line.
 *
 * @example
 * ```ts
 * renderProfiles("Default", [{ ProfileName: "000000012345:Bar", DefaultRegion: "",
 *   Arn: "arn:aws:iam::000000012345:role/Bar" }], { command: ["/bin/aws-sso"] });
 * // "# BEGIN_AWS_SSO_CLI\n\n[profile 000000012345:Bar]\ncredential_process = /bin/aws-sso -S \"Default\" process --arn arn:aws:iam::000000012345:role/Bar\n\n# END_AWS_SSO_CLI\n"
 * ```
 */
export function renderProfiles(
  instance: string,
  roles: readonly ProfileRole[],
  options: RenderProfilesOptions,
): string {
  const markers = blockMarkers(instance);
  const command = options.command.map((w) => quoteCommandWord(w, options.os)).join(" ");
  const vars = Object.entries(options.configVariables ?? {})
    .sort(([a], [b]) => compareBytes(a, b))
    .map(([key, value]) => [safeText(key), safeText(value)]);
  const sorted = [...roles].sort((a, b) => compareBytes(a.Arn, b.Arn));
  let out = `${markers.begin}\n`;
  for (const role of sorted) {
    const arn = quoteCommandWord(safeText(role.Arn), options.os);
    out += `\n[profile ${safeText(role.ProfileName)}]\n`;
    out += `credential_process = ${command} -S ${quoteInstance(instance)} process --arn ${arn}\n`;
    if (role.DefaultRegion !== "") out += `region = ${safeText(role.DefaultRegion)}\n`;
    for (const [key, value] of vars) out += `${key} = ${value}\n`;
  }
  return `${out}\n${markers.end}\n`;
}
