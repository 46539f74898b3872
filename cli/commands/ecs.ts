/**
 * `aws-sso ecs` (docs/design.md §2.5): the ECS container-credentials server (`server`, `docker
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
import { AwsSsoError, errorMessage } from "../../lib/errors.ts";
import { timeRemain } from "../../lib/time_remain.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { addRoleOptions, type RoleSelection, roleSelection } from "../role_options.ts";
import { formatTable } from "../table.ts";
import { ecsDockerCommand } from "./ecs_docker.ts";
import { ecsServerCommand } from "./ecs_server.ts";

function serverOption() {
  return new Option("--server <host:port>", "the ECS server (default: localhost:4144)").env(
    "AWS_SSO_ECS_SERVER",
  );
}

/** Where the `ecs` clients find the server. */
export interface EcsServerInput {
  /** `--server` / `AWS_SSO_ECS_SERVER` (default localhost:4144). */
  server?: string;
  /** Where `server` came from (`cli`, `env`), for the message about a bad address. */
  serverSource?: string;
}

/** A client; `admin` (load, unload) adds the admin credential the server wants for changes. */
async function client(ctx: Context, input: EcsServerInput, admin = false) {
  const { ecsClient } = await import("../services/ecs.ts");
  return await ecsClient(ctx, input.server, input.serverSource, { admin });
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

function serverInput(opts: { server?: string }, cmd: CommandUnknownOpts): EcsServerInput {
  return { server: opts.server, serverSource: cmd.getOptionValueSource("server") };
}

/** What an `ecs load` run asked for. */
export interface EcsLoadInput extends EcsServerInput {
  /** The role (`-a/-A/-R/-p` or their environment variables; else the picker). */
  selection: RoleSelection;
  /** `--slotted`: the slot named after the profile instead of the default slot. */
  slotted: boolean;
}

/** Loads a role's credentials into the ECS server. */
export async function runEcsLoad(input: EcsLoadInput, services: Context): Promise<void> {
  const ctx = services;
  const ecs = await client(ctx, input, true);
  const { credentialSource } = await import("../services/credential_source.ts");
  const source = await credentialSource(ctx, input.selection);
  const role = await source.role({ allowPicker: true });
  const creds = await source.credentials(role);
  const profile = role.ProfileName !== ""
    ? role.ProfileName
    : `${role.AccountIdPad}:${role.RoleName}`;
  await ecs.load(profile, creds, { slotted: input.slotted });
  try {
    await source.recordUse(role);
  } catch (e) {
    ctx.logger.warn(`Unable to record the role in History: ${errorMessage(e)}`);
  }
  ctx.logger.info(
    input.slotted
      ? `Loaded ${profile} into the ECS server (slot /slot/${encodeURIComponent(profile)})`
      : `Loaded ${profile} into the ECS server's default slot`,
  );
}

function loadCommand(app: App): CommandUnknownOpts {
  return addRoleOptions(
    new Command("load")
      .description("load a role's credentials into the ECS server (default slot, or --slotted)")
      .addOption(serverOption()),
    { env: true },
  )
    .option("-s, --slotted", "load into the slot named after the profile, not the default slot")
    .option("--sts-refresh", "fetch new role credentials even when cached ones are valid")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runEcsLoad({
        ...serverInput(opts, cmd),
        selection: roleSelection(cmd),
        slotted: opts.slotted === true,
      }, ctx);
    });
}

/** What an `ecs unload` run asked for. */
export interface EcsUnloadInput extends EcsServerInput {
  /** `--profile`: empty this profile's slot instead of the default slot. */
  profile?: string;
}

/** Removes credentials from the ECS server. */
export async function runEcsUnload(input: EcsUnloadInput, services: Context): Promise<void> {
  const ecs = await client(services, input, true);
  const profile = input.profile === undefined || input.profile === "" ? undefined : input.profile;
  await ecs.unload(profile);
  services.logger.info(
    profile === undefined ? "Emptied the default slot" : `Emptied the slot of ${profile}`,
  );
}

function unloadCommand(app: App): CommandUnknownOpts {
  return new Command("unload")
    .description("remove credentials from the ECS server (the default slot, or --profile's slot)")
    .addOption(serverOption())
    .option("-p, --profile <name>", "empty the slot of this profile instead of the default slot")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runEcsUnload({ ...serverInput(opts, cmd), profile: opts.profile }, ctx);
    });
}

/** Prints the profiles loaded in the ECS server's named slots. */
export async function runEcsList(input: EcsServerInput, services: Context): Promise<void> {
  const ecs = await client(services, input);
  const rows = await ecs.list();
  if (rows.length === 0) {
    services.output.out("No profiles are stored in any named slots.\n");
    return;
  }
  services.output.out(profileTable(services, rows));
}

function listCommand(app: App): CommandUnknownOpts {
  return new Command("list")
    .description("list the profiles loaded in the ECS server's named slots")
    .addOption(serverOption())
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runEcsList(serverInput(opts, cmd), ctx);
    });
}

/** Prints the profile loaded in the ECS server's default slot. */
export async function runEcsProfile(input: EcsServerInput, services: Context): Promise<void> {
  const ecs = await client(services, input);
  const info = await ecs.profile();
  if (info === undefined) {
    throw new AwsSsoError("no profile loaded in ECS Server", {
      hints: ['load one with "aws-sso ecs load --profile <name>"'],
    });
  }
  services.output.out(profileTable(services, [info]));
}

function profileCommand(app: App): CommandUnknownOpts {
  return new Command("profile")
    .description("show the profile loaded in the ECS server's default slot")
    .addOption(serverOption())
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runEcsProfile(serverInput(opts, cmd), ctx);
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
