/**
 * The SSO token of an instance name belongs to the Identity Center it came from (issue 16): two
 * emulators stand for two Identity Centers; a config that gives the second one the first one's
 * instance name is not logged in, and the first one's token never reaches the second.
 */
import assert from "node:assert/strict";
import { Context } from "../../../cli/context.ts";
import { SecretRegistry } from "../../../cli/log.ts";
import { accessToken } from "../../../cli/services/auth.ts";
import { refreshRoles } from "../../../cli/services/roles.ts";
import { NotLoggedInError } from "../../../lib/errors.ts";
import { grantTypesFor, rfc3339Utc } from "../../../lib/sso/token_manager.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { commandServices } from "../../fakes/command_services.ts";

function config(emu: Emulator): string {
  return `SSOConfig:\n  Default:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n`;
}

/** Every request a run makes: its URL and all its header values. */
function recordingFetch(seen: { url: string; headers: string }[]): typeof fetch {
  return (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, headers: [...req.headers.values()].join("\n") });
    return fetch(req);
  };
}

Deno.test("a token stored for instance 'Default' of one Identity Center is never used for another one's 'Default'", async () => {
  await using first = await startEmulator({ accounts: 2 });
  await using second = await startEmulator({ accounts: 2 });
  await using t = await commandServices({ config: config(first), emulator: first });

  // Signed in to the first Identity Center, as `aws-sso login` stores it.
  const issued = first.issueToken();
  const instanceA = await t.services.instance();
  await t.store.putRegistration(instanceA, {
    clientId: issued.clientId,
    clientSecret: issued.clientSecret,
    clientIdIssuedAt: Math.floor(Date.now() / 1000),
    clientSecretExpiresAt: issued.clientSecretExpiresAt,
    grantTypes: grantTypesFor("pkce"),
  });
  await t.store.putToken(instanceA, {
    accessToken: issued.accessToken,
    expiresIn: 3600,
    // Inside the refresh window: a run would also try the refresh token.
    expiresAt: rfc3339Utc(Date.now() + 5 * 60_000),
    RefreshToken: issued.refreshToken,
    tokenType: "Bearer",
  });
  // The first setup works (and refreshes its token with its own Identity Center).
  const tokenA = await accessToken(t.services);
  assert.equal(first.counters["CreateToken:refresh_token"], 1);

  // The same instance name now points at the second Identity Center (its endpoints too).
  await Deno.writeTextFile(t.configFile, config(second));
  const seen: { url: string; headers: string }[] = [];
  const ctxB = new Context({ lines: false, stsRefresh: false }, {
    env: { HOME: t.home, TZ: "UTC", NO_COLOR: "1", PATH: "/usr/bin:/bin", ...second.env },
    output: t.output,
    clock: t.services.clock,
    secrets: new SecretRegistry(),
    backend: t.backend,
    fetch: recordingFetch(seen),
  });
  await assert.rejects(accessToken(ctxB), (e) => {
    assert.ok(e instanceof NotLoggedInError, String(e));
    assert.match(e.message, /not logged in to AWS SSO instance Default/);
    return true;
  });
  await assert.rejects(refreshRoles(ctxB, { progress: false }), NotLoggedInError);

  // Nothing of the first session was presented anywhere: no portal or OIDC call was made.
  for (const r of seen) {
    for (const secret of [issued.accessToken, tokenA, issued.refreshToken, issued.clientSecret]) {
      assert.ok(!r.headers.includes(secret), `a secret of the first setup went to ${r.url}`);
    }
  }
  assert.equal(seen.length, 0, `requests made: ${seen.map((r) => r.url).join(", ")}`);
  assert.equal(second.counters["ListAccounts"] ?? 0, 0);
  assert.equal(second.counters["CreateToken:refresh_token"] ?? 0, 0);

  // The first setup's session is kept, not silently deleted, and still works for it.
  assert.equal((await t.store.getToken(instanceA))?.accessToken, tokenA);
  await Deno.writeTextFile(t.configFile, config(first));
  assert.equal(await accessToken(t.next()), tokenA);
});
