import assert from "node:assert/strict";
import { NotLoggedInError } from "../../../lib/errors.ts";
import {
  awsCliTimestamp,
  parseAwsCliToken,
  renderAwsCliToken,
} from "../../../lib/sso/aws_cli_token_cache.ts";
import {
  AwsCliTokenProvider,
  type AwsCliTokenProviderOptions,
} from "../../../lib/sso/aws_cli_token_provider.ts";
import type { LoginInterface } from "../../../lib/sso/login_flow.ts";
import { OidcClient } from "../../../lib/sso/oidc_client.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { httpDeps, realClock, RecordingLogger } from "./_fixtures.ts";

const MIN = 60_000;
const LOGIN = 'run "aws sso login --profile dev"';

interface Setup {
  dir: string;
  cachePath: string;
  logger: RecordingLogger;
  provider(extra?: Partial<AwsCliTokenProviderOptions>): AwsCliTokenProvider;
  writeToken(fields: Record<string, unknown>): Promise<void>;
  readFields(): Promise<Record<string, unknown>>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(emu: Emulator): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "aws-cli-token-test-" });
  const cachePath = `${dir}/sso/cache/token.json`;
  const logger = new RecordingLogger();
  const endpoints = { overrides: { oidc: emu.url, portal: emu.url } };
  return {
    dir,
    cachePath,
    logger,
    provider: (extra = {}) =>
      new AwsCliTokenProvider({
        profile: {
          name: "dev",
          startUrl: emu.startUrl,
          ssoRegion: emu.region,
          registrationScopes: ["sso:account:access"],
          loginCommand: "aws sso login --profile dev",
        },
        cachePath,
        lockPath: `${dir}/locks/aws-cli-sso.lock`,
        oidc: new OidcClient(httpDeps(logger), emu.region, endpoints),
        endpoints,
        clock: realClock,
        logger,
        ...extra,
      }),
    async writeToken(fields) {
      await Deno.mkdir(`${dir}/sso/cache`, { recursive: true });
      await Deno.writeTextFile(cachePath, renderAwsCliToken(fields), { mode: 0o600 });
    },
    async readFields() {
      return JSON.parse(await Deno.readTextFile(cachePath));
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A cache entry as the AWS CLI writes it after `aws sso login`, for an emulator session. */
function cliToken(emu: Emulator, leftMs: number, extra: Record<string, unknown> = {}) {
  const issued = emu.issueToken();
  return {
    issued,
    fields: {
      startUrl: emu.startUrl,
      region: emu.region,
      accessToken: issued.accessToken,
      expiresAt: awsCliTimestamp(Date.now() + leftMs),
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      registrationExpiresAt: awsCliTimestamp(issued.clientSecretExpiresAt * 1000),
      refreshToken: issued.refreshToken,
      ...extra,
    },
  };
}

Deno.test("AwsCliTokenProvider uses a cached token with more than 15 minutes left without calling AWS", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const { issued, fields } = cliToken(emu, 40 * MIN);
  await s.writeToken(fields);
  const before = await Deno.readTextFile(s.cachePath);
  emu.resetCounters();
  assert.equal(await s.provider().accessToken(), issued.accessToken);
  assert.equal(emu.counters["CreateToken"] ?? 0, 0);
  assert.equal(await Deno.readTextFile(s.cachePath), before);
  assert.ok(s.logger.secrets.has(issued.refreshToken));
  assert.ok(s.logger.secrets.has(issued.clientSecret));
});

Deno.test("AwsCliTokenProvider refreshes a token near expiry and rewrites the file as the AWS CLI does", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const { issued, fields } = cliToken(emu, 10 * MIN, { futureField: { kept: true } });
  await s.writeToken(fields);
  emu.resetCounters();
  const token = await s.provider().accessToken();
  assert.notEqual(token, issued.accessToken);
  assert.equal(emu.counters["CreateToken"], 1);
  const after = await s.readFields();
  assert.deepEqual(Object.keys(after), Object.keys(fields));
  assert.equal(after.accessToken, token);
  assert.match(after.expiresAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const left = Date.parse(after.expiresAt as string) - Date.now();
  assert.ok(left > 55 * MIN && left <= 60 * MIN, `expires in ${left} ms`);
  for (const key of ["startUrl", "region", "clientId", "clientSecret", "registrationExpiresAt"]) {
    assert.equal(after[key], fields[key as keyof typeof fields], key);
  }
  assert.deepEqual(after.futureField, { kept: true });
  // The emulator does not rotate refresh tokens by default: the old one is kept.
  assert.equal(after.refreshToken, issued.refreshToken);
  assert.equal((await Deno.stat(s.cachePath)).mode! & 0o777, 0o600);
  assert.equal(
    await Deno.readTextFile(s.cachePath),
    renderAwsCliToken(after),
    "written with Python's json.dumps separators",
  );
  assert.ok(s.logger.secrets.has(token));
  assert.ok(s.logger.lines.every((l) => !l.includes(token)));
});

Deno.test("AwsCliTokenProvider stores a rotated refresh token", async () => {
  await using emu = await startEmulator({ rotateRefreshTokens: true });
  await using s = await setup(emu);
  const { issued, fields } = cliToken(emu, 5 * MIN);
  await s.writeToken(fields);
  await s.provider().accessToken();
  const after = await s.readFields();
  assert.equal(typeof after.refreshToken, "string");
  assert.notEqual(after.refreshToken, issued.refreshToken);
});

Deno.test("AwsCliTokenProvider refreshes once when many callers find the token near expiry", async () => {
  await using emu = await startEmulator({ latencyMs: 50 });
  await using s = await setup(emu);
  await s.writeToken(cliToken(emu, 2 * MIN).fields);
  emu.resetCounters();
  const tokens = await Promise.all(
    Array.from({ length: 8 }, () => s.provider().accessToken()),
  );
  assert.equal(emu.counters["CreateToken"], 1);
  assert.equal(new Set(tokens).size, 1);
  assert.equal((await s.readFields()).accessToken, tokens[0]);
});

Deno.test("AwsCliTokenProvider without a token fails at once with the command to run", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  emu.resetCounters();
  await assert.rejects(
    () => s.provider().accessToken(),
    (e) =>
      e instanceof NotLoggedInError && e.hints.length === 0 &&
      e.message ===
        `Cannot get credentials for AWS profile dev: you are not logged in to AWS SSO; ${LOGIN}`,
  );
  assert.deepEqual(Object.values(emu.counters).filter((n) => n > 0), []);
  // Failing fast: not even the lock was taken.
  await assert.rejects(() => Deno.stat(`${s.dir}/locks`), Deno.errors.NotFound);
});

Deno.test("AwsCliTokenProvider says the session expired when nothing can refresh it", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const expired = (extra: Record<string, unknown>) => cliToken(emu, -MIN, extra).fields;
  const message =
    `Cannot get credentials for AWS profile dev: the AWS SSO session expired; ${LOGIN}`;
  // No refresh token (the legacy kind of registration).
  await s.writeToken(expired({ refreshToken: undefined }));
  await assert.rejects(() => s.provider().accessToken(), { message });
  // The registration expired.
  await s.writeToken(expired({ registrationExpiresAt: awsCliTimestamp(Date.now() - MIN) }));
  emu.resetCounters();
  await assert.rejects(() => s.provider().accessToken(), { message });
  assert.equal(emu.counters["CreateToken"] ?? 0, 0);
  // AWS refuses the refresh token (the session was ended).
  await s.writeToken(expired({}));
  emu.revokeTokens();
  await assert.rejects(() => s.provider().accessToken(), { message });
});

Deno.test("AwsCliTokenProvider keeps using a still-valid token when AWS refuses the refresh", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const { issued, fields } = cliToken(emu, 10 * MIN);
  await s.writeToken(fields);
  emu.revokeTokens();
  assert.equal(await s.provider().accessToken(), issued.accessToken);
  assert.equal((await s.readFields()).refreshToken, issued.refreshToken, "the file is left alone");
});

Deno.test("AwsCliTokenProvider refuses a cached token of another start URL", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  await s.writeToken(
    cliToken(emu, 40 * MIN, { startUrl: "https://other.awsapps.com/start" }).fields,
  );
  await assert.rejects(
    () => s.provider().accessToken(),
    {
      message:
        "Cannot get credentials for AWS profile dev: its cached token is for another start URL " +
        `(https://other.awsapps.com/start); ${LOGIN}`,
    },
  );
});

/** A signed-in "browser": follows the login URL (PKCE redirect or device page) to the end. */
const browser: LoginInterface = {
  opener: {
    async open(url) {
      const response = await fetch(url);
      await response.body?.cancel();
    },
  },
  notify: () => {},
};

for (const workflow of ["pkce", "device_code"] as const) {
  Deno.test(`AwsCliTokenProvider logs in (${workflow}) when interactive and writes the token where the AWS CLI looks`, async () => {
    await using emu = await startEmulator();
    await using s = await setup(emu);
    // Expired, and not refreshable (the legacy kind): only a login helps.
    await s.writeToken({
      ...cliToken(emu, -MIN, { refreshToken: undefined }).fields,
      futureField: 1,
    });
    const login = { ...browser, workflow };
    const token = await s.provider({ login }).accessToken({ interactive: true });
    assert.equal(emu.counters["StartDeviceAuthorization"] ?? 0, workflow === "pkce" ? 0 : 1);
    const fields = await s.readFields();
    assert.equal(fields.accessToken, token);
    assert.equal(fields.startUrl, emu.startUrl);
    assert.equal(fields.region, emu.region);
    assert.equal(fields.futureField, 1);
    for (const key of ["clientId", "clientSecret", "refreshToken"]) {
      assert.equal(typeof fields[key], "string", key);
    }
    const parsed = parseAwsCliToken(await Deno.readTextFile(s.cachePath))!;
    assert.ok(parsed.registrationExpiresAtMs! > Date.now() + 30 * 24 * 60 * MIN);
    assert.ok(parsed.expiresAtMs > Date.now() + 50 * MIN);
    // The next caller uses it without AWS, and can refresh it later.
    emu.resetCounters();
    assert.equal(await s.provider().accessToken(), token);
    assert.equal(emu.counters["CreateToken"] ?? 0, 0);
    await s.writeToken({ ...fields, expiresAt: awsCliTimestamp(Date.now() + 5 * MIN) });
    assert.notEqual(await s.provider().accessToken(), token);
    assert.equal(emu.counters["CreateToken"], 1);
  });
}

Deno.test("AwsCliTokenProvider starts no login unless the caller is interactive", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  let opened = 0;
  const login = { opener: { open: () => Promise.resolve(void opened++) }, notify() {} };
  await assert.rejects(
    () => s.provider({ login: { ...login, workflow: "pkce" } }).accessToken(),
    NotLoggedInError,
  );
  assert.equal(opened, 0);
  assert.equal(emu.counters["RegisterClient"] ?? 0, 0);
});
