import assert from "node:assert/strict";
import {
  ecsCommand,
  runEcsList,
  runEcsLoad,
  runEcsProfile,
  runEcsUnload,
} from "../../../cli/commands/ecs.ts";
import { systemClock } from "../../../cli/context.ts";
import { EcsServerError } from "../../../lib/ecs/ecs_client.ts";
import { EcsHandler } from "../../../lib/ecs/handler.ts";
import { EcsSlots } from "../../../lib/ecs/slot_store.ts";
import { AwsSsoError, UsageError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { recordingLogger } from "../../fakes/recording_logger.ts";
import {
  ADMIN,
  ADMIN_PROFILE,
  appOver,
  READONLY,
  READONLY_PROFILE,
  roleRun,
  runWired,
  selection,
} from "./_role_run.ts";

/** The cells of a table's lines (header, rule, rows). */
function tableRows(text: string): string[][] {
  return text.trim().split("\n").map((l) => l.split("|").map((c) => c.trim()));
}

/** The first column of a table's rows. */
function profiles(text: string): string[] {
  return tableRows(text).slice(2).map((r) => r[0]!);
}

const TOKEN = "Bearer-token-of-the-test-0123456789abcdef";

/** An ECS server in this process (the real handler), with the tokens the store holds. */
async function ecsServer(
  store: {
    putEcsBearerToken(t: string): Promise<void>;
    updateEcsAdminToken(fn: (c?: string) => string): Promise<string | undefined>;
  },
) {
  await store.putEcsBearerToken(TOKEN);
  const admin = (await store.updateEcsAdminToken(() => "admin-credential-of-the-test-0123456789"))!;
  const logger = recordingLogger();
  const slots = new EcsSlots({ clock: systemClock, logger });
  const handler = new EcsHandler({
    slots,
    token: TOKEN,
    adminToken: admin,
    clock: systemClock,
    logger,
    loopbackOnly: true,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handler.handle(req),
  );
  return {
    server: `127.0.0.1:${server.addr.port}`,
    slots,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

Deno.test("runEcsLoad() loads the role into the default slot; profile shows it, unload empties it", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await using ecs = await ecsServer(t.store);
  await runEcsLoad(
    { server: ecs.server, selection: selection({ profile: ADMIN_PROFILE }), slotted: false },
    t.next(),
  );
  assert.match(
    t.output.stderr,
    new RegExp(`Loaded ${ADMIN_PROFILE} into the ECS server's default slot`),
  );
  const stored = await t.store.getRoleCredentials(ADMIN);
  const loaded = ecs.slots.peek(undefined);
  assert.equal(loaded.status, "ok");
  assert.equal(loaded.status === "ok" && loaded.slot.creds.accessKeyId, stored?.accessKeyId);

  await runEcsProfile({ server: ecs.server }, t.next());
  const [header, , row] = tableRows(t.output.stdout);
  assert.deepEqual(header, ["ProfileName", "AccountIdPad", "RoleName", "Expires"]);
  assert.match(
    row!.join(" "),
    new RegExp(`^${ADMIN_PROFILE} 012345678901 AdministratorAccess (\\d+h)?\\d+m$`),
  );

  await runEcsUnload({ server: ecs.server }, t.next());
  assert.match(t.output.stderr, /Emptied the default slot/);
  await assert.rejects(
    runEcsProfile({ server: ecs.server }, t.next()),
    (e) => e instanceof AwsSsoError && /no profile loaded in ECS Server/.test(e.message),
  );
  const cache = JSON.parse(await Deno.readTextFile(`${t.home}/.config/aws-sso/cache.json`));
  assert.deepEqual(cache.SSO.Default.History, [ADMIN]);
});

Deno.test("runEcsLoad() --slotted loads named slots that list shows; unload -p empties one", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await using ecs = await ecsServer(t.store);
  await runEcsList({ server: ecs.server }, t.next());
  assert.equal(t.output.stdout, "No profiles are stored in any named slots.\n");
  t.output.stdout = "";
  await runEcsLoad(
    { server: ecs.server, selection: selection({ arn: ADMIN }), slotted: true },
    t.next(),
  );
  await runEcsLoad(
    {
      server: ecs.server,
      selection: selection({ account: "123456789012", role: "ReadOnlyAccess" }),
      slotted: true,
    },
    t.next(),
  );
  assert.match(t.output.stderr, new RegExp(`slot /slot/${encodeURIComponent(READONLY_PROFILE)}`));
  await runEcsList({ server: ecs.server }, t.next());
  assert.deepEqual(profiles(t.output.stdout), [ADMIN_PROFILE, READONLY_PROFILE]);

  await runEcsUnload({ server: ecs.server, profile: ADMIN_PROFILE }, t.next());
  assert.match(t.output.stderr, new RegExp(`Emptied the slot of ${ADMIN_PROFILE}`));
  t.output.stdout = "";
  await runEcsList({ server: ecs.server }, t.next());
  assert.deepEqual(profiles(t.output.stdout), [READONLY_PROFILE]);
  assert.ok((await t.store.getRoleCredentials(READONLY)) !== undefined);
});

Deno.test("ecs clients reject a bad server address, naming where it came from", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await assert.rejects(
    runEcsList({ server: "no-port", serverSource: "env" }, t.services),
    (e) => e instanceof UsageError && /invalid AWS_SSO_ECS_SERVER address: no-port/.test(e.message),
  );
  await assert.rejects(
    runEcsLoad({
      server: "a:b:c",
      serverSource: "cli",
      selection: selection({ arn: ADMIN }),
      slotted: false,
    }, t.next()),
    (e) => e instanceof UsageError && /invalid --server address: a:b:c/.test(e.message),
  );
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0);
});

Deno.test("runEcsLoad() refused by a server with another admin credential loads nothing", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  const logger = recordingLogger();
  const slots = new EcsSlots({ clock: systemClock, logger });
  // A server started by someone else: it wants an admin credential this user's store lacks.
  const handler = new EcsHandler({
    slots,
    adminToken: "someone-elses-admin-credential-000000",
    clock: systemClock,
    logger,
    loopbackOnly: true,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handler.handle(req),
  );
  try {
    await assert.rejects(
      runEcsLoad({
        server: `127.0.0.1:${server.addr.port}`,
        selection: selection({ arn: ADMIN }),
        slotted: false,
      }, t.next()),
      (e) => e instanceof EcsServerError && /ECS Server HTTP error: 403/.test(e.message),
    );
    assert.equal(slots.peek(undefined).status, "missing");
  } finally {
    await server.shutdown();
  }
});

Deno.test("ecs: the client commands' actions parse --server and the role flags", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await using ecs = await ecsServer(t.store);
  const run = (args: string[]) => runWired(ecsCommand(appOver(t.next())), args);
  await run(["load", "--server", ecs.server, "-p", ADMIN_PROFILE, "--slotted"]);
  await run(["list", "--server", ecs.server]);
  assert.deepEqual(profiles(t.output.stdout), [ADMIN_PROFILE]);
  await run(["unload", "--server", ecs.server, "-p", ADMIN_PROFILE]);
  await run(["load", "--server", ecs.server, "-a", READONLY]);
  t.output.stdout = "";
  await run(["profile", "--server", ecs.server]);
  assert.deepEqual(profiles(t.output.stdout), [READONLY_PROFILE]);
});
