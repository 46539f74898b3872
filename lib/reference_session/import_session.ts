/**
 * Switching from the AWS SSO CLI without logging in again: when this tool's store has no SSO
 * session for an instance, the session the reference tool keeps in the same kind of store is
 * taken over once: the token (while valid, or refreshable with a registration that is still
 * valid), its client registration, and role credentials with time left.
 *
 * Rules (README "Coming from AWS SSO CLI"):
 * - Read-only towards the reference: its record is never written, moved or deleted.
 * - Once per instance: the import leaves a note in our store; after `aws-sso logout` the old
 *   session is not brought back (a logout must end the session, whatever the other tool kept).
 * - Never fatal: a record that cannot be read costs one log line and the usual "not logged in".
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type {
  ClientRegistration,
  ImportedSession,
  SecureStore,
  SsoToken,
  StoredRoleCredentials,
} from "../secure_store.ts";
import { REFRESH_TOKEN_GRANT } from "../sso/oidc_client.ts";
import { tokenRemainingMs, VALID_MARGIN_MS } from "../sso/token_manager.ts";
import { JweError } from "./jwe_pbes2.ts";
import {
  parseReferenceBlob,
  referenceBlob,
  referenceKeys,
  type ReferenceRecord,
  ReferenceRecordError,
} from "./reference_records.ts";

/** Where the reference's record is read from; cli/ builds it for the store kind in use. */
export interface ReferenceSessionSource {
  /** The store kind (`file`, `secret-service`, `keychain`, `wincred`). */
  kind: string;
  /** Where the record is, for messages (a path, or "the Secret Service item …"). */
  location: string;
  /** Reads the record; undefined when the reference never stored one there. */
  read(): Promise<ReferenceRecord | undefined>;
  /** The `file` store's password (`AWS_SSO_FILE_PASSWORD`); undefined when there is none. */
  password(): Promise<string | undefined>;
}

/** What the reference's store holds for an instance. */
export type ReferenceSessionState =
  | "absent"
  | "locked"
  | "no-session"
  | "usable"
  | "expired"
  | "undecryptable";

/** The finding for one instance (for `doctor` and for the import). */
export interface ReferenceSessionFinding {
  /** The state. */
  state: ReferenceSessionState;
  /** Why, for `undecryptable`. */
  detail?: string;
  /** The token's expiry, when there is a token. */
  expiresAt?: string;
  /** What would be imported, for `usable`. */
  session?: Omit<ImportedSession, "from" | "nowMs">;
}

/** The instance whose session is wanted. */
export interface ReferenceInstance {
  /** Instance name (`SSOConfig` key). */
  name: string;
  /** `SSORegion`. */
  ssoRegion: string;
  /** `StartUrl`. */
  startUrl: string;
}

function refreshable(token: SsoToken, reg: ClientRegistration | undefined, nowMs: number): boolean {
  return token.RefreshToken !== undefined && reg !== undefined &&
    (reg.grantTypes === undefined || reg.grantTypes.includes(REFRESH_TOKEN_GRANT)) &&
    reg.clientSecretExpiresAt * 1000 > nowMs + VALID_MARGIN_MS;
}

/**
 * Reads and judges the reference's session for `instance` without writing anything. Secrets
 * found are registered with `logger` before anything else can log.
 */
export async function inspectReferenceSession(
  source: ReferenceSessionSource,
  instance: ReferenceInstance,
  deps: { clock: Clock; logger: Logger },
): Promise<ReferenceSessionFinding> {
  const record = await source.read();
  if (record === undefined) return { state: "absent" };
  let blob: Uint8Array | undefined;
  try {
    blob = await referenceBlob(record, () => source.password());
  } catch (e) {
    if (e instanceof JweError || e instanceof ReferenceRecordError) {
      return { state: "undecryptable", detail: e.message };
    }
    throw e;
  }
  if (blob === undefined) return { state: "locked" };
  let records;
  try {
    records = parseReferenceBlob(blob);
  } catch (e) {
    if (e instanceof ReferenceRecordError) return { state: "undecryptable", detail: e.message };
    throw e;
  }
  const { logger } = deps;
  for (const t of records.tokens.values()) {
    logger.secret(t.accessToken);
    logger.secret(t.RefreshToken);
    logger.secret(t.IdToken);
  }
  for (const r of records.registrations.values()) logger.secret(r.clientSecret);
  for (const c of records.roleCredentials.values()) {
    logger.secret(c.secretAccessKey);
    logger.secret(c.sessionToken);
  }

  const keys = referenceKeys(instance);
  const key = keys.find((k) => records.tokens.has(k));
  if (key === undefined) return { state: "no-session" };
  const token = records.tokens.get(key)!;
  const found = records.registrations.get(key);
  const nowMs = deps.clock.now();
  const registration = found !== undefined && found.clientSecretExpiresAt * 1000 > nowMs
    ? found
    : undefined;
  const valid = tokenRemainingMs(token, nowMs) > VALID_MARGIN_MS;
  if (!valid && !refreshable(token, registration, nowMs)) {
    return { state: "expired", expiresAt: token.expiresAt };
  }
  // A registration stored without grant types that was issued a refresh token has that grant;
  // it is not known which login grant it has, so the next login registers a new client.
  const reg = registration !== undefined && registration.grantTypes === undefined &&
      token.RefreshToken !== undefined
    ? { ...registration, grantTypes: [REFRESH_TOKEN_GRANT] }
    : registration;
  const roleCredentials: [string, StoredRoleCredentials][] = [...records.roleCredentials]
    .filter(([, c]) => c.expiration > nowMs + VALID_MARGIN_MS);
  return {
    state: "usable",
    expiresAt: token.expiresAt,
    session: { registration: reg, token, roleCredentials },
  };
}

/** What {@link importReferenceSession} did. */
export type ImportOutcome =
  | ReferenceSessionState
  | "imported"
  | "already-imported"
  | "have-session";

/**
 * Imports the reference's session for `instance` into `store` when `store` has none and never
 * imported one; logs one line saying what happened when there was something to say.
 */
export async function importReferenceSession(
  deps: {
    store: SecureStore;
    source: ReferenceSessionSource;
    instance: ReferenceInstance;
    clock: Clock;
    logger: Logger;
  },
): Promise<ImportOutcome> {
  const { store, source, instance, logger } = deps;
  if (await store.getToken(instance.name) !== undefined) return "have-session";
  if (await store.getReferenceImport(instance.name) !== undefined) return "already-imported";
  const finding = await inspectReferenceSession(source, instance, deps);
  const where = `the AWS SSO CLI store (${source.location})`;
  switch (finding.state) {
    case "absent":
    case "no-session":
      logger.debug("No AWS SSO CLI session to import", { where: source.location });
      return finding.state;
    case "locked":
      logger.info(
        `Found ${where}; set AWS_SSO_FILE_PASSWORD to its password to import its session`,
      );
      return finding.state;
    case "undecryptable":
      logger.warn(`Could not import the session in ${where}: ${finding.detail}`);
      return finding.state;
    case "expired":
      logger.info(`The session in ${where} has expired; it was not imported`);
      return finding.state;
    case "usable": {
      const done = await store.importSession(instance.name, {
        ...finding.session!,
        from: source.kind,
        nowMs: deps.clock.now(),
      });
      if (!done) return "have-session";
      logger.info(`Imported the AWS SSO CLI session for ${instance.name} from ${source.location}`);
      return "imported";
    }
  }
}
