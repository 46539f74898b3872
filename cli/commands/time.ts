/**
 * `aws-sso time`: how long the credentials of this shell
 * (`$AWS_SSO_SESSION_EXPIRATION`, set by `exec` and `eval`) remain valid — `5h5m`, `45m`,
 * `< 1m` or `Expired`, without a newline (for prompts). Outside such a shell it says so on
 * stderr and exits 1, so a prompt script can test `aws-sso time 2>/dev/null`.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { AwsSsoError } from "../../lib/errors.ts";
import { parseRfc3339 } from "../../lib/time_format.ts";
import { timeRemain } from "../../lib/time_remain.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** What `time` needs: the shell's environment, its clock and where to print. */
export type TimeServices = Pick<Context, "env" | "clock" | "output">;

/** Prints the time left on the credentials of this aws-sso shell. */
export function runTime(services: TimeServices): void {
  const value = services.env.AWS_SSO_SESSION_EXPIRATION ?? "";
  if (value === "") {
    throw new AwsSsoError(
      "not in an aws-sso shell: AWS_SSO_SESSION_EXPIRATION is not set",
      { hints: ['start one with "aws-sso exec", or set the variables with "aws-sso eval"'] },
    );
  }
  const expires = parseRfc3339(value);
  if (expires === undefined) {
    throw new AwsSsoError(
      `unable to parse AWS_SSO_SESSION_EXPIRATION=${value}: expected an RFC 3339 time`,
    );
  }
  services.output.out(timeRemain(expires, services.clock.now(), false));
}

/** Builds the `time` command. */
export function timeCommand(app: App): CommandUnknownOpts {
  return new Command("time")
    .description("print how long the credentials of this aws-sso shell remain valid")
    .action((_opts, cmd) => runTime(app.context(cmd)));
}
