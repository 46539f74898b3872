import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ListAccountsCommand, TooManyRequestsException } from "@aws-sdk/client-sso";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startEmulator } from "./emulator.ts";
import { deviceLogin, rejection, roleCredentials, ssoClient, stsClient } from "./_sdk_clients.ts";

const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));

Deno.test("one 127.0.0.1 listener serves every service and env names it for each", async () => {
  await using emu = await startEmulator();
  assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(emu.env, {
    AWS_ENDPOINT_URL_SSO: emu.url,
    AWS_ENDPOINT_URL_SSO_OIDC: emu.url,
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_ENDPOINT_URL_SIGNIN: emu.url,
  });
  const unknown = await fetch(`${emu.url}/nowhere`);
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("the SDK clients find the emulator through the AWS_ENDPOINT_URL_* variables alone", async () => {
  await using emu = await startEmulator();
  const { accessToken } = emu.issueToken();
  const creds = await roleCredentials(emu, accessToken);
  const script = `
    import { SSOClient, ListAccountsCommand } from "@aws-sdk/client-sso";
    import { SSOOIDCClient, RegisterClientCommand } from "@aws-sdk/client-sso-oidc";
    import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
    const sso = new SSOClient({});
    const oidc = new SSOOIDCClient({});
    const sts = new STSClient({});
    const accounts = await sso.send(new ListAccountsCommand({ accessToken: Deno.env.get("TOKEN") }));
    const reg = await oidc.send(new RegisterClientCommand({ clientName: "env", clientType: "public" }));
    const id = await sts.send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ n: accounts.accountList.length, reg: !!reg.clientId, account: id.Account }));
    sso.destroy(); oidc.destroy(); sts.destroy();
  `;
  const home = await Deno.makeTempDir({ prefix: "aws-sso-emu-env-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", DENO_JSON, "--ext=ts", script],
      env: {
        ...emu.env,
        AWS_REGION: emu.region,
        AWS_CONFIG_FILE: `${home}/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_SESSION_TOKEN: creds.sessionToken,
        AWS_EC2_METADATA_DISABLED: "true",
        TOKEN: accessToken,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
      n: 3,
      reg: true,
      account: emu.accounts()[0]!.accountId,
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

async function faultStatuses(seed: number, n: number): Promise<number[]> {
  await using emu = await startEmulator({ throttleRate: 0.2, serverErrorRate: 0.1, seed });
  const { accessToken } = emu.issueToken();
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${emu.url}/assignment/accounts`, {
      headers: { "x-amz-sso_bearer_token": accessToken },
    });
    await res.body?.cancel();
    statuses.push(res.status);
  }
  assert.equal(emu.counters["ListAccounts"], n);
  assert.equal(
    (emu.counters["fault:throttle"] ?? 0) + (emu.counters["fault:serverError"] ?? 0),
    statuses.filter((s) => s !== 200).length,
  );
  return statuses;
}

Deno.test("fault rates are roughly honoured and a seed makes the sequence reproducible", async () => {
  const n = 400;
  const statuses = await faultStatuses(7, n);
  const throttled = statuses.filter((s) => s === 429).length;
  const serverErrors = statuses.filter((s) => s === 500 || s === 503).length;
  assert.ok(throttled > n * 0.2 - 30 && throttled < n * 0.2 + 30, `throttled ${throttled}`);
  assert.ok(serverErrors > n * 0.1 - 22 && serverErrors < n * 0.1 + 22, `5xx ${serverErrors}`);
  assert.ok(statuses.includes(500) && statuses.includes(503));
  assert.deepEqual(await faultStatuses(7, n), statuses);
  assert.notDeepEqual(await faultStatuses(8, n), statuses);
});

Deno.test("throttling reaches the SDK as TooManyRequestsException, and the SDK retries through 5xx", async () => {
  await using emu = await startEmulator({ throttleRate: 1, faultServices: ["portal"] });
  const { accessToken } = emu.issueToken();
  using once = ssoClient(emu, 1);
  const err = await rejection(once.send(new ListAccountsCommand({ accessToken })));
  assert.ok(err instanceof TooManyRequestsException, err.name);
  assert.equal(err.$metadata?.httpStatusCode, 429);

  emu.setFaults({ throttleRate: 0, serverErrorRate: 0.3 });
  emu.resetCounters();
  using retrying = ssoClient(emu, 12);
  for (let i = 0; i < 8; i++) {
    const out = await retrying.send(new ListAccountsCommand({ accessToken }));
    assert.equal(out.accountList?.length, 3);
  }
  assert.ok((emu.counters["ListAccounts"] ?? 0) > 8, JSON.stringify(emu.counters));
});

Deno.test("faultServices limits faults to the named services; STS throttles in its own XML", async () => {
  await using emu = await startEmulator({ throttleRate: 1, faultServices: ["sts"] });
  const login = await deviceLogin(emu);
  const creds = await roleCredentials(emu, login.accessToken!);
  using sts = stsClient(emu, creds);
  const err = await rejection(sts.send(new GetCallerIdentityCommand({})));
  assert.equal(err.name, "Throttling");
  assert.equal(err.$metadata?.httpStatusCode, 400);
  assert.equal(emu.counters["fault:throttle"], 1);
});

Deno.test("latencyMs delays responses and counters reset", async () => {
  await using emu = await startEmulator({ latencyMs: 120 });
  const started = performance.now();
  const res = await fetch(`${emu.url}/assignment/accounts`);
  await res.body?.cancel();
  assert.ok(performance.now() - started >= 110);
  assert.equal(emu.counters["ListAccounts"], 1);
  emu.resetCounters();
  assert.deepEqual(emu.counters, {});
  emu.setFaults({ latencyMs: 0 });
  const quick = performance.now();
  await (await fetch(`${emu.url}/assignment/accounts`)).body?.cancel();
  assert.ok(performance.now() - quick < 100);
});

Deno.test("the generated directory is deterministic and an explicit one is served as given", async () => {
  await using a = await startEmulator({ accounts: 50, rolesPerAccount: 4 });
  await using b = await startEmulator({ accounts: 50, rolesPerAccount: 4 });
  assert.deepEqual(a.accounts(), b.accounts());
  const ids = a.accounts().map((x) => x.accountId);
  assert.equal(ids[0], "012345678901");
  assert.ok(ids.every((id) => /^\d{12}$/.test(id)));
  assert.equal(new Set(ids).size, 50);
  assert.deepEqual(a.accounts()[0]!.roles, [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "Developer",
    "PowerUserAccess",
  ]);

  const directory = [
    { accountId: "000000000001", accountName: "one", emailAddress: "o@e.com", roles: ["R"] },
  ];
  await using c = await startEmulator({ directory });
  using sso = ssoClient(c);
  const out = await sso.send(new ListAccountsCommand({ accessToken: c.issueToken().accessToken }));
  assert.deepEqual(out.accountList, [
    { accountId: "000000000001", accountName: "one", emailAddress: "o@e.com" },
  ]);
});

Deno.test("the request log never contains a secret", async () => {
  const lines: string[] = [];
  await using emu = await startEmulator({ log: (l) => lines.push(l) });
  const login = await deviceLogin(emu);
  const creds = await roleCredentials(emu, login.accessToken!);
  using sts = stsClient(emu, creds);
  await sts.send(new GetCallerIdentityCommand({}));
  const session = encodeURIComponent(JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  }));
  await (await fetch(`${emu.url}/federation?Action=getSigninToken&Session=${session}`)).json();
  assert.deepEqual(lines, [
    "POST /client/register 200",
    "POST /device_authorization 200",
    "POST /token 200",
    "GET /federation/credentials 200",
    "POST / 200",
    "GET /federation 200",
  ]);
  const secrets = emu.issuedSecrets();
  assert.ok(secrets.length >= 6);
  for (const line of lines) {
    for (const secret of secrets) assert.ok(!line.includes(secret), "a log line leaks a secret");
    assert.ok(!line.includes(creds.accessKeyId));
  }
});
