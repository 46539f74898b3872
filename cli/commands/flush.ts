/**
 * `aws-sso flush` (the 1.x command, kept): deletes cached secrets of the selected SSO instance
 * without signing out at AWS. `--type sts` (default) the role credentials, `sso` the SSO token,
 * `all` both and the `file` store's data key in the kernel keyring. Says what it deleted on stderr and succeeds when there was nothing to delete.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { App } from "../program.ts";

/** The values of `--type`. */
export const FLUSH_TYPES = ["sts", "sso", "all"] as const;

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
      const ctx = app.context(cmd);
      const [{ flushRoleCredentials, flushSsoToken, forgetStoreKey }, instance] = await Promise.all(
        [
          import("../services/flush.ts"),
          ctx.instance(),
        ],
      );
      const type = opts.type;
      if (type === "sts" || type === "all") {
        const arns = await flushRoleCredentials(ctx);
        for (const arn of arns) ctx.logger.info(`Flushed the cached STS credentials of ${arn}`);
        if (arns.length === 0) {
          ctx.logger.info(`No cached STS credentials to flush for SSO instance ${instance.name}`);
        }
      }
      if (type === "sso" || type === "all") {
        ctx.logger.info(
          await flushSsoToken(ctx)
            ? `Flushed the AWS SSO token of instance ${instance.name}`
            : `No AWS SSO token to flush for instance ${instance.name}`,
        );
      }
      if (type === "all") await forgetStoreKey(ctx);
    }) as unknown as CommandUnknownOpts;
}
