/**
 * The role-selecting options (`-a/--arn`, `-A/--account`, `-R/--role`, `-p/--profile`) of
 * `process`, `exec`, `eval`, `console` and `ecs load`, declared once, and the
 * parse of a run's values into a {@link RoleSelection}:
 *
 * ```ts
 * import { Command } from "@commander-js/extra-typings";
 * const cmd = addRoleOptions(new Command("exec"), { env: true });
 * // in the action
 * const selection = roleSelection(cmd); // args, the flags given, --aws-profile
 * ```
 *
 * @module
 */
import { type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { type AwsProfileRequest, awsProfileRequest } from "./services/aws_cli_profile.ts";
import type { RoleArgs } from "./services/creds.ts";

/** The role options, by attribute name: flags, help and the environment variable they read. */
export const ROLE_OPTIONS = [
  {
    key: "arn",
    flags: "-a, --arn <arn>",
    help: "role ARN (or <account>:<RoleName>)",
    env: "AWS_SSO_ROLE_ARN",
  },
  {
    key: "account",
    flags: "-A, --account <id>",
    help: "account id (with --role)",
    env: "AWS_SSO_ACCOUNT_ID",
  },
  {
    key: "role",
    flags: "-R, --role <name>",
    help: "role name (with --account)",
    env: "AWS_SSO_ROLE_NAME",
  },
  {
    key: "profile",
    flags: "-p, --profile <name>",
    help: "profile name of the role",
    env: undefined,
  },
] as const satisfies readonly {
  key: keyof RoleArgs;
  flags: string;
  help: string;
  env: string | undefined;
}[];

/** The order in which the options name a role (as the reference tool orders them). */
const PRECEDENCE: readonly (keyof RoleArgs)[] = ["profile", "arn", "account", "role"];

/** How a command binds its role options. */
export interface RoleOptionsConfig {
  /**
   * Read `--arn`, `--account` and `--role` from `AWS_SSO_ROLE_ARN`, `AWS_SSO_ACCOUNT_ID` and
   * `AWS_SSO_ROLE_NAME` when not given (`exec`, `console`, `ecs load`: inside an aws-sso shell
   * they default to its role).
   */
  env: boolean;
  /**
   * `--arn` excludes the other three and `--profile` excludes `--account` / `--role`
   * (`process`, as in the reference tool). Not with `env`: commander counts a value from the environment
   * as given, so an aws-sso shell's `AWS_SSO_ROLE_ARN` would refuse every `--profile`.
   */
  exclusive?: boolean;
}

/** Adds the four role options to `command`, with their help text, bindings and conflicts. */
export function addRoleOptions<T extends CommandUnknownOpts>(
  command: T,
  config: RoleOptionsConfig,
): T {
  if (config.env && config.exclusive === true) {
    throw new Error("role options: exclusive options cannot have environment bindings");
  }
  for (const o of ROLE_OPTIONS) {
    const option = new Option(o.flags, o.help);
    if (config.env && o.env !== undefined) option.env(o.env);
    if (config.exclusive === true) {
      if (o.key === "arn") option.conflicts(["account", "role", "profile"]);
      if (o.key === "account" || o.key === "role") option.conflicts("profile");
    }
    command.addOption(option);
  }
  return command;
}

/** The role a run of a command names. */
export interface RoleSelection {
  /**
   * The role flags with their environment fallbacks, where a flag given on the command line
   * beats every value that only came from the environment (so `--account X --role Y` works
   * inside an exec shell whose `AWS_SSO_ROLE_ARN` names another role).
   */
  args: RoleArgs;
  /** The role flags given on the command line, `--profile` first (for messages). */
  given: (keyof RoleArgs)[];
  /** `--aws-profile` and its companions, when given. */
  awsProfile?: AwsProfileRequest;
}

/**
 * The {@link RoleSelection} of a parsed run of `command` (one built with
 * {@link addRoleOptions}). Throws UsageError for a bad `--aws-profile` combination.
 */
export function roleSelection(command: CommandUnknownOpts): RoleSelection {
  const given = PRECEDENCE.filter((k) => command.getOptionValueSource(k) === "cli");
  const args: RoleArgs = {};
  for (const { key } of ROLE_OPTIONS) {
    if (given.length > 0 && command.getOptionValueSource(key) !== "cli") continue;
    const value = command.getOptionValue(key);
    if (typeof value === "string") args[key] = value;
  }
  return { args, given, awsProfile: awsProfileRequest(command) };
}
