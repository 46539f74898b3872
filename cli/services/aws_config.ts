/**
 * The `~/.aws/config` profiles of `setup profiles` (docs/design.md §2.4): render the selected
 * instance's block, splice it into the file, show the diff, ask, write. Shared by
 * `setup profiles`, its 1.x name `config`, `cache`'s AutoConfigCheck and `doctor`.
 *
 * The file is read as bytes and written back with the same bytes outside the block (a UTF-8
 * BOM, CRLF line endings, a missing final newline, even non-UTF-8 comments), atomically (temp
 * file + rename, through a symlink to its target), under `<ConfigDir>/locks/aws-config.lock` so
 * two runs at once leave a valid file. A new file is created 0600 (its directory 0700); an
 * existing one keeps its permissions.
 *
 * @module
 */
import { writeFileAtomic, writeTarget } from "../../lib/atomic_file.ts";
import { blockMarkers, replaceManagedBlock } from "../../lib/aws_config/managed_block.ts";
import { renderProfiles } from "../../lib/aws_config/render_profiles.ts";
import { AwsSsoError, errorMessage } from "../../lib/errors.ts";
import { withLock } from "../../lib/file_lock.ts";
import { expandHome } from "../../lib/paths.ts";
import { assertUniqueProfileNames } from "../../lib/roles/profile_name.ts";
import { unifiedDiff } from "../../lib/unified_diff.ts";
import type { Context } from "../context.ts";
import { canPrompt, prompts } from "../prompts.ts";
import type { LoadedRoles } from "./roles.ts";
import { selfCommand } from "./self_command.ts";

/** A file's text, decoded so that encoding it again gives the same bytes. */
export interface FileText {
  /** The content ("" when the file does not exist). */
  text: string;
  /** True when the file exists. */
  exists: boolean;
  /** False when the file is not UTF-8: then `text` has one character per byte. */
  utf8: boolean;
}

function bytesAsChars(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** Reads a text file so that {@link encodeFileText} of the same text gives the same bytes. */
export async function readFileText(path: string): Promise<FileText> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { text: "", exists: false, utf8: true };
    throw new AwsSsoError(`cannot read ${path}: ${errorMessage(e)}`, { cause: e });
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, exists: true, utf8: true };
  } catch {
    // Not UTF-8 (a Latin-1 comment, say): one character per byte keeps every byte as it is.
    return { text: bytesAsChars(bytes), exists: true, utf8: false };
  }
}

/** The bytes of `text` for a file read as `file`. */
export function encodeFileText(file: FileText, text: string): Uint8Array {
  return file.utf8
    ? new TextEncoder().encode(text)
    : Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** Text we add to a file read as `file` (as its UTF-8 bytes when the file is not UTF-8). */
function asFileChars(file: FileText, text: string): string {
  return file.utf8 ? text : bytesAsChars(new TextEncoder().encode(text));
}

/** Where the profiles go: `--aws-config`, else `$AWS_CONFIG_FILE`, else `~/.aws/config`. */
export function awsConfigPath(ctx: Context, flag?: string): string {
  return flag !== undefined && flag !== ""
    ? expandHome(flag, ctx.paths.home)
    : ctx.paths.awsConfigFile;
}

/** The block `setup profiles` writes for the instance of `loaded`. */
export function profilesBlock(ctx: Context, loaded: LoadedRoles): string {
  const roles = loaded.roles.roles;
  if (loaded.roles.profileError !== undefined) throw loaded.roles.profileError;
  assertUniqueProfileNames(roles);
  const self = selfCommand(
    ctx.paths.home,
    loaded.settings.configProfilesBinaryPath,
    ctx.env.AWS_SSO_LAUNCHER,
  );
  if (self.warning !== undefined) ctx.logger.warn(self.warning);
  return renderProfiles(loaded.instance.name, roles, {
    command: self.argv,
    configVariables: loaded.settings.configVariables,
    os: Deno.build.os,
  });
}

/** What writing the block would change. */
export interface ProfilesPlan {
  /** The file (symlinks resolved). */
  path: string;
  /** The path for messages. */
  display: string;
  /** The instance whose block it is. */
  instance: string;
  /** The block. */
  block: string;
  /** The file now. */
  before: FileText;
  /** The file with the block in place. */
  after: string;
  /** Unified diff from before to after; "" when nothing changes. */
  diff: string;
}

/** Works out the new file text and the diff (no writing). */
export async function planProfiles(
  ctx: Context,
  loaded: LoadedRoles,
  awsConfig?: string,
): Promise<ProfilesPlan> {
  const file = awsConfigPath(ctx, awsConfig);
  const path = await writeTarget(file);
  const display = ctx.display(file);
  const block = profilesBlock(ctx, loaded);
  const before = await readFileText(path);
  const markers = blockMarkers(loaded.instance.name);
  const after = replaceManagedBlock(before.text, markers, asFileChars(before, block), display);
  const diff = unifiedDiff(before.text, after, { fromFile: display, toFile: `${display}.new` });
  return { path, display, instance: loaded.instance.name, block, before, after, diff };
}

/**
 * Writes the plan's block: under the lock, the file is read again and the block spliced into
 * what is there now (so an edit made meanwhile is kept), then replaced atomically.
 */
export async function writeProfiles(ctx: Context, plan: ProfilesPlan): Promise<boolean> {
  return await withLock(`${ctx.paths.lockDir}/aws-config.lock`, {
    purpose: `updating ${plan.display}`,
    clock: ctx.clock,
    onWait: (holder) => ctx.output.err(`Waiting for ${holder} to finish with ${plan.display}...\n`),
  }, async () => {
    const current = await readFileText(plan.path);
    const markers = blockMarkers(plan.instance);
    const next = replaceManagedBlock(
      current.text,
      markers,
      asFileChars(current, plan.block),
      plan.display,
    );
    if (current.exists && next === current.text) return false;
    let mode = 0o600;
    if (current.exists) {
      try {
        mode = (await Deno.stat(plan.path)).mode ?? 0o600;
        mode &= 0o777;
      } catch {
        // Keep 0600.
      }
    }
    await writeFileAtomic(plan.path, encodeFileText(current, next), mode);
    return true;
  });
}

/** Options of {@link updateProfiles}. */
export interface UpdateProfilesOptions {
  /** Write without asking. */
  force?: boolean;
  /** Print the diff (with `force`; without a terminal: print it and change nothing). */
  diff?: boolean;
  /** `--aws-config`. */
  awsConfig?: string;
  /** Called from AutoConfigCheck: without a terminal, only say what to run. */
  automatic?: boolean;
  /** Only print the diff, never write or ask (1.x `config --diff`). */
  diffOnly?: boolean;
}

/** The loaded roles (refreshing an out-of-date cache first, as the reference does). */
export async function rolesForProfiles(ctx: Context): Promise<LoadedRoles> {
  const { roleCache } = await import("./roles.ts");
  return await roleCache(ctx, { refreshIfExpired: true });
}

/**
 * `setup profiles` without `--print`: show the diff, ask (unless `force`), write. Without a
 * terminal and without `force`, prints the diff and refuses (or, with `diff`, only prints it).
 */
export async function updateProfiles(ctx: Context, options: UpdateProfilesOptions): Promise<void> {
  const loaded = await rolesForProfiles(ctx);
  const plan = await planProfiles(ctx, loaded, options.awsConfig);
  if (plan.diff === "") {
    ctx.logger.info(`no changes made to ${plan.display}`);
    return;
  }
  const count = loaded.roles.roles.length;
  if (options.diffOnly) {
    showDiff(ctx, plan.diff);
    return;
  }
  if (options.force) {
    if (options.diff) showDiff(ctx, plan.diff);
    await writeProfiles(ctx, plan);
    ctx.logger.info(
      `Updated ${plan.display}: ${count} profile(s) for SSO instance ${plan.instance}`,
    );
    return;
  }
  if (!canPrompt(ctx)) {
    if (options.automatic) {
      ctx.logger.info(
        `AutoConfigCheck: ${plan.display} is out of date; run "aws-sso setup profiles" to update it`,
      );
      return;
    }
    showDiff(ctx, plan.diff);
    if (options.diff) return;
    throw new AwsSsoError(
      `not changing ${plan.display}: confirming the changes needs a terminal`,
      {
        hints: [
          'run "aws-sso setup profiles --force" to write them without asking',
          "or --diff to only show them",
        ],
      },
    );
  }
  showDiff(ctx, plan.diff);
  const p = await prompts(ctx);
  if (!await p.confirm(`Modify ${plan.display} with proposed changes?`, false)) {
    ctx.logger.info(`${plan.display} not changed`);
    return;
  }
  await writeProfiles(ctx, plan);
  ctx.logger.info(`Updated ${plan.display}: ${count} profile(s) for SSO instance ${plan.instance}`);
}

/** Prints a diff on stdout, coloured on a terminal. */
function showDiff(ctx: Context, diff: string): void {
  if (!ctx.output.stdoutIsTerminal) {
    ctx.output.out(diff);
    return;
  }
  const lines = diff.split("\n").map((line) =>
    line.startsWith("---") || line.startsWith("+++")
      ? ctx.output.style("bold", line)
      : line.startsWith("@@")
      ? ctx.output.style("cyan", line)
      : line.startsWith("-")
      ? ctx.output.style("red", line)
      : line.startsWith("+")
      ? ctx.output.style("green", line)
      : line
  );
  ctx.output.out(lines.join("\n"));
}

/** `setup profiles --print`: the block on stdout. */
export async function printProfiles(ctx: Context): Promise<void> {
  const loaded = await rolesForProfiles(ctx);
  ctx.output.out(profilesBlock(ctx, loaded));
}
