/**
 * Test fixtures: the real AWS SDK v3 clients pointed at an emulator, and short-cuts to a signed-in
 * token and role credentials through the public API (never through emulator internals).
 *
 * @module
 */

import { createHash, randomBytes } from "node:crypto";
import {
  CreateTokenCommand,
  type CreateTokenCommandOutput,
  RegisterClientCommand,
  type RegisterClientCommandOutput,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { GetRoleCredentialsCommand, type RoleCredentials, SSOClient } from "@aws-sdk/client-sso";
import { STSClient } from "@aws-sdk/client-sts";
import type { Emulator } from "./emulator.ts";

/** The device-code grant type URN. */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** An SDK client that is destroyed at the end of a `using` block. */
export type Disposable<T> = T & { [Symbol.dispose](): void };

function disposable<T extends { destroy(): void }>(client: T): Disposable<T> {
  return Object.assign(client, { [Symbol.dispose]: () => client.destroy() });
}

/** An SSO OIDC client for the emulator (no retries unless asked, so errors surface at once). */
export function oidcClient(emu: Emulator, maxAttempts = 1): Disposable<SSOOIDCClient> {
  return disposable(new SSOOIDCClient({ region: emu.region, endpoint: emu.url, maxAttempts }));
}

/** An SSO portal client for the emulator. */
export function ssoClient(emu: Emulator, maxAttempts = 1): Disposable<SSOClient> {
  return disposable(new SSOClient({ region: emu.region, endpoint: emu.url, maxAttempts }));
}

/** An STS client for the emulator signing with `creds`. */
export function stsClient(
  emu: Emulator,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  maxAttempts = 1,
): Disposable<STSClient> {
  return disposable(
    new STSClient({ region: emu.region, endpoint: emu.url, credentials: creds, maxAttempts }),
  );
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

/** Registers a device-code client (with refresh_token) through the SDK. */
export function registerDeviceClient(
  oidc: SSOOIDCClient,
): Promise<RegisterClientCommandOutput> {
  return oidc.send(
    new RegisterClientCommand({
      clientName: "aws-sso-test",
      clientType: "public",
      grantTypes: [DEVICE_GRANT, "refresh_token"],
    }),
  );
}

/** Runs a whole device login (register, start, approve, poll once) and returns the token. */
export async function deviceLogin(
  emu: Emulator,
): Promise<CreateTokenCommandOutput & RegisterClientCommandOutput> {
  using oidc = oidcClient(emu);
  const reg = await registerDeviceClient(oidc);
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
  return { ...reg, ...token };
}

/** Role credentials from GetRoleCredentials (first account and role unless given). */
export async function roleCredentials(
  emu: Emulator,
  accessToken: string,
  accountId?: string,
  roleName?: string,
): Promise<Required<Pick<RoleCredentials, "accessKeyId" | "secretAccessKey" | "sessionToken">>> {
  const first = emu.accounts()[0]!;
  using sso = ssoClient(emu);
  const out = await sso.send(
    new GetRoleCredentialsCommand({
      accessToken,
      accountId: accountId ?? first.accountId,
      roleName: roleName ?? first.roles[0]!,
    }),
  );
  const c = out.roleCredentials!;
  return {
    accessKeyId: c.accessKeyId!,
    secretAccessKey: c.secretAccessKey!,
    sessionToken: c.sessionToken!,
  };
}

/** What an SDK call rejects with. */
export type ServiceError = Error & {
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  error?: string;
};

/** Awaits `promise` and returns what it rejected with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
