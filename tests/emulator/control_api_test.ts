import assert from "node:assert/strict";
import {
  AccessDeniedException,
  CreateTokenCommand,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { ListAccountsCommand, UnauthorizedException } from "@aws-sdk/client-sso";
import { type Emulator, startEmulator } from "./emulator.ts";
import {
  DEVICE_GRANT,
  oidcClient,
  registerDeviceClient,
  rejection,
  ssoClient,
} from "./_sdk_clients.ts";

async function control(
  emu: Emulator,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

Deno.test("the control API approves and denies device logins by user code", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerDeviceClient(oidc);
  const start = () =>
    oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: emu.startUrl,
      }),
    );
  const poll = (deviceCode: string | undefined) =>
    oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode,
      }),
    );
  const approved = await start();
  const denied = await start();
  const pending = await control(emu, "GET", "pending");
  assert.deepEqual(
    (pending.json as { userCodes: string[] }).userCodes.sort(),
    [approved.userCode, denied.userCode].sort(),
  );
  assert.equal(
    (await control(emu, "POST", `approve?user_code=${approved.userCode}`)).status,
    204,
  );
  assert.equal((await control(emu, "POST", `deny?user_code=${denied.userCode}`)).status, 204);
  assert.equal((await control(emu, "POST", "approve?user_code=NOPE-NOPE")).status, 404);
  assert.ok((await poll(approved.deviceCode)).accessToken);
  const err = await rejection(poll(denied.deviceCode));
  assert.ok(err instanceof AccessDeniedException, err.name);
});

Deno.test("the control API reports and resets counters, sets faults and revokes tokens", async () => {
  await using emu = await startEmulator();
  using sso = ssoClient(emu);
  const issued = await control(emu, "POST", "issue-token");
  const { accessToken } = issued.json as { accessToken: string };
  await sso.send(new ListAccountsCommand({ accessToken }));
  assert.deepEqual((await control(emu, "GET", "counters")).json, { ListAccounts: 1 });
  assert.equal((await control(emu, "POST", "counters/reset")).status, 204);
  assert.deepEqual((await control(emu, "GET", "counters")).json, {});

  const faults = await control(emu, "POST", "faults", { throttleRate: 1, latencyMs: 5 });
  assert.deepEqual(faults.json, {
    throttleRate: 1,
    serverErrorRate: 0,
    latencyMs: 5,
    clockSkewMs: 0,
  });
  const throttled = await rejection(sso.send(new ListAccountsCommand({ accessToken })));
  assert.equal(throttled.$metadata?.httpStatusCode, 429);
  await control(emu, "POST", "faults", { throttleRate: 0 });

  assert.equal((await control(emu, "POST", "expire-access-tokens")).status, 204);
  const expired = await rejection(sso.send(new ListAccountsCommand({ accessToken })));
  assert.ok(expired instanceof UnauthorizedException, expired.name);
  const fresh = (await control(emu, "POST", "issue-token")).json as { accessToken: string };
  assert.equal((await control(emu, "POST", "revoke")).status, 204);
  const revoked = await rejection(
    sso.send(new ListAccountsCommand({ accessToken: fresh.accessToken })),
  );
  assert.ok(revoked instanceof UnauthorizedException, revoked.name);
});

Deno.test("the control API serves the directory, the env map and the issued secrets", async () => {
  await using emu = await startEmulator({ accounts: 4, rolesPerAccount: 2 });
  assert.deepEqual((await control(emu, "GET", "accounts")).json, emu.accounts());
  assert.deepEqual((await control(emu, "GET", "env")).json, emu.env);
  const t = emu.issueToken();
  const secrets = (await control(emu, "GET", "issued-secrets")).json as string[];
  assert.ok(secrets.includes(t.accessToken) && secrets.includes(t.refreshToken));
  assert.ok(secrets.includes(t.clientSecret));
  assert.equal((await control(emu, "POST", "browser", { decision: "maybe" })).status, 400);
  assert.equal((await control(emu, "POST", "browser", { decision: "ignore" })).status, 204);
  assert.equal((await control(emu, "GET", "nothing-here")).status, 404);
});
