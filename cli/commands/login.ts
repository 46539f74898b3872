/**
 * `aws-sso login`: log in to AWS SSO in the browser (docs/design.md §2.1).
 * Says so and makes no network call when the session is still valid; `--force` ends it and logs
 * in again. After a new login the role cache is refreshed when it is out of date.
 *
 * @module
 */
import {
  Command,
  type CommandUnknownOpts,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { URL_ACTIONS, type UrlAction } from "../../lib/settings/url_action.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { tokenManager } from "../services/auth.ts";

function positiveInt(what: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from 1 to ${max}`);
    }
    return n;
  };
}

/** What `login` was asked for on the command line. */
export interface LoginInput {
  /** `--url-action` (else the global flag, AuthUrlAction, UrlAction). */
  urlAction?: UrlAction;
  /** `--threads`: workers for the role cache refresh after the login. */
  threads?: number;
  /** `--force`: log in again even while the session is valid. */
  force?: boolean;
  /** `--redirect-port`: the fixed loopback port of the browser's redirect. */
  redirectPort?: number;
}

/** Logs in (unless the session is still valid and not `force`), then refreshes the role cache. */
export async function runLogin(input: LoginInput, services: Context): Promise<void> {
  const manager = await tokenManager(services, {
    urlAction: input.urlAction,
    redirectPort: input.redirectPort,
    paste: true,
  });
  const result = input.force === true
    ? await manager.forceLogin()
    : await manager.ensureToken({ interactive: true });
  if (result.source !== "login") {
    services.logger.info("You are already logged in. :)");
    return;
  }
  const instance = await services.instance();
  services.logger.info(`Logged in to AWS SSO instance ${instance.name}`);
  const { refreshRoleCacheAfterLogin } = await import("../services/roles.ts");
  await refreshRoleCacheAfterLogin(services, { threads: input.threads });
}

/** Builds the `login` command. */
export function loginCommand(app: App): CommandUnknownOpts {
  return new Command("login")
    .description("log in to AWS SSO in your browser (does nothing while the session is valid)")
    .addOption(
      new Option("-u, --url-action <action>", "how to show the login URL (default: AuthUrlAction)")
        .choices(URL_ACTIONS),
    )
    .option(
      "--threads <n>",
      "parallel workers for the role cache refresh after login",
      positiveInt("--threads", 1024),
    )
    .option("-f, --force", "log in again even when the current session is still valid")
    .option(
      "--redirect-port <port>",
      "listen for the browser's redirect on this 127.0.0.1 port (for ssh -L forwarding)",
      positiveInt("--redirect-port", 65535),
    )
    .action(async (opts, cmd) => await runLogin(opts, app.context(cmd)));
}
