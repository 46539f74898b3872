import assert from "node:assert/strict";
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InvalidClientException,
  InvalidGrantException,
  InvalidRedirectUriException,
  InvalidScopeException,
  RegisterClientCommand,
  type RegisterClientCommandOutput,
  SlowDownException,
  type SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
} from "@aws-sdk/client-sso-oidc";
import { ListAccountsCommand, UnauthorizedException } from "@aws-sdk/client-sso";
import { type Emulator, startEmulator } from "./emulator.ts";
import {
  DEVICE_GRANT,
  deviceLogin,
  oidcClient,
  pkcePair,
  registerDeviceClient,
  rejection,
  ssoClient,
} from "./_sdk_clients.ts";

function registerPkceClient(oidc: SSOOIDCClient): Promise<RegisterClientCommandOutput> {
  return oidc.send(
    new RegisterClientCommand({
      clientName: "aws-sso-test",
      clientType: "public",
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: ["sso:account:access"],
      redirectUris: ["http://127.0.0.1"],
      issuerUrl: "https://d-1234567890.awsapps.com/start",
    }),
  );
}

async function startDevice(emu: Emulator, oidc: SSOOIDCClient) {
  const reg = await registerDeviceClient(oidc);
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: emu.startUrl,
    }),
  );
  const poll = () =>
    oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: dev.deviceCode,
      }),
    );
  return { reg, dev, poll };
}

/** A loopback listener like the CLI's: records the first redirect it receives. */
function loopbackListener() {
  let resolve!: (q: URLSearchParams) => void;
  const received = new Promise<URLSearchParams>((r) => resolve = r);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    resolve(new URL(req.url).searchParams);
    return new Response("Authentication complete", {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  });
  return {
    redirectUri: `http://127.0.0.1:${server.addr.port}/`,
    received,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function authorizeUrl(
  emu: Emulator,
  clientId: string,
  redirectUri: string,
  challenge: string,
  state = "st4te",
): string {
  const q = new URLSearchParams({
    client_id: clientId,
    code_challenge: challenge,
    code_challenge_method: "S256",
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "sso:account:access",
    state,
  });
  return `${emu.url}/authorize?${q}`;
}

/** Runs the browser half of PKCE and returns the code the loopback listener received. */
async function authorize(emu: Emulator, clientId: string, challenge: string) {
  await using listener = loopbackListener();
  const res = await fetch(authorizeUrl(emu, clientId, listener.redirectUri, challenge));
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const q = await listener.received;
  return { code: q.get("code")!, state: q.get("state"), redirectUri: listener.redirectUri };
}

Deno.test("RegisterClient returns credentials, epoch-second times and endpoints on the emulator", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const before = Math.floor(Date.now() / 1000);
  const reg = await registerPkceClient(oidc);
  assert.ok(reg.clientId && reg.clientSecret);
  assert.ok(reg.clientIdIssuedAt! >= before - 1 && reg.clientIdIssuedAt! <= before + 5);
  const ninetyDays = 90 * 86400;
  assert.ok(Math.abs(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt! - ninetyDays) <= 1);
  assert.equal(reg.authorizationEndpoint, `${emu.url}/authorize`);
  assert.equal(reg.tokenEndpoint, `${emu.url}/token`);
  assert.ok(emu.issuedSecrets().includes(reg.clientSecret!));
});

Deno.test("RegisterClient refuses to mix authorization_code and device_code like AWS", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const err = await rejection(oidc.send(
    new RegisterClientCommand({
      clientName: "mixed",
      clientType: "public",
      grantTypes: ["authorization_code", DEVICE_GRANT, "refresh_token"],
      redirectUris: ["http://127.0.0.1"],
    }),
  ));
  assert.ok(err instanceof InvalidScopeException, err.name);
  assert.equal(err.$metadata?.httpStatusCode, 400);
});

Deno.test("RegisterClient for authorization_code needs a loopback or https redirect URI", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  for (const redirectUris of [[], ["http://example.com/cb"]]) {
    const err = await rejection(oidc.send(
      new RegisterClientCommand({
        clientName: "x",
        clientType: "public",
        grantTypes: ["authorization_code"],
        redirectUris,
      }),
    ));
    assert.ok(err instanceof InvalidRedirectUriException, err.name);
  }
});

Deno.test("an OIDC error carries x-amzn-ErrorType and an {error, error_description} body", async () => {
  await using emu = await startEmulator();
  const res = await fetch(`${emu.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: "nope", clientSecret: "nope", grantType: "refresh_token" }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("x-amzn-errortype"), "InvalidClientException");
  const body = await res.json();
  assert.equal(body.error, "invalid_client");
  assert.equal(typeof body.error_description, "string");
});

Deno.test("a wrong client secret answers InvalidClientException (401)", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerDeviceClient(oidc);
  const err = await rejection(oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret + "x",
      startUrl: emu.startUrl,
    }),
  ));
  assert.ok(err instanceof InvalidClientException, err.name);
  assert.equal(err.$metadata?.httpStatusCode, 401);
});

Deno.test("the device flow is pending until the user approves, then yields tokens once", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const { dev, poll } = await startDevice(emu, oidc);
  assert.match(dev.userCode!, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(dev.verificationUri, `${emu.url}/device`);
  assert.equal(dev.verificationUriComplete, `${emu.url}/device?user_code=${dev.userCode}`);
  assert.equal(dev.expiresIn, 600);
  assert.equal(dev.interval, 1);
  assert.deepEqual(emu.pendingUserCodes(), [dev.userCode]);

  const pending = await rejection(poll());
  assert.ok(pending instanceof AuthorizationPendingException, pending.name);
  emu.approveDevice(dev.userCode!);
  assert.deepEqual(emu.pendingUserCodes(), []);
  const token = await poll();
  assert.equal(token.tokenType, "Bearer");
  assert.equal(token.expiresIn, 3600);
  assert.ok(token.accessToken && token.refreshToken);
  const again = await rejection(poll());
  assert.ok(again instanceof InvalidGrantException, again.name);
  assert.equal(emu.counters["CreateToken:device_code"], 3);
});

Deno.test("polling faster than the interval twice in a row answers SlowDownException", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 5 });
  using oidc = oidcClient(emu);
  const { poll } = await startDevice(emu, oidc);
  // One immediate repeat is accepted (the AWS CLI does that), the next fast poll is not.
  for (let i = 0; i < 2; i++) {
    const pending = await rejection(poll());
    assert.ok(pending instanceof AuthorizationPendingException, pending.name);
  }
  const slow = await rejection(poll());
  assert.ok(slow instanceof SlowDownException, slow.name);
});

Deno.test("a denied device login answers AccessDeniedException", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const { dev, poll } = await startDevice(emu, oidc);
  emu.denyDevice(dev.userCode!);
  const err = await rejection(poll());
  assert.ok(err instanceof AccessDeniedException, err.name);
});

Deno.test("an expired device code answers ExpiredTokenException", async () => {
  await using emu = await startEmulator({ deviceCodeLifetimeSec: 600 });
  using oidc = oidcClient(emu);
  const { dev, poll } = await startDevice(emu, oidc);
  emu.setFaults({ clockSkewMs: 601_000 });
  const err = await rejection(poll());
  assert.ok(err instanceof ExpiredTokenException, err.name);
  assert.throws(() => emu.approveDevice(dev.userCode!));
});

Deno.test("visiting verificationUriComplete approves the device login like a signed-in browser", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const { dev, poll } = await startDevice(emu, oidc);
  const page = await fetch(dev.verificationUriComplete!);
  assert.equal(page.status, 200);
  await page.body?.cancel();
  const token = await poll();
  assert.ok(token.accessToken);
});

Deno.test("a registration without grant types is device-only and gets no refresh token", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await oidc.send(
    new RegisterClientCommand({ clientName: "old", clientType: "public" }),
  );
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: emu.startUrl,
    }),
  );
  emu.approveDevice(dev.userCode!);
  const token = await oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: DEVICE_GRANT,
      deviceCode: dev.deviceCode,
    }),
  );
  assert.ok(token.accessToken);
  assert.equal(token.refreshToken, undefined);
});

Deno.test("the PKCE flow redirects to the loopback listener and exchanges the code with the verifier", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerPkceClient(oidc);
  const { verifier, challenge } = pkcePair();
  const { code, state, redirectUri } = await authorize(emu, reg.clientId!, challenge);
  assert.equal(state, "st4te");
  assert.ok(code);
  const token = await oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "authorization_code",
      code,
      codeVerifier: verifier,
      redirectUri,
    }),
  );
  assert.ok(token.accessToken && token.refreshToken);
  const reuse = await rejection(oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "authorization_code",
      code,
      codeVerifier: verifier,
      redirectUri,
    }),
  ));
  assert.ok(reuse instanceof InvalidGrantException, reuse.name);
});

Deno.test("CreateToken with a wrong verifier or another redirect URI answers InvalidGrantException", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerPkceClient(oidc);
  const { verifier, challenge } = pkcePair();
  const first = await authorize(emu, reg.clientId!, challenge);
  const wrongVerifier = await rejection(oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "authorization_code",
      code: first.code,
      codeVerifier: pkcePair().verifier,
      redirectUri: first.redirectUri,
    }),
  ));
  assert.ok(wrongVerifier instanceof InvalidGrantException, wrongVerifier.name);
  const second = await authorize(emu, reg.clientId!, challenge);
  const wrongRedirect = await rejection(oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "authorization_code",
      code: second.code,
      codeVerifier: verifier,
      redirectUri: "http://127.0.0.1:1/",
    }),
  ));
  assert.ok(wrongRedirect instanceof InvalidGrantException, wrongRedirect.name);
});

Deno.test("/authorize answers a 400 page for an unknown client or an unregistered redirect URI", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerPkceClient(oidc);
  const { challenge } = pkcePair();
  for (
    const url of [
      authorizeUrl(emu, "unknown", "http://127.0.0.1:5000/", challenge),
      authorizeUrl(emu, reg.clientId!, "http://evil.example.com/", challenge),
    ]
  ) {
    const res = await fetch(url, { redirect: "manual" });
    assert.equal(res.status, 400);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    await res.body?.cancel();
  }
});

Deno.test("/authorize redirects with error=access_denied when the browser user denies", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const reg = await registerPkceClient(oidc);
  emu.setBrowserDecision("deny");
  const res = await fetch(
    authorizeUrl(emu, reg.clientId!, "http://127.0.0.1:5000/cb", "a".repeat(43)),
    {
      redirect: "manual",
    },
  );
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get("location")!);
  assert.equal(location.origin + location.pathname, "http://127.0.0.1:5000/cb");
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal(location.searchParams.get("state"), "st4te");
});

Deno.test("a registration's grant types are enforced", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  const device = await registerDeviceClient(oidc);
  const codeWithDeviceClient = await rejection(oidc.send(
    new CreateTokenCommand({
      clientId: device.clientId,
      clientSecret: device.clientSecret,
      grantType: "authorization_code",
      code: "x",
      codeVerifier: "y",
      redirectUri: "http://127.0.0.1/",
    }),
  ));
  assert.ok(codeWithDeviceClient instanceof UnauthorizedClientException, codeWithDeviceClient.name);
  const pkce = await registerPkceClient(oidc);
  const deviceWithPkceClient = await rejection(oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: pkce.clientId,
      clientSecret: pkce.clientSecret,
      startUrl: emu.startUrl,
    }),
  ));
  assert.ok(deviceWithPkceClient instanceof UnauthorizedClientException, deviceWithPkceClient.name);
  const page = await fetch(
    authorizeUrl(emu, device.clientId!, "http://127.0.0.1/", "a".repeat(43)),
  );
  assert.equal(page.status, 400);
  await page.body?.cancel();
});

Deno.test("refresh_token returns a new access token after the old one expired", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  using sso = ssoClient(emu);
  const login = await deviceLogin(emu);
  emu.expireAccessTokens();
  const expired = await rejection(
    sso.send(new ListAccountsCommand({ accessToken: login.accessToken })),
  );
  assert.ok(expired instanceof UnauthorizedException, expired.name);
  const refreshed = await oidc.send(
    new CreateTokenCommand({
      clientId: login.clientId,
      clientSecret: login.clientSecret,
      grantType: "refresh_token",
      refreshToken: login.refreshToken,
    }),
  );
  assert.notEqual(refreshed.accessToken, login.accessToken);
  assert.equal(refreshed.refreshToken, undefined);
  const list = await sso.send(new ListAccountsCommand({ accessToken: refreshed.accessToken }));
  assert.equal(list.accountList?.length, 3);
  assert.equal(emu.counters["CreateToken:refresh_token"], 1);
});

Deno.test("with rotateRefreshTokens a refresh returns a new refresh token and retires the old", async () => {
  await using emu = await startEmulator({ rotateRefreshTokens: true });
  using oidc = oidcClient(emu);
  const login = await deviceLogin(emu);
  const refresh = (refreshToken: string | undefined) =>
    oidc.send(
      new CreateTokenCommand({
        clientId: login.clientId,
        clientSecret: login.clientSecret,
        grantType: "refresh_token",
        refreshToken,
      }),
    );
  const first = await refresh(login.refreshToken);
  assert.ok(first.refreshToken && first.refreshToken !== login.refreshToken);
  const old = await rejection(refresh(login.refreshToken));
  assert.ok(old instanceof InvalidGrantException, old.name);
  assert.ok((await refresh(first.refreshToken)).accessToken);
});

Deno.test("after revokeTokens neither the access token nor the refresh token works", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  using sso = ssoClient(emu);
  const login = await deviceLogin(emu);
  emu.revokeTokens();
  const list = await rejection(
    sso.send(new ListAccountsCommand({ accessToken: login.accessToken })),
  );
  assert.ok(list instanceof UnauthorizedException, list.name);
  const refresh = await rejection(oidc.send(
    new CreateTokenCommand({
      clientId: login.clientId,
      clientSecret: login.clientSecret,
      grantType: "refresh_token",
      refreshToken: login.refreshToken,
    }),
  ));
  assert.ok(refresh instanceof InvalidGrantException, refresh.name);
  const fresh = await deviceLogin(emu);
  assert.ok(await sso.send(new ListAccountsCommand({ accessToken: fresh.accessToken })));
});

Deno.test("issueToken signs in without a browser and its refresh token works", async () => {
  await using emu = await startEmulator();
  using oidc = oidcClient(emu);
  using sso = ssoClient(emu);
  const t = emu.issueToken();
  assert.ok(await sso.send(new ListAccountsCommand({ accessToken: t.accessToken })));
  const refreshed = await oidc.send(
    new CreateTokenCommand({
      clientId: t.clientId,
      clientSecret: t.clientSecret,
      grantType: "refresh_token",
      refreshToken: t.refreshToken,
    }),
  );
  assert.ok(refreshed.accessToken);
  assert.ok(emu.issuedSecrets().includes(refreshed.accessToken!));
});

Deno.test("a client registration past clientSecretExpiresAt answers InvalidClientException", async () => {
  await using emu = await startEmulator({ clientSecretLifetimeSec: 3600 });
  using oidc = oidcClient(emu);
  const reg = await registerDeviceClient(oidc);
  assert.equal(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt!, 3600);
  emu.setFaults({ clockSkewMs: 3601_000 });
  const err = await rejection(oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: emu.startUrl,
    }),
  ));
  assert.ok(err instanceof InvalidClientException, err.name);
});
