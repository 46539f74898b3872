import assert from "node:assert/strict";
import {
  credentialsCommand,
  type CredentialsInput,
  runCredentials,
} from "../../../cli/commands/credentials.ts";
import { AwsSsoError, ProfileNotFoundError, UsageError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import {
  ADMIN,
  ADMIN_PROFILE,
  appOver,
  READONLY,
  READONLY_PROFILE,
  roleRun,
  runWired,
} from "./_role_run.ts";

function input(extra: Partial<CredentialsInput>): CredentialsInput {
  return { profiles: [], append: false, ...extra };
}

/** The `[section]` names of an INI text. */
function sections(text: string): string[] {
  return [...text.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1]!);
}

Deno.test("runCredentials() prints one INI section per profile, -p a,b and -p a -p b alike", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await runCredentials(input({ profiles: [`${ADMIN_PROFILE},${READONLY_PROFILE}`] }), t.next());
  assert.deepEqual(sections(t.output.stdout), [ADMIN_PROFILE, READONLY_PROFILE]);
  const admin = await t.store.getRoleCredentials(ADMIN);
  assert.match(t.output.stdout, new RegExp(`^aws_access_key_id = ${admin!.accessKeyId}$`, "m"));
  assert.match(
    t.output.stdout,
    new RegExp(`^aws_secret_access_key = ${admin!.secretAccessKey.replace(/[+/]/g, "\\$&")}$`, "m"),
  );
  const first = t.output.stdout;

  t.output.stdout = "";
  await runCredentials(input({ profiles: [ADMIN_PROFILE, READONLY_PROFILE] }), t.next());
  assert.equal(t.output.stdout, first, "the stored credentials are reused");
  assert.equal(emu.counters.GetRoleCredentials, 2);
});

Deno.test("runCredentials() --file writes 0600 atomically, through a symlink to its target", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  const target = `${t.home}/real-credentials`;
  await Deno.writeTextFile(target, "[old]\nx = 1\n", { mode: 0o644 });
  await Deno.mkdir(`${t.home}/.aws`, { recursive: true });
  await Deno.symlink(target, `${t.home}/.aws/credentials`);
  await runCredentials(input({ profiles: [ADMIN_PROFILE], file: "~/.aws/credentials" }), t.next());
  assert.equal(t.output.stdout, "", "nothing on stdout");
  assert.ok(Deno.lstatSync(`${t.home}/.aws/credentials`).isSymlink, "the link stays a link");
  const text = await Deno.readTextFile(target);
  assert.deepEqual(sections(text), [ADMIN_PROFILE], "replaced, not appended");
  if (Deno.build.os !== "windows") assert.equal(Deno.statSync(target).mode! & 0o777, 0o600);
  assert.match(t.output.stderr, /Wrote credentials for 1 profile\(s\) to ~\/\.aws\/credentials/);
});

Deno.test("runCredentials() --append adds sections and makes a readable file private", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  const file = `${t.home}/creds`;
  await Deno.writeTextFile(file, "[default]\nregion = eu-west-1\n", { mode: 0o644 });
  if (Deno.build.os !== "windows") await Deno.chmod(file, 0o644);
  await runCredentials(input({ profiles: [ADMIN_PROFILE], file, append: true }), t.next());
  await runCredentials(input({ profiles: [READONLY_PROFILE], file, append: true }), t.next());
  const text = await Deno.readTextFile(file);
  assert.ok(text.startsWith("[default]\nregion = eu-west-1\n"), text);
  assert.deepEqual(sections(text), ["default", ADMIN_PROFILE, READONLY_PROFILE]);
  if (Deno.build.os !== "windows") {
    assert.equal(Deno.statSync(file).mode! & 0o777, 0o600);
    assert.match(t.output.stderr, /Made ~\/creds readable by you only/);
  }
  assert.ok((await t.store.getRoleCredentials(READONLY)) !== undefined);
});

Deno.test("runCredentials() usage errors: --append without --file, no profile, an unknown profile", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await assert.rejects(
    runCredentials(input({ profiles: [ADMIN_PROFILE], append: true, file: "" }), t.next()),
    (e) => e instanceof UsageError && /--append needs --file/.test(e.message),
  );
  await assert.rejects(
    runCredentials(input({ profiles: [",", ""] }), t.next()),
    (e) => e instanceof UsageError && /no credentials to write/.test(e.message),
  );
  await assert.rejects(
    runCredentials(input({ profiles: [ADMIN_PROFILE, "nope"] }), t.next()),
    (e) =>
      e instanceof ProfileNotFoundError &&
      /unable to locate role with Profile: nope/.test(e.message),
  );
  assert.equal(
    emu.counters.GetRoleCredentials ?? 0,
    0,
    "no credentials before every profile resolves",
  );
  assert.equal(t.output.stdout, "");
});

Deno.test("runCredentials() says which file it cannot write", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await Deno.writeTextFile(`${t.home}/not-a-dir`, "");
  await assert.rejects(
    runCredentials(
      input({ profiles: [ADMIN_PROFILE], file: `${t.home}/not-a-dir/creds` }),
      t.next(),
    ),
    (e) => e instanceof AwsSsoError && /^cannot write ~\/not-a-dir\/creds: /.test(e.message),
  );
});

Deno.test("credentials: the command's action parses repeated -p and runs runCredentials", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await runWired(credentialsCommand(appOver(t.next())), [
    "-p",
    ADMIN_PROFILE,
    "-p",
    READONLY_PROFILE,
  ]);
  assert.deepEqual(sections(t.output.stdout), [ADMIN_PROFILE, READONLY_PROFILE]);
});
