/** StsClient against the emulator's STS, which verifies SigV4 strictly. */
import assert from "node:assert/strict";
import type { HttpDeps } from "../../../lib/aws/json_client.ts";
import { StsClient } from "../../../lib/aws/sts_client.ts";
import { AwsApiError } from "../../../lib/errors.ts";
import { silentLogger } from "../../../lib/logger.ts";
import { PortalClient } from "../../../lib/sso/portal_client.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function deps(maxAttempts = 3): HttpDeps {
  return {
    fetch,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    logger: silentLogger,
    retry: { maxAttempts, maxBackoffMs: 1 },
  };
}

function client(emu: Emulator, maxAttempts = 3): StsClient {
  return new StsClient(deps(maxAttempts), "eu-west-1", { overrides: { sts: emu.url } });
}

async function ssoCredentials(emu: Emulator, account = "012345678901", role = "ReadOnlyAccess") {
  const { accessToken } = emu.issueToken();
  const portal = new PortalClient(deps(), emu.region, { overrides: { portal: emu.url } });
  return await portal.getRoleCredentials(accessToken, account, role);
}

Deno.test({
  name: "assumeRole() returns credentials of the target role that STS accepts",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 3 });
    const source = await ssoCredentials(emu);
    const sts = client(emu);
    const chained = await sts.assumeRole(source, {
      roleArn: "arn:aws:iam::123456789012:role/Deploy",
      roleSessionName: "ReadOnlyAccess@012345678901",
      durationSeconds: 3600,
      externalId: "ext-1",
      sourceIdentity: "alice",
    });
    assert.match(chained.accessKeyId, /^ASIA/);
    assert.ok(chained.expiration > Date.now() + 59 * 60_000);
    const identity = await sts.getCallerIdentity(chained);
    assert.equal(identity.account, "123456789012");
    assert.equal(
      identity.arn,
      "arn:aws:sts::123456789012:assumed-role/Deploy/ReadOnlyAccess@012345678901",
    );
    assert.equal(emu.counters.AssumeRole, 1);
    assert.equal(emu.counters.GetCallerIdentity, 1);
  },
});

Deno.test({
  name: "assumeRole() maps AccessDenied to an AwsApiError with a trust-policy hint",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const source = await ssoCredentials(emu);
    await assert.rejects(
      client(emu).assumeRole(source, {
        roleArn: "arn:aws:iam::999999999999:role/Elsewhere",
        roleSessionName: "ReadOnlyAccess@012345678901",
      }),
      (e: Error) => {
        assert.ok(e instanceof AwsApiError);
        assert.equal(e.code, "AccessDenied");
        assert.match(e.message, /not authorized to perform: sts:AssumeRole/);
        assert.match(e.hints.join(" "), /trust policy/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "a clock more than 15 minutes off gives a clock-skew message with a hint to sync it",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const source = await ssoCredentials(emu);
    emu.setFaults({ clockSkewMs: 20 * 60_000 });
    await assert.rejects(client(emu).getCallerIdentity(source), (e: Error) => {
      assert.ok(e instanceof AwsApiError);
      assert.equal(e.code, "SignatureDoesNotMatch");
      assert.match(e.message, /clock differs from AWS's by more than 15 minutes/);
      assert.match(e.hints.join(" "), /synchronise the system clock/);
      return true;
    });
  },
});

Deno.test({
  name: "a wrong secret is a plain SignatureDoesNotMatch, not a clock problem",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const source = await ssoCredentials(emu);
    await assert.rejects(
      client(emu).getCallerIdentity({ ...source, secretAccessKey: "wrong" }),
      (e: Error) =>
        e instanceof AwsApiError && e.code === "SignatureDoesNotMatch" &&
        !/clock/.test(e.message),
    );
  },
});

Deno.test({
  name: "expired caller credentials give ExpiredToken with a hint to use --sts-refresh",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, credentialLifetimeSec: 60 });
    const source = await ssoCredentials(emu);
    emu.setFaults({ clockSkewMs: 2 * 60_000 });
    await assert.rejects(client(emu).getCallerIdentity(source), (e: Error) => {
      assert.ok(e instanceof AwsApiError);
      assert.equal(e.code, "ExpiredToken");
      assert.match(e.hints.join(" "), /--sts-refresh/);
      return true;
    });
  },
});

Deno.test({
  name: "throttling is retried up to MaxRetry attempts, then reported",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const source = await ssoCredentials(emu);
    emu.setFaults({ throttleRate: 1 });
    emu.resetCounters();
    await assert.rejects(
      client(emu, 4).getCallerIdentity(source),
      (e: Error) => e instanceof AwsApiError && e.code === "Throttling",
    );
    assert.equal(emu.counters.GetCallerIdentity, 4);
  },
});
