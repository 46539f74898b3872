import assert from "node:assert/strict";
import { runCache } from "../../../cli/commands/cache.ts";
import { runDefaultList, runList } from "../../../cli/commands/list.ts";
import { runListSsoRoles } from "../../../cli/commands/list_sso_roles.ts";
import { NotLoggedInError, UsageError } from "../../../lib/errors.ts";
import { DecryptionError } from "../../../stores/backend.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const TABLE_HEADER =
  "AccountIdPad | AccountAlias | RoleName            | Profile                         | Expires";

Deno.test("runList() prints the cached roles under the header with the token's time left", async () => {
  await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 1 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  emu.resetCounters();
  t.output.stdout = "";
  await runList({ fields: [] }, t.next());
  assert.equal(
    t.output.stdout,
    "List of AWS roles for SSO Instance: Default [Expires in: 59m]\n\n" +
      `${TABLE_HEADER}\n${"=".repeat(TABLE_HEADER.length)}\n` +
      "000001111111 | development  | AdministratorAccess | development:AdministratorAccess | Expired\n" +
      "012345678901 | production   | AdministratorAccess | production:AdministratorAccess  | Expired\n" +
      "123456789012 | staging      | AdministratorAccess | staging:AdministratorAccess     | Expired\n\n",
  );
  assert.deepEqual(emu.counters, {}, "list never calls AWS");
});

Deno.test("runList() takes fields, --csv, --prefix, --sort, --reverse and their env bindings", async () => {
  await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  const list = async (input: Parameters<typeof runList>[0], env: Record<string, string> = {}) => {
    t.output.stdout = "";
    const services = t.next();
    Object.assign(services.env, env);
    await runList(input, services);
    for (const k of Object.keys(env)) delete services.env[k];
    return t.output.stdout;
  };
  assert.equal(
    await list({ fields: ["AccountId", "RoleName"], csv: true }),
    "1111111,AdministratorAccess\n1111111,ReadOnlyAccess\n" +
      "12345678901,AdministratorAccess\n12345678901,ReadOnlyAccess\n" +
      "123456789012,AdministratorAccess\n123456789012,ReadOnlyAccess\n",
  );
  assert.equal(
    await list({
      fields: ["Id", "Arn"],
      csv: true,
      sort: "RoleName",
      reverse: true,
      prefix: "AccountAlias=prod",
    }),
    "0,arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
      "1,arn:aws:iam::012345678901:role/AdministratorAccess\n",
  );
  const viaEnv = await list({ fields: [], csv: true, sort: "RoleName" }, {
    AWS_SSO_FIELDS: "RoleName AccountIdPad",
    AWS_SSO_FIELD_SORT_REVERSE: "true",
  });
  assert.deepEqual(viaEnv.trim().split("\n").slice(0, 2), [
    "ReadOnlyAccess,123456789012",
    "ReadOnlyAccess,012345678901",
  ]);
  await assert.rejects(list({ fields: ["Nope"] }), UsageError);
  await assert.rejects(
    list({ fields: [], prefix: "AccountAlias" }),
    /--prefix must be in the format of <FieldName>=<Prefix>/,
  );
});

Deno.test("runList() renames a deprecated field with a warning, and lists the fields", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  t.output.stdout = "";
  await runList({ fields: ["ExpiresStr", "RoleName"], csv: true }, t.next());
  assert.equal(t.output.stdout, "Expired,AdministratorAccess\n");
  assert.match(t.output.stderr, /list field 'ExpiresStr' is deprecated; use 'Expires'/);

  t.output.stdout = "";
  await runList({ fields: [], listFields: true }, t.next());
  assert.match(t.output.stdout, /^Field +\| Description +\n=+\nAccountAlias +\| AWS Account Alias/);
  assert.match(t.output.stdout, /\nVia +\| Role Chain Via +\n$/);
  await assert.rejects(
    runList({ fields: [], listFields: true, csv: true }, t.next()),
    /--list-fields cannot be combined with --csv or field names/,
  );
});

Deno.test("runList() warns about an expired cache, still prints it and never refreshes", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: "CacheRefresh: 1\n" });
  await runCache({ configCheck: true }, t.services);
  const cacheFile = `${t.home}/.config/aws-sso/cache.json`;
  const raw = JSON.parse(await Deno.readTextFile(cacheFile));
  raw.SSO.Default.LastUpdate -= 7200;
  await Deno.writeTextFile(cacheFile, JSON.stringify(raw));
  emu.resetCounters();
  t.output.stdout = "";
  await runList({ fields: ["Arn"], csv: true }, t.next());
  assert.equal(t.output.stdout, "arn:aws:iam::012345678901:role/AdministratorAccess\n");
  assert.match(t.output.stderr, /Cache has expired\. {2}Results may be out of date\./);
  assert.equal(emu.counters.ListAccounts ?? 0, 0);
});

Deno.test("runList() with no cached roles and no session says how to log in", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { session: false });
  for (const csv of [false, true]) {
    await assert.rejects(runList({ fields: [], csv }, t.next()), (e) => {
      assert.ok(e instanceof NotLoggedInError);
      assert.match(e.message, /no roles are cached for SSO instance 'Default'/);
      assert.deepEqual(e.hints, ['run "aws-sso login"']);
      return true;
    });
  }
  await assert.rejects(runDefaultList(t.next()), NotLoggedInError);
  assert.equal(t.output.stdout, "");
  assert.deepEqual(emu.counters, {});
});

Deno.test("runList() warns once when the store cannot be decrypted, and still lists", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  t.output.stdout = "";
  t.output.stderr = "";
  // A wrong AWS_SSO_FILE_PASSWORD: every read of the store fails to decrypt.
  t.backend.get = () => Promise.reject(new DecryptionError("wrong password for the store"));
  await runList({ fields: ["RoleName"] }, t.next());
  assert.match(t.output.stdout, /^List of AWS roles for SSO Instance: Default\n/);
  assert.match(t.output.stdout, /AdministratorAccess/);
  const warnings = t.output.stderr.split("\n").filter((l) => /No SSO token time shown/.test(l));
  assert.equal(warnings.length, 1, t.output.stderr);
  assert.match(warnings[0]!, /wrong password for the store/);
});

Deno.test("runDefaultList() refreshes an out-of-date cache first, then lists by AccountId", async () => {
  await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: "ListFields: [AccountId, RoleName]\n" });
  await runDefaultList(t.services);
  assert.match(t.output.stderr, /Updated cache added=3 deleted=0/);
  assert.equal(
    t.output.stdout.split("\n").slice(0, 7).join("\n"),
    "List of AWS roles for SSO Instance: Default [Expires in: 59m]\n\n" +
      "AccountId    | RoleName           \n" +
      "==================================\n" +
      "1111111      | AdministratorAccess\n" +
      "12345678901  | AdministratorAccess\n" +
      "123456789012 | AdministratorAccess",
  );
  emu.resetCounters();
  await runDefaultList(t.next());
  assert.equal(emu.counters.ListAccounts ?? 0, 0, "a fresh cache is not refreshed");
});

Deno.test("runListSsoRoles() asks AWS now and leaves the role cache alone", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
  await using t = await signedIn(emu);
  await runListSsoRoles(t.services);
  const lines = t.output.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^AccountId +\| AccountName +\| RoleName/);
  assert.equal(lines.length, 2 + 4, t.output.stdout);
  assert.match(t.output.stdout, /012345678901 \| production +\| AdministratorAccess/);
  assert.equal(emu.counters.ListAccounts, 1);
  await assert.rejects(Deno.stat(`${t.home}/.config/aws-sso/cache.json`), Deno.errors.NotFound);
});

Deno.test("list, list-sso-roles and the default command are wired to runList, runListSsoRoles and runDefaultList", async () => {
  await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
  await using t = await signedIn(emu, { env: { AWS_SSO_FIELD_SORT: "RoleName" } });
  assert.equal(await runArgv(t, []), 0, t.output.stderr);
  assert.match(t.output.stdout, /^List of AWS roles for SSO Instance: Default \[Expires in: 59m\]/);
  t.output.stdout = "";
  const code = await runArgv(t, [
    "list",
    "--csv",
    "--reverse",
    "-P",
    "AccountAlias=prod",
    "Id",
    "Arn",
  ]);
  assert.equal(code, 0, t.output.stderr);
  assert.equal(
    t.output.stdout,
    "0,arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
      "1,arn:aws:iam::012345678901:role/AdministratorAccess\n",
    "AWS_SSO_FIELD_SORT binds to --sort",
  );
  t.output.stdout = "";
  assert.equal(await runArgv(t, ["list", "-f"]), 0);
  assert.match(t.output.stdout, /^Field +\| Description/);
  t.output.stdout = "";
  assert.equal(await runArgv(t, ["list-sso-roles"]), 0);
  assert.match(t.output.stdout, /^AccountId +\| AccountName +\| RoleName/);
  t.output.stderr = "";
  assert.equal(await runArgv(t, ["list", "Nope"]), 2);
  assert.match(t.output.stderr, /unsupported field: 'Nope'/);
});
