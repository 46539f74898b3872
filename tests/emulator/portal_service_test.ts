import assert from "node:assert/strict";
import {
  GetRoleCredentialsCommand,
  InvalidRequestException,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccountRoles,
  paginateListAccounts,
  UnauthorizedException,
} from "@aws-sdk/client-sso";
import { startEmulator } from "./emulator.ts";
import { rejection, ssoClient } from "./_sdk_clients.ts";

Deno.test("ListAccounts pages through every account with +/= next tokens and a null last token", async () => {
  await using emu = await startEmulator({ accounts: 250 });
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const ids: string[] = [];
  const tokens: (string | undefined)[] = [];
  for await (const page of paginateListAccounts({ client: sso, pageSize: 100 }, { accessToken })) {
    for (const a of page.accountList ?? []) {
      assert.match(a.accountId!, /^\d{12}$/);
      assert.ok(a.accountName && a.emailAddress);
      ids.push(a.accountId!);
    }
    tokens.push(page.nextToken);
  }
  assert.deepEqual(ids, emu.accounts().map((a) => a.accountId));
  assert.equal(new Set(ids).size, 250);
  assert.ok(ids.includes("012345678901"));
  assert.equal(tokens.length, 3);
  for (const t of tokens.slice(0, 2)) assert.match(t!, /\+.*\/.*=$|\/.*\+.*=$/);
  assert.equal(emu.counters["ListAccounts"], 3);

  // On the wire the last page says "nextToken": null.
  const res = await fetch(
    `${emu.url}/assignment/accounts?max_result=100&next_token=${encodeURIComponent(tokens[1]!)}`,
    { headers: { "x-amz-sso_bearer_token": accessToken } },
  );
  const body = await res.json();
  assert.equal(body.nextToken, null);
  assert.equal(body.accountList.length, 50);
});

Deno.test("a next token sent without URL-encoding is rejected like AWS does", async () => {
  await using emu = await startEmulator({ accounts: 30 });
  const { accessToken } = emu.issueToken();
  const headers = { "x-amz-sso_bearer_token": accessToken };
  const first = await (await fetch(`${emu.url}/assignment/accounts?max_result=10`, { headers }))
    .json();
  const raw = await fetch(`${emu.url}/assignment/accounts?next_token=${first.nextToken}`, {
    headers,
  });
  assert.equal(raw.status, 400);
  assert.equal(raw.headers.get("x-amzn-errortype"), "InvalidRequestException");
  await raw.body?.cancel();
});

Deno.test("max_result above 100 answers InvalidRequestException", async () => {
  await using emu = await startEmulator();
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const err = await rejection(sso.send(new ListAccountsCommand({ accessToken, maxResults: 101 })));
  assert.ok(err instanceof InvalidRequestException, err.name);
  assert.match(err.message, /1-100/);
});

Deno.test("ListAccountRoles lists an account's roles across pages", async () => {
  await using emu = await startEmulator({ rolesPerAccount: 7 });
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const account = emu.accounts()[1]!;
  const roles: string[] = [];
  for await (
    const page of paginateListAccountRoles({ client: sso, pageSize: 3 }, {
      accessToken,
      accountId: account.accountId,
    })
  ) {
    for (const r of page.roleList ?? []) {
      assert.equal(r.accountId, account.accountId);
      roles.push(r.roleName!);
    }
  }
  assert.deepEqual(roles, account.roles);
  assert.equal(roles.length, 7);
  assert.equal(emu.counters["ListAccountRoles"], 3);
});

Deno.test("GetRoleCredentials returns credentials expiring in epoch milliseconds", async () => {
  await using emu = await startEmulator({ credentialLifetimeSec: 1800 });
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const out = await sso.send(
    new GetRoleCredentialsCommand({
      accessToken,
      accountId: "012345678901",
      roleName: "AdministratorAccess",
    }),
  );
  const c = out.roleCredentials!;
  assert.match(c.accessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.match(c.secretAccessKey!, /^[A-Za-z0-9+/]{40}$/);
  assert.match(c.secretAccessKey!, /\+/);
  assert.ok(c.sessionToken!.length > 300);
  const expected = Date.now() + 1800_000;
  assert.ok(Math.abs(c.expiration! - expected) < 5_000, String(c.expiration));
  const secrets = emu.issuedSecrets();
  assert.ok(secrets.includes(c.secretAccessKey!) && secrets.includes(c.sessionToken!));
  assert.equal(emu.counters["GetRoleCredentials:012345678901/AdministratorAccess"], 1);
  assert.equal(emu.counters["GetRoleCredentials:012345678901/ReadOnlyAccess"], undefined);
});

Deno.test("GetRoleCredentials for a role the user lacks answers 403 ForbiddenException", async () => {
  await using emu = await startEmulator();
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const err = await rejection(sso.send(
    new GetRoleCredentialsCommand({ accessToken, accountId: "012345678901", roleName: "Nope" }),
  ));
  assert.equal(err.name, "ForbiddenException");
  assert.equal(err.$metadata?.httpStatusCode, 403);
});

Deno.test("an unknown, missing or logged-out token answers UnauthorizedException (401)", async () => {
  await using emu = await startEmulator();
  using sso = ssoClient(emu);
  const unknown = await rejection(sso.send(new ListAccountsCommand({ accessToken: "bogus" })));
  assert.ok(unknown instanceof UnauthorizedException, unknown.name);
  assert.equal(unknown.$metadata?.httpStatusCode, 401);
  const missing = await fetch(`${emu.url}/assignment/accounts`);
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), { message: "Session token not found or invalid" });

  const { accessToken } = emu.issueToken();
  await sso.send(new LogoutCommand({ accessToken }));
  const after = await rejection(sso.send(new ListAccountsCommand({ accessToken })));
  assert.ok(after instanceof UnauthorizedException, after.name);
  assert.equal(emu.counters["Logout"], 1);
});

Deno.test("5,000 accounts x 3 roles are served quickly in 100-item pages", async () => {
  await using emu = await startEmulator({ accounts: 5000, rolesPerAccount: 3 });
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const started = performance.now();
  let count = 0;
  for await (const page of paginateListAccounts({ client: sso, pageSize: 100 }, { accessToken })) {
    count += page.accountList!.length;
  }
  assert.equal(count, 5000);
  assert.equal(new Set(emu.accounts().map((a) => a.accountId)).size, 5000);
  // 200 concurrent role listings.
  const accounts = emu.accounts().slice(0, 200);
  const lists = await Promise.all(
    accounts.map((a) =>
      sso.send(
        new ListAccountRolesCommand({ accessToken, accountId: a.accountId, maxResults: 100 }),
      )
    ),
  );
  assert.equal(lists.reduce((n, l) => n + l.roleList!.length, 0), 600);
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("200 concurrent GetRoleCredentials calls all succeed", async () => {
  await using emu = await startEmulator({ accounts: 200 });
  using sso = ssoClient(emu);
  const { accessToken } = emu.issueToken();
  const results = await Promise.all(
    emu.accounts().map((a) =>
      sso.send(
        new GetRoleCredentialsCommand({
          accessToken,
          accountId: a.accountId,
          roleName: a.roles[0],
        }),
      )
    ),
  );
  assert.equal(new Set(results.map((r) => r.roleCredentials!.accessKeyId)).size, 200);
  assert.equal(emu.counters["GetRoleCredentials"], 200);
});
