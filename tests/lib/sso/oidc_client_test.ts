import assert from "node:assert/strict";
import { AwsApiError } from "../../../lib/errors.ts";
import { DEVICE_CODE_GRANT, OidcClient } from "../../../lib/sso/oidc_client.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { httpDeps, RecordingLogger } from "./_fixtures.ts";

Deno.test("OidcClient registers a PKCE client and registers its secret with the logger", async () => {
  await using emu = await startEmulator();
  const logger = new RecordingLogger();
  const oidc = new OidcClient(httpDeps(logger), emu.region, { overrides: { oidc: emu.url } });
  const client = await oidc.registerClient({
    issuerUrl: emu.startUrl,
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["sso:account:access"],
    redirectUris: ["http://127.0.0.1"],
  });
  assert.ok(client.clientId.length > 0);
  assert.ok(client.clientSecretExpiresAt > Date.now() / 1000);
  assert.equal(client.authorizationEndpoint, `${emu.url}/authorize`);
  assert.ok(logger.secrets.has(client.clientSecret));
  assert.ok(emu.issuedSecrets().includes(client.clientSecret));
});

Deno.test("OidcClient surfaces AuthorizationPendingException with its code, without retrying", async () => {
  await using emu = await startEmulator();
  const logger = new RecordingLogger();
  const oidc = new OidcClient(httpDeps(logger), emu.region, { overrides: { oidc: emu.url } });
  const client = await oidc.registerClient({
    issuerUrl: emu.startUrl,
    grantTypes: [DEVICE_CODE_GRANT, "refresh_token"],
  });
  const auth = await oidc.startDeviceAuthorization({ ...client, startUrl: emu.startUrl });
  assert.ok(logger.secrets.has(auth.deviceCode));
  assert.match(auth.verificationUriComplete!, /user_code=/);
  await assert.rejects(
    oidc.createToken(client, { grantType: "device_code", deviceCode: auth.deviceCode }),
    (e) =>
      e instanceof AwsApiError && e.code === "AuthorizationPendingException" && e.status === 400,
  );
  assert.equal(emu.counters["CreateToken"], 1);

  emu.approveDevice(auth.userCode);
  const token = await oidc.createToken(client, {
    grantType: "device_code",
    deviceCode: auth.deviceCode,
  });
  for (const s of [token.accessToken, token.refreshToken]) assert.ok(logger.secrets.has(s!));
  assert.equal(token.tokenType, "Bearer");
  assert.ok(token.expiresIn > 0);
});

Deno.test("OidcClient retries a throttled CreateToken and then succeeds", async () => {
  await using emu = await startEmulator();
  const logger = new RecordingLogger();
  const t = emu.issueToken();
  emu.setFaults({ throttleRate: 0.8 });
  const deps = { ...httpDeps(logger), retry: { maxAttempts: 20, maxBackoffMs: 5 } };
  const patient = new OidcClient(deps, emu.region, { overrides: { oidc: emu.url } });
  const refreshed = await patient.createToken(t, {
    grantType: "refresh_token",
    refreshToken: t.refreshToken,
  });
  assert.ok(refreshed.accessToken.length > 0);
  assert.ok(emu.counters["fault:throttle"]! >= 1, "the emulator throttled at least once");
});
