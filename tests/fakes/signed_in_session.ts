/**
 * Puts a signed-in SSO session (a PKCE client registration and a token) for instance `Default`
 * into a secure store, as if `aws-sso login` had just run against the emulator.
 *
 * @module
 */
import type { SecureStore } from "../../lib/secure_store.ts";
import { grantTypesFor, rfc3339Utc } from "../../lib/sso/token_manager.ts";
import type { Emulator, IssuedToken } from "../emulator/emulator.ts";

/** Stores the session; its access token has `leftMs` left. Returns the issued token. */
export async function storeSignedInSession(
  source: Emulator | IssuedToken,
  store: SecureStore,
  leftMs: number,
): Promise<IssuedToken> {
  const t = "issueToken" in source ? source.issueToken() : source;
  await store.putRegistration("Default", {
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    clientIdIssuedAt: Math.floor(Date.now() / 1000),
    clientSecretExpiresAt: t.clientSecretExpiresAt,
    grantTypes: grantTypesFor("pkce"),
  });
  await store.putToken("Default", {
    accessToken: t.accessToken,
    expiresIn: 3600,
    expiresAt: rfc3339Utc(Date.now() + leftMs),
    RefreshToken: t.refreshToken,
    tokenType: "Bearer",
  });
  return t;
}
