import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { startEmulator } from "./emulator.ts";
import { DEVICE_GRANT, oidcClient, pkcePair, registerDeviceClient } from "./_sdk_clients.ts";

const BROWSER = fileURLToPath(new URL("./browser.ts", import.meta.url));

async function runBrowser(url: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BROWSER, url],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("browser.ts completes the PKCE redirect to a loopback listener", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await oidc.send(
    new RegisterClientCommand({
      clientName: "b",
      clientType: "public",
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: ["sso:account:access"],
      redirectUris: ["http://127.0.0.1"],
    }),
  );
  let received: URLSearchParams | undefined;
  const listener = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    received = new URL(req.url).searchParams;
    return new Response("Authentication complete");
  });
  try {
    const { verifier, challenge } = pkcePair();
    const redirectUri = `http://127.0.0.1:${listener.addr.port}`;
    const q = new URLSearchParams({
      client_id: reg.clientId!,
      code_challenge: challenge,
      code_challenge_method: "S256",
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "sso:account:access",
      state: "s1",
    });
    const result = await runBrowser(`${emu.url}/authorize?${q}`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received?.get("state"), "s1");
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code: received!.get("code")!,
        codeVerifier: verifier,
        redirectUri,
      }),
    );
    assert.ok(token.accessToken);
  } finally {
    await listener.shutdown();
  }
});

Deno.test("browser.ts approves a device login, stops before leaving the machine and fails on errors", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerDeviceClient(oidc);
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: emu.startUrl,
    }),
  );
  const [approve, offMachine, failing] = await Promise.all([
    runBrowser(dev.verificationUriComplete!),
    runBrowser("https://console.aws.amazon.com/console/home"),
    runBrowser(`${emu.url}/authorize?client_id=unknown`),
  ]);
  assert.equal(approve.code, 0, approve.stderr);
  const token = await oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: DEVICE_GRANT,
      deviceCode: dev.deviceCode,
    }),
  );
  assert.ok(token.accessToken);
  assert.equal(offMachine.code, 0);
  assert.match(offMachine.stderr, /stopped at console\.aws\.amazon\.com/);
  assert.equal(failing.code, 1);
  assert.match(failing.stderr, /HTTP 400/);
});
