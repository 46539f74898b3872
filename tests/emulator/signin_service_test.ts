import assert from "node:assert/strict";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { type Emulator, startEmulator } from "./emulator.ts";
import { roleCredentials, stsClient } from "./_sdk_clients.ts";

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

function signinTokenUrl(emu: Emulator, creds: Creds, durationSec?: number): string {
  const session = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const duration = durationSec === undefined ? "" : `&SessionDuration=${durationSec}`;
  return `${emu.env["AWS_ENDPOINT_URL_SIGNIN"]}/federation?Action=getSigninToken${duration}` +
    `&Session=${encodeURIComponent(session)}`;
}

async function chainedCredentials(emu: Emulator, creds: Creds): Promise<Creds> {
  using sts = stsClient(emu, creds);
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::123456789012:role/Deployer",
      RoleSessionName: "chain",
    }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
}

Deno.test("getSigninToken exchanges issued credentials for a token and login redirects to the console", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  const res = await fetch(signinTokenUrl(emu, creds, 3600));
  assert.equal(res.status, 200);
  const { SigninToken } = await res.json();
  assert.equal(typeof SigninToken, "string");
  assert.ok(emu.issuedSecrets().includes(SigninToken));

  const destination = "https://console.aws.amazon.com/console/home?region=us-east-1";
  const login = await fetch(
    `${emu.url}/federation?Action=login&Issuer=${encodeURIComponent(emu.startUrl)}` +
      `&Destination=${encodeURIComponent(destination)}&SigninToken=${SigninToken}`,
    { redirect: "manual" },
  );
  assert.equal(login.status, 302);
  assert.equal(login.headers.get("location"), destination);
  assert.equal(emu.counters["getSigninToken"], 1);
  assert.equal(emu.counters["login"], 1);
});

Deno.test("SessionDuration with chained credentials answers 400, without it the token is issued", async () => {
  await using emu = await startEmulator();
  const chained = await chainedCredentials(
    emu,
    await roleCredentials(emu, emu.issueToken().accessToken),
  );
  const withDuration = await fetch(signinTokenUrl(emu, chained, 3600));
  assert.equal(withDuration.status, 400);
  await withDuration.body?.cancel();
  const without = await fetch(signinTokenUrl(emu, chained));
  assert.equal(without.status, 200);
  assert.ok((await without.json()).SigninToken);
});

Deno.test("getSigninToken refuses credentials it did not issue or a Session that was not URL-encoded", async () => {
  await using emu = await startEmulator();
  const creds = await roleCredentials(emu, emu.issueToken().accessToken);
  const wrong = await fetch(
    signinTokenUrl(emu, { ...creds, secretAccessKey: "x" + creds.secretAccessKey }),
  );
  assert.equal(wrong.status, 403);
  await wrong.body?.cancel();
  // Sent raw, the "+" in the secret arrives as a space.
  const raw = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const unencoded = await fetch(`${emu.url}/federation?Action=getSigninToken&Session=${raw}`);
  assert.notEqual(unencoded.status, 200);
  await unencoded.body?.cancel();
  const badLogin = await fetch(
    `${emu.url}/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=nope`,
    { redirect: "manual" },
  );
  assert.equal(badLogin.status, 400);
  await badLogin.body?.cancel();
});
