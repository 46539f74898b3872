/**
 * `aws-sso flush` (the 1.x command, kept): deletes cached secrets of the selected SSO instance
 * without signing out at AWS. `--type sts` (default) the role credentials, `sso` the SSO token,
 * `all` both and the `file` store's data key in the kernel keyring. Says what it deleted on
 * stderr and succeeds when there was nothing to delete.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** The values of `--type`. */
export const FLUSH_TYPES = ["sts", "sso", "all"] as const;

/** What `flush` deletes. */
export interface FlushInput {
  /** `--type`: sts (role credentials), sso (the SSO token) or all (both, and the store key). */
  type: FlushType;
}

/** One value of `--type`. */
export type FlushType = typeof FLUSH_TYPES[number];

/** Deletes the cached secrets `input.type` names and says what it deleted on stderr. */
export async function runFlush(input: FlushInput, services: Context): Promise<void> {
  const [{ flushRoleCredentials, flushSsoToken, forgetStoreKey }, instance] = await Promise.all(
    [
      import("../services/flush.ts"),
      services.instance(),
    ],
  );
  const type = input.type;
  const log = services.logger;
  if (type === "sts" || type === "all") {
    const arns = await flushRoleCredentials(services);
    for (const arn of arns) log.info(`Flushed the cached STS credentials of ${arn}`);
    if (arns.length === 0) {
      log.info(`No cached STS credentials to flush for SSO instance ${instance.name}`);
    }
  }
  if (type === "sso" || type === "all") {
    log.info(
      await flushSsoToken(services)
        ? `Flushed the AWS SSO token of instance ${instance.name}`
        : `No AWS SSO token to flush for instance ${instance.name}`,
    );
  }
  if (type === "all") await forgetStoreKey(services);
}

/** Builds the `flush` command. */
export function flushCommand(app: App): CommandUnknownOpts {
  return new Command("flush")
    .description(
      "delete cached credentials of the SSO instance: role credentials (sts), the SSO token (sso) or both",
    )
    .addOption(
      new Option(
        "-t, --type <type>",
        "sts: role credentials, sso: the AWS SSO token, all: both",
      ).choices(FLUSH_TYPES).default("sts" as const),
    )
    .action(async (opts, cmd) => {
      await runFlush({ type: opts.type }, app.context(cmd));
    }) as unknown as CommandUnknownOpts;
}
