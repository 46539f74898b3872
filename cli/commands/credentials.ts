/**
 * `aws-sso credentials`: role credentials as
 * `~/.aws/credentials` INI sections, on stdout or into `--file` (mode 0600; replaced atomically,
 * through a symlink to its target as for `~/.aws/config`, or appended to with `--append`).
 *
 * As in the reference, `$AWS_SHARED_CREDENTIALS_FILE` is the default of `--file` (so with it set,
 * the sections replace that file unless `--append`), and `-p a,b` names two profiles, as does
 * `-p a -p b`.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { writeTarget, writeTextFileAtomic } from "../../lib/atomic_file.ts";
import { formatCredentialsIni } from "../../lib/creds/credentials_ini.ts";
import { AwsSsoError, errorMessage, ProfileNotFoundError, UsageError } from "../../lib/errors.ts";
import { expandHome } from "../../lib/paths.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { localOffsetMinutes } from "../host.ts";

async function appendPrivate(ctx: Context, path: string, text: string): Promise<void> {
  const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  try {
    // One write: concurrent appenders' sections do not interleave.
    const data = new TextEncoder().encode(text);
    let written = 0;
    while (written < data.length) written += await file.write(data.subarray(written));
    if (Deno.build.os !== "windows") {
      const mode = (await file.stat()).mode ?? 0o600;
      if ((mode & 0o077) !== 0) {
        await Deno.chmod(path, 0o600);
        ctx.logger.info(`Made ${ctx.display(path)} readable by you only (it holds secrets)`);
      }
    }
  } finally {
    file.close();
  }
}

/** What a `credentials` run asked for. */
export interface CredentialsInput {
  /** `--profile` values (each may name several: `a,b`). */
  profiles: string[];
  /** `--file` / `AWS_SHARED_CREDENTIALS_FILE` ("" names no file). */
  file?: string;
  /** `--append`. */
  append: boolean;
}

/** Prints the profiles' credentials as INI sections, or writes them to `file`. */
export async function runCredentials(input: CredentialsInput, services: Context): Promise<void> {
  const ctx = services;
  // An empty AWS_SHARED_CREDENTIALS_FILE names no file.
  const file = input.file === "" ? undefined : input.file;
  if (input.append && file === undefined) {
    throw new UsageError("--append needs --file");
  }
  const profiles = input.profiles.flatMap((p) => p.split(",")).filter((p) => p !== "");
  if (profiles.length === 0) throw new UsageError("no credentials to write: give --profile");
  const [{ roleCache }, { roleCredentials }] = await Promise.all([
    import("../services/roles.ts"),
    import("../services/creds.ts"),
  ]);
  const { roles } = await roleCache(ctx, { refreshIfExpired: false });
  const selected = profiles.map((profile) => {
    const role = roles.byProfile(profile);
    if (role === undefined) {
      throw new ProfileNotFoundError(`unable to locate role with Profile: ${profile}`, {
        hints: ['run "aws-sso list" to see the profile names, "aws-sso cache" if it is new'],
      });
    }
    return { profile, role };
  });
  const entries = [];
  for (const { profile, role } of selected) {
    const creds = await roleCredentials(ctx, role);
    entries.push({
      profile,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: creds.expiration,
      tzOffsetMinutes: localOffsetMinutes(creds.expiration),
    });
  }
  const text = formatCredentialsIni(entries);
  if (file === undefined) {
    ctx.output.out(text);
    return;
  }
  const path = expandHome(file, ctx.paths.home);
  try {
    if (input.append) await appendPrivate(ctx, path, text);
    else await writeTextFileAtomic(await writeTarget(path), text, 0o600);
  } catch (e) {
    throw new AwsSsoError(`cannot write ${ctx.display(path)}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  ctx.logger.info(
    `Wrote credentials for ${profiles.length} profile(s) to ${ctx.display(path)}`,
  );
}

/** Builds the `credentials` command. */
export function credentialsCommand(app: App): CommandUnknownOpts {
  return new Command("credentials")
    .description("print role credentials as ~/.aws/credentials INI sections (or write a file)")
    .requiredOption(
      "-p, --profile <name...>",
      "profile name(s) of the role(s): -p a,b or -p a -p b",
    )
    .addOption(
      new Option("-f, --file <path>", "write to this file (mode 0600) instead of stdout").env(
        "AWS_SHARED_CREDENTIALS_FILE",
      ),
    )
    .option("-a, --append", "append to --file instead of replacing it")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runCredentials(
        { profiles: opts.profile, file: opts.file, append: opts.append === true },
        ctx,
      );
    });
}
