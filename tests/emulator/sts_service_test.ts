import assert from "node:assert/strict";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startEmulator } from "./emulator.ts";
import { deviceLogin, rejection, roleCredentials, stsClient } from "./_sdk_clients.ts";

const SSO_ARN =
  /^arn:aws:sts::012345678901:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/emulator\.user@example\.com$/;

Deno.test("GetCallerIdentity accepts SDK-signed requests with SSO role credentials", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, (await deviceLogin(emu)).accessToken!);
  using sts = stsClient(emu, creds);
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, "012345678901");
  assert.match(id.Arn!, SSO_ARN);
  assert.match(id.UserId!, /^AROA[A-Z2-7]{17}:emulator\.user@example\.com$/);
  assert.equal(emu.counters["GetCallerIdentity"], 1);
});

Deno.test("AssumeRole chains from SSO credentials and the result works for GetCallerIdentity", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  using sts = stsClient(emu, creds);
  const before = Date.now();
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::123456789012:role/Deployer",
      RoleSessionName: "AdministratorAccess@012345678901",
      ExternalId: "ext-1234",
      SourceIdentity: "alice",
    }),
  );
  const c = out.Credentials!;
  assert.ok(c.Expiration instanceof Date);
  assert.ok(Math.abs(c.Expiration.getTime() - (before + 3600_000)) < 5_000);
  assert.equal(
    out.AssumedRoleUser?.Arn,
    "arn:aws:sts::123456789012:assumed-role/Deployer/AdministratorAccess@012345678901",
  );
  assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:AdministratorAccess@/);
  assert.equal(out.SourceIdentity, "alice");
  using chained = stsClient(emu, {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  });
  const id = await chained.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, out.AssumedRoleUser?.Arn);
  assert.equal(id.Account, "123456789012");
});

Deno.test("AssumeRole limits chained sessions to 3600 seconds and checks its inputs", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  using sts = stsClient(emu, creds);
  const tooLong = await rejection(sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::123456789012:role/Deployer",
      RoleSessionName: "s1",
      DurationSeconds: 7200,
    }),
  ));
  assert.equal(tooLong.name, "ValidationError");
  assert.equal(tooLong.$metadata?.httpStatusCode, 400);
  assert.match(tooLong.message, /1 hour session limit for roles assumed by role chaining/);
  const badName = await rejection(sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::123456789012:role/Deployer",
      RoleSessionName: "a b",
    }),
  ));
  assert.equal(badName.name, "ValidationError");
  const foreign = await rejection(sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::999999999999:role/Deployer",
      RoleSessionName: "s1",
    }),
  ));
  assert.equal(foreign.name, "AccessDenied");
  assert.equal(foreign.$metadata?.httpStatusCode, 403);
});

Deno.test("a wrong secret key answers SignatureDoesNotMatch and a wrong session token InvalidClientTokenId", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  using badSecret = stsClient(emu, {
    ...creds,
    secretAccessKey: creds.secretAccessKey.slice(1) + "A",
  });
  const sig = await rejection(badSecret.send(new GetCallerIdentityCommand({})));
  assert.equal(sig.name, "SignatureDoesNotMatch");
  assert.equal(sig.$metadata?.httpStatusCode, 403);
  using badToken = stsClient(emu, { ...creds, sessionToken: creds.sessionToken + "x" });
  const token = await rejection(badToken.send(new GetCallerIdentityCommand({})));
  assert.equal(token.name, "InvalidClientTokenId");
  using unknown = stsClient(emu, { ...creds, accessKeyId: "ASIAAAAAAAAAAAAAAAAA" });
  const key = await rejection(unknown.send(new GetCallerIdentityCommand({})));
  assert.equal(key.name, "InvalidClientTokenId");
});

Deno.test("a request signed more than 15 minutes off the emulator's clock is rejected, and the SDK recovers", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  emu.setFaults({ clockSkewMs: 20 * 60_000 });
  using once = stsClient(emu, creds, 1);
  const err = await rejection(once.send(new GetCallerIdentityCommand({})));
  assert.equal(err.name, "SignatureDoesNotMatch");
  assert.match(err.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  // The SDK corrects its clock from the Date header (which follows the emulator's clock).
  using retrying = stsClient(emu, creds, 3);
  const id = await retrying.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, "012345678901");
  emu.setFaults({ clockSkewMs: -20 * 60_000 });
  using early = stsClient(emu, creds, 1);
  const future = await rejection(early.send(new GetCallerIdentityCommand({})));
  assert.match(future.message, /^Signature not yet current/);
});

Deno.test("expired role credentials answer ExpiredToken", async () => {
  await using emu = await startEmulator({ credentialLifetimeSec: 900 });
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  const skew = 3600_000;
  emu.setFaults({ clockSkewMs: skew });
  // A client whose clock agrees with the emulator's, so only the expiry is wrong.
  const sts = new STSClient({
    region: emu.region,
    endpoint: emu.url,
    credentials: creds,
    maxAttempts: 1,
    systemClockOffset: skew,
  });
  try {
    const err = await rejection(sts.send(new GetCallerIdentityCommand({})));
    assert.equal(err.name, "ExpiredToken");
    assert.equal(err.$metadata?.httpStatusCode, 403);
  } finally {
    sts.destroy();
  }
});

Deno.test("STS errors use the query protocol's XML ErrorResponse", async () => {
  await using emu = await startEmulator();
  const res = await fetch(emu.url + "/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: "Action=GetCallerIdentity&Version=2011-06-15",
  });
  assert.equal(res.status, 403);
  assert.match(res.headers.get("content-type") ?? "", /text\/xml/);
  const xml = await res.text();
  assert.match(
    xml,
    /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
  );
});
