import assert from "node:assert/strict";
import { runTags } from "../../../cli/commands/tags.ts";
import { UsageError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const ACCOUNTS = `    Accounts:
      "012345678901":
        Name: Prod
        Tags:
          env: prod
        Roles:
          ReadOnlyAccess:
            Tags:
              Color: blue
`;

Deno.test("runTags() prints each role's tags sorted by key, filtered by account and role", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
  await using t = await signedIn(emu, { extra: ACCOUNTS });
  await runTags({ account: "12345678901", role: "ReadOnlyAccess" }, t.services);
  assert.equal(
    t.output.stdout,
    "arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
      "  AccountAlias: production\n" +
      "  AccountID: 012345678901\n" +
      "  AccountName: Prod\n" +
      "  Color: blue\n" +
      "  Email: aws+production@example.com\n" +
      "  Role: ReadOnlyAccess\n" +
      "  env: prod\n\n",
  );
  assert.equal(emu.counters.ListAccounts, 1, "an empty cache is refreshed first");
  const arns = async (input: Parameters<typeof runTags>[0]) => {
    t.output.stdout = "";
    await runTags(input, t.next());
    return t.output.stdout.split("\n").filter((l) => l.startsWith("arn:"));
  };
  assert.deepEqual(await arns({ role: "AdministratorAccess" }), [
    "arn:aws:iam::012345678901:role/AdministratorAccess",
    "arn:aws:iam::123456789012:role/AdministratorAccess",
  ]);
  assert.equal((await arns({})).length, 4);
  assert.deepEqual(await arns({ account: "999999999999" }), []);
  assert.equal(emu.counters.ListAccounts, 1, "a fresh cache is not refreshed");
});

Deno.test("runTags() rejects an account that is not a 12-digit id, before calling AWS", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  await assert.rejects(runTags({ account: "prod" }, t.services), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /invalid --account 'prod': expected a 12-digit id/);
    return true;
  });
  assert.deepEqual(emu.counters, {});
});

Deno.test("tags is wired to runTags with -A and -R", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
  await using t = await signedIn(emu);
  assert.equal(await runArgv(t, ["tags", "-A", "012345678901", "-R", "ReadOnlyAccess"]), 0);
  assert.deepEqual(t.output.stdout.split("\n").filter((l) => l.startsWith("arn:")), [
    "arn:aws:iam::012345678901:role/ReadOnlyAccess",
  ]);
  assert.equal(await runArgv(t, ["tags", "--account", "prod"]), 2);
  assert.match(t.output.stderr, /invalid --account 'prod'/);
});
