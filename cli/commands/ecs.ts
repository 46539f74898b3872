/**
 * `aws-sso ecs` (reference §12): the ECS container-credentials server (`server`, `docker
 * start|stop`) and its clients (`load`, `unload`, `list`, `profile`).
 *
 * Clients find the server through `--server host:port` / `AWS_SSO_ECS_SERVER` (default
 * localhost:4144) and send the bearer token stored in the SecureStore (`load` and `unload` also
 * the admin credential); they use https, trusting the stored certificate, when one is stored.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { EcsProfileInfo } from "../../lib/ecs/handler.ts";
import { AwsSsoError } from "../../lib/errors.ts";
import { timeRemain } from "../../lib/time_remain.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { formatTable } from "../table.ts";
import { ecsDockerCommand } from "./ecs_docker.ts";
import { ecsServerCommand } from "./ecs_server.ts";
import { roleArgsFrom } from "./exec.ts";

function serverOption() {
  return new Option("--server <host:port>", "the ECS server (default: localhost:4144)").env(
    "AWS_SSO_ECS_SERVER",
  );
}

/** A client; `admin` (load, unload) adds the admin credential the server wants for changes. */
async function client(
  ctx: Context,
  cmd: CommandUnknownOpts,
  server: string | undefined,
  admin = false,
) {
  const { ecsClient } = await import("../services/ecs.ts");
  return await ecsClient(ctx, server, cmd.getOptionValueSource("server"), { admin });
}

function profileTable(ctx: Context, rows: EcsProfileInfo[]): string {
  const now = ctx.clock.now();
  return formatTable(
    ["ProfileName", "AccountIdPad", "RoleName", "Expires"],
    [...rows]
      .sort((a, b) => (a.ProfileName < b.ProfileName ? -1 : a.ProfileName > b.ProfileName ? 1 : 0))
      .map((
        r,
      ) => [r.ProfileName, r.AccountId, r.RoleName, timeRemain(r.Expiration * 1000, now, true)]),
  );
}

function loadCommand(app: App): CommandUnknownOpts {
  return new Command("load")
    .description("load a role's credentials into the ECS server (default slot, or --slotted)")
    .addOption(serverOption())
    .addOption(
      new Option("-a, --arn <arn>", "role ARN (or <account>:<RoleName>)").env("AWS_SSO_ROLE_ARN"),
    )
    .addOption(
      new Option("-A, --account <id>", "account id (with --role)").env("AWS_SSO_ACCOUNT_ID"),
    )
    .addOption(
      new Option("-R, --role <name>", "role name (with --account)").env("AWS_SSO_ROLE_NAME"),
    )
    .option("-p, --profile <name>", "profile name of the role")
    .option("-s, --slotted", "load into the slot named after the profile, not the default slot")
    .option("--sts-refresh", "fetch new role credentials even when cached ones are valid")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      const ecs = await client(ctx, cmd, opts.server, true);
      const [{ selectRole, roleCredentials }, { recordRoleUse }] = await Promise.all([
        import("../services/creds.ts"),
        import("../services/roles.ts"),
      ]);
      const role = await selectRole(ctx, roleArgsFrom(cmd, opts), { allowPicker: true });
      const creds = await roleCredentials(ctx, role);
      const profile = role.ProfileName !== ""
        ? role.ProfileName
        : `${role.AccountIdPad}:${role.RoleName}`;
      const slotted = opts.slotted === true;
      await ecs.load(profile, creds, { slotted });
      try {
        await recordRoleUse(ctx, role.Arn);
      } catch (e) {
        ctx.logger.warn(`Unable to record the role in History: ${(e as Error).message}`);
      }
      ctx.logger.info(
        slotted
          ? `Loaded ${profile} into the ECS server (slot /slot/${encodeURIComponent(profile)})`
          : `Loaded ${profile} into the ECS server's default slot`,
      );
    });
}

function unloadCommand(app: App): CommandUnknownOpts {
  return new Command("unload")
    .description("remove credentials from the ECS server (the default slot, or --profile's slot)")
    .addOption(serverOption())
    .option("-p, --profile <name>", "empty the slot of this profile instead of the default slot")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      const ecs = await client(ctx, cmd, opts.server, true);
      const profile = opts.profile === undefined || opts.profile === "" ? undefined : opts.profile;
      await ecs.unload(profile);
      ctx.logger.info(
        profile === undefined ? "Emptied the default slot" : `Emptied the slot of ${profile}`,
      );
    });
}

function listCommand(app: App): CommandUnknownOpts {
  return new Command("list")
    .description("list the profiles loaded in the ECS server's named slots")
    .addOption(serverOption())
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      const ecs = await client(ctx, cmd, opts.server);
      const rows = await ecs.list();
      if (rows.length === 0) {
        ctx.output.out("No profiles are stored in any named slots.\n");
        return;
      }
      ctx.output.out(profileTable(ctx, rows));
    });
}

function profileCommand(app: App): CommandUnknownOpts {
  return new Command("profile")
    .description("show the profile loaded in the ECS server's default slot")
    .addOption(serverOption())
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      const ecs = await client(ctx, cmd, opts.server);
      const info = await ecs.profile();
      if (info === undefined) {
        throw new AwsSsoError("no profile loaded in ECS Server", {
          hints: ['load one with "aws-sso ecs load --profile <name>"'],
        });
      }
      ctx.output.out(profileTable(ctx, [info]));
    });
}

/** Builds the `ecs` group. */
export function ecsCommand(app: App): CommandUnknownOpts {
  return new Command("ecs")
    .description("serve role credentials to containers and SDKs over the ECS credentials API")
    .addCommand(ecsServerCommand(app))
    .addCommand(ecsDockerCommand(app))
    .addCommand(loadCommand(app))
    .addCommand(unloadCommand(app))
    .addCommand(listCommand(app))
    .addCommand(profileCommand(app)) as unknown as CommandUnknownOpts;
}
