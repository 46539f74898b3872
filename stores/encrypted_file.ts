/**
 * The `file` SecureStore: items encrypted with AES-256-GCM (WebCrypto) in one JSON envelope.
 *
 * Key hierarchy: a random 256-bit data key encrypts every item; the data key is wrapped by a
 * key-encryption key derived from the password with PBKDF2-SHA256 (iterations and salt are
 * recorded in the file, so the cost can be raised later without re-encrypting items). Every
 * encryption uses a fresh random 96-bit IV and binds its purpose as additional data: the item's
 * key name for items, so ciphertexts cannot be swapped between keys.
 *
 * ```json
 * { "format": "aws-sso-file-store", "version": 1,
 *   "kdf": { "name": "PBKDF2-SHA256", "iterations": 600000, "salt": "<base64>" },
 *   "wrappedKey": { "iv": "<base64>", "ciphertext": "<base64>" },
 *   "keyCheck": { "iv": "<base64>", "ciphertext": "<base64>" },
 *   "items": { "<key>": { "iv": "<base64>", "ciphertext": "<base64>" } } }
 * ```
 *
 * `keyCheck` encrypts nothing under the data key: it proves a key taken from the {@link KeyCache}
 * belongs to this file before anything is decrypted or written with it. Key names are not
 * secret (instance names, role ARNs) and stay readable, so `keys()` needs no password.
 * What the envelope does not prevent: someone who can write the file can remove items or put
 * back an older ciphertext of the same item; both only make aws-sso log in again.
 *
 * @module
 */
import {
  DecryptionError,
  type FileIo,
  osReason,
  type PasswordSource,
  type SecretBackend,
  StoreError,
} from "./backend.ts";
import { type KeyCache, noKeyCache } from "./key_cache.ts";
import { fromBase64, fromUtf8, sha256Hex, toBase64, utf8 } from "./_encoding.ts";

/** The `format` field of the envelope. */
export const FILE_STORE_FORMAT = "aws-sso-file-store";
/** The envelope version this code writes and reads. */
export const FILE_STORE_VERSION = 1;
/** PBKDF2-SHA256 iterations for new stores, and the floor for the `iterations` option (OWASP 2023). */
export const MIN_KDF_ITERATIONS = 600_000;
/** Files asking for more iterations than this are treated as damaged (it would hang the CLI). */
const MAX_KDF_ITERATIONS = 20_000_000;

const KDF_NAME = "PBKDF2-SHA256";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const AAD_DATA_KEY = utf8("aws-sso-file-store/v1/data-key");
const AAD_KEY_CHECK = utf8("aws-sso-file-store/v1/key-check");
const itemAad = (key: string) => utf8(`aws-sso-file-store/v1/item:${key}`);

/** `<ConfigDir>/secure/aws-sso-store.json`, where the `file` store lives. */
export function fileStorePath(configDir: string): string {
  return `${configDir}/secure/aws-sso-store.json`;
}

/** Bytes WebCrypto accepts (backed by an ArrayBuffer, not a SharedArrayBuffer). */
type Bytes = Uint8Array<ArrayBuffer>;

interface Sealed {
  iv: Bytes;
  ciphertext: Bytes;
}

interface Kdf {
  iterations: number;
  salt: Bytes;
}

/** Everything in the envelope but the items: what a data key and a password unlock. */
interface Header {
  kdf: Kdf;
  wrappedKey: Sealed;
  keyCheck: Sealed;
}

interface Envelope extends Header {
  items: Map<string, Sealed>;
}

/** Result of {@link EncryptedFileBackend.getIfUnlocked}. */
export type UnlockedRead =
  | { locked: true }
  | { locked: false; value: Uint8Array | undefined };

/** Options for {@link EncryptedFileBackend}. */
export interface EncryptedFileBackendOptions {
  /** The store file, normally {@link fileStorePath}. */
  path: string;
  /** File access; writes go through `writeFileAtomic` (0600, dirs 0700). */
  fileIo: FileIo;
  /** Asked for the password only when the data key is neither in memory nor in the cache. */
  passwordSource: PasswordSource;
  /** Cross-process cache of the data key (default: none). */
  keyCache?: KeyCache;
  /** PBKDF2 iterations for new stores and upgrades; at least {@link MIN_KDF_ITERATIONS}. */
  iterations?: number;
  /** The key cache id when already known (saves a hash on the credential_process hot path). */
  keyCacheId?: string;
}

/** The password-encrypted file store; mutations re-read the file and change only their key. */
export class EncryptedFileBackend implements SecretBackend {
  /** Always `file`. */
  readonly kind = "file" as const;
  readonly #path: string;
  readonly #io: FileIo;
  readonly #passwords: PasswordSource;
  readonly #cache: KeyCache;
  readonly #iterations: number;
  /** The unlocked data key and the header it was unlocked from. */
  #unlocked?: { key: CryptoKey; header: Header };
  /** A re-wrapped header with more iterations, written with the next mutation. */
  #upgrade?: Header;
  /** The data key of a store created by this process, cached once its file is written. */
  #uncached?: Uint8Array;
  #cacheId?: string;

  /** Creates the backend; nothing is read and no password asked until first use. */
  constructor(options: EncryptedFileBackendOptions) {
    const iterations = options.iterations ?? MIN_KDF_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_KDF_ITERATIONS) {
      throw new StoreError(
        `PBKDF2 iterations must be an integer of at least ${MIN_KDF_ITERATIONS}, got ${iterations}`,
      );
    }
    this.#path = options.path;
    this.#io = options.fileIo;
    this.#passwords = options.passwordSource;
    this.#cache = options.keyCache ?? noKeyCache;
    this.#iterations = iterations;
    this.#cacheId = options.keyCacheId;
  }

  /** The file this store uses. */
  get path(): string {
    return this.#path;
  }

  /** Returns the value, or `undefined`; unlocks (cache, then password) only if the item exists. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const envelope = await this.#read();
    const item = envelope?.items.get(key);
    if (envelope === undefined || item === undefined) return undefined;
    return await this.#openItem(await this.#unlock(envelope), key, item);
  }

  /**
   * Reads one item without ever asking for a password: the credential_process hot path.
   * `locked` means the data key is neither in memory nor in the key cache.
   */
  async getIfUnlocked(key: string): Promise<UnlockedRead> {
    const envelope = await this.#read();
    const item = envelope?.items.get(key);
    if (envelope === undefined || item === undefined) return { locked: false, value: undefined };
    const dataKey = await this.#inMemoryKey(envelope) ?? await this.#cachedKey(envelope);
    if (dataKey === undefined) return { locked: true };
    return { locked: false, value: await this.#openItem(dataKey, key, item) };
  }

  /** Creates or replaces the value; creates the store (asking for a new password) if needed. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const dataKey = await this.#unlock(await this.#read() ?? await this.#create());
    const envelope = await this.#latest(dataKey);
    envelope.items.set(key, await seal(dataKey, value, itemAad(key)));
    await this.#write(envelope);
  }

  /** Removes the key; false when it was absent. Unlocks first: only the owner rewrites the file. */
  async delete(key: string): Promise<boolean> {
    const first = await this.#read();
    if (first === undefined || !first.items.has(key)) return false;
    const envelope = await this.#latest(await this.#unlock(first));
    if (!envelope.items.delete(key)) return false;
    await this.#write(envelope);
    return true;
  }

  /** Lists the keys present, sorted (key names are not encrypted: no password needed). */
  async keys(): Promise<string[]> {
    const envelope = await this.#read();
    return envelope === undefined ? [] : [...envelope.items.keys()].sort();
  }

  async #read(): Promise<Envelope | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#io.readFile(this.#path);
    } catch (e) {
      // A directory in the way, or no permission: say which file, not a bare OS error.
      throw new StoreError(`Cannot read the encrypted SecureStore ${this.#path}: ${osReason(e)}`, {
        hints: [`check that ${this.#path} is a file you can read and write`],
        cause: e,
      });
    }
    return bytes === undefined ? undefined : parseEnvelope(bytes, this.#path);
  }

  /**
   * The file as it is now, re-read after unlocking (which may have waited for a person), so a
   * write changes only its own key; it must still open with `dataKey`.
   */
  async #latest(dataKey: CryptoKey): Promise<Envelope> {
    const envelope = await this.#read();
    const header = this.#unlocked?.header;
    if (envelope === undefined) {
      if (header === undefined) throw new StoreError(`${this.#path} vanished while unlocking`);
      return { ...header, items: new Map() };
    }
    if (!await opensCheck(dataKey, envelope)) {
      throw new StoreError(`${this.#path} was replaced by another process while unlocking`, {
        hints: ["run the command again"],
      });
    }
    return envelope;
  }

  async #write(envelope: Envelope): Promise<void> {
    const header = this.#upgrade ?? envelope;
    const doc = {
      format: FILE_STORE_FORMAT,
      version: FILE_STORE_VERSION,
      kdf: { name: KDF_NAME, iterations: header.kdf.iterations, salt: toBase64(header.kdf.salt) },
      wrappedKey: sealedJson(header.wrappedKey),
      keyCheck: sealedJson(header.keyCheck),
      items: Object.fromEntries([...envelope.items].map(([k, v]) => [k, sealedJson(v)])),
    };
    await this.#io.writeFileAtomic(this.#path, utf8(`${JSON.stringify(doc, null, 2)}\n`), 0o600);
    // A new store's key is cached only now: a store never written (a failed first login, a
    // kill before the write) leaves no key in the cache.
    const uncached = this.#uncached;
    this.#uncached = undefined;
    if (uncached !== undefined) {
      await this.#cachePut(uncached);
      uncached.fill(0);
    }
    if (this.#upgrade !== undefined && this.#unlocked !== undefined) {
      this.#unlocked.header = this.#upgrade;
    }
    this.#upgrade = undefined;
  }

  /** A new, empty envelope: reuses the unlocked header (file deleted meanwhile) or asks for a password. */
  async #create(): Promise<Envelope> {
    if (this.#unlocked !== undefined) return { ...this.#unlocked.header, items: new Map() };
    const password = await this.#passwords.password({ create: true, location: this.#path });
    if (password === "") {
      throw new StoreError(
        `Cannot create the encrypted SecureStore ${this.#path}: empty password`,
        {
          hints: ["choose a non-empty password (or set AWS_SSO_FILE_PASSWORD)"],
        },
      );
    }
    const raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
    const key = await importDataKey(raw);
    const header: Header = {
      ...await wrapDataKey(password, raw, this.#iterations),
      keyCheck: await seal(key, new Uint8Array(0), AAD_KEY_CHECK),
    };
    this.#uncached?.fill(0);
    this.#uncached = raw;
    this.#unlocked = { key, header };
    return { ...header, items: new Map() };
  }

  /** The data key for `envelope`: from memory, else the key cache, else the password. */
  async #unlock(envelope: Envelope): Promise<CryptoKey> {
    const known = await this.#inMemoryKey(envelope) ?? await this.#cachedKey(envelope);
    if (known !== undefined) return known;

    const password = await this.#passwords.password({ create: false, location: this.#path });
    const kek = await deriveKek(password, envelope.kdf);
    const raw = await open(kek, envelope.wrappedKey, AAD_DATA_KEY);
    if (raw === undefined || raw.length !== KEY_BYTES) {
      throw new DecryptionError(
        `Cannot unlock the encrypted SecureStore ${this.#path}: wrong password, or the file was modified`,
        {
          hints: [
            "check the password (AWS_SSO_FILE_PASSWORD, or the one you typed)",
            `if the password is lost, delete ${this.#path} and run "aws-sso login" again`,
          ],
        },
      );
    }
    const key = await importDataKey(raw);
    if (!await opensCheck(key, envelope)) {
      raw.fill(0);
      throw damaged(this.#path, "the key check does not match the data key");
    }
    if (envelope.kdf.iterations < this.#iterations) {
      this.#upgrade = {
        ...await wrapDataKey(password, raw, this.#iterations),
        keyCheck: envelope.keyCheck,
      };
    }
    await this.#cachePut(raw);
    raw.fill(0);
    this.#unlocked = { key, header: headerOf(envelope) };
    return key;
  }

  /** The key unlocked earlier in this process, if it still opens `envelope`. */
  async #inMemoryKey(envelope: Envelope): Promise<CryptoKey | undefined> {
    const unlocked = this.#unlocked;
    if (unlocked === undefined) return undefined;
    if (await opensCheck(unlocked.key, envelope)) return unlocked.key;
    // Another process replaced the store (a new data key): start over.
    this.#unlocked = undefined;
    this.#upgrade = undefined;
    this.#uncached?.fill(0);
    this.#uncached = undefined;
    return undefined;
  }

  /** The key from the cache, if it opens `envelope`; a stale or foreign key is dropped. */
  async #cachedKey(envelope: Envelope): Promise<CryptoKey | undefined> {
    const id = await this.#keyCacheId();
    let raw: Uint8Array | undefined;
    try {
      raw = await this.#cache.get(id);
    } catch {
      return undefined;
    }
    if (raw === undefined) return undefined;
    const key = raw.length === KEY_BYTES ? await importDataKey(raw) : undefined;
    raw.fill(0);
    if (key !== undefined && await opensCheck(key, envelope)) {
      this.#unlocked = { key, header: headerOf(envelope) };
      return key;
    }
    await this.#cache.forget(id).catch(() => {});
    return undefined;
  }

  async #cachePut(raw: Uint8Array): Promise<void> {
    try {
      await this.#cache.put(await this.#keyCacheId(), raw);
    } catch {
      // The cache only saves time; without it the next process asks for the password again.
    }
  }

  /** `aws-sso:<sha256(path) prefix>`: one cache slot per store file. */
  async #keyCacheId(): Promise<string> {
    this.#cacheId ??= `aws-sso:${(await sha256Hex(this.#path)).slice(0, 32)}`;
    return this.#cacheId;
  }

  /**
   * Drops this store's data key from the key cache (`logout`, `flush --type all`): the next
   * process asks for the password again. This process keeps its unlocked key.
   */
  async forgetCachedKey(): Promise<void> {
    await this.#cache.forget(await this.#keyCacheId());
  }

  /** The name of this store's data key in the key cache (not secret; derived from the path). */
  keyCacheId(): Promise<string> {
    return this.#keyCacheId();
  }

  async #openItem(dataKey: CryptoKey, key: string, item: Sealed): Promise<Uint8Array> {
    const plain = await open(dataKey, item, itemAad(key));
    if (plain === undefined) {
      throw new DecryptionError(
        `Cannot decrypt "${key}" in the encrypted SecureStore ${this.#path}: the file was modified or damaged`,
        { hints: [`delete ${this.#path} and run "aws-sso login" again`] },
      );
    }
    return plain;
  }
}

function headerOf(envelope: Envelope): Header {
  return { kdf: envelope.kdf, wrappedKey: envelope.wrappedKey, keyCheck: envelope.keyCheck };
}

function damaged(path: string, why: string): DecryptionError {
  return new DecryptionError(`The encrypted SecureStore ${path} is damaged: ${why}`, {
    hints: [`restore ${path} from a backup, or delete it and run "aws-sso login" again`],
  });
}

function sealedJson(sealed: Sealed): { iv: string; ciphertext: string } {
  return { iv: toBase64(sealed.iv), ciphertext: toBase64(sealed.ciphertext) };
}

function parseEnvelope(bytes: Uint8Array, path: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(bytes));
  } catch {
    throw damaged(path, "not valid JSON (truncated?)");
  }
  if (!isRecord(doc) || doc.format !== FILE_STORE_FORMAT) {
    throw damaged(path, `not an ${FILE_STORE_FORMAT} file`);
  }
  if (typeof doc.version === "number" && doc.version > FILE_STORE_VERSION) {
    throw new StoreError(
      `The encrypted SecureStore ${path} has format version ${doc.version}; this aws-sso reads version ${FILE_STORE_VERSION}`,
      { hints: ["upgrade aws-sso"] },
    );
  }
  if (doc.version !== FILE_STORE_VERSION) throw damaged(path, "unknown format version");
  const kdf = doc.kdf;
  if (
    !isRecord(kdf) || kdf.name !== KDF_NAME || typeof kdf.iterations !== "number" ||
    !Number.isInteger(kdf.iterations) || kdf.iterations < 1 ||
    kdf.iterations > MAX_KDF_ITERATIONS || typeof kdf.salt !== "string"
  ) {
    throw damaged(path, "bad kdf parameters");
  }
  const salt = fromBase64(kdf.salt);
  if (salt === undefined || salt.length < SALT_BYTES) throw damaged(path, "bad kdf salt");
  const items = new Map<string, Sealed>();
  if (!isRecord(doc.items)) throw damaged(path, "no items");
  for (const [key, value] of Object.entries(doc.items)) {
    items.set(key, parseSealed(value, path, `item "${key}"`));
  }
  return {
    kdf: { iterations: kdf.iterations, salt },
    wrappedKey: parseSealed(doc.wrappedKey, path, "wrappedKey"),
    keyCheck: parseSealed(doc.keyCheck, path, "keyCheck"),
    items,
  };
}

function parseSealed(value: unknown, path: string, what: string): Sealed {
  if (isRecord(value) && typeof value.iv === "string" && typeof value.ciphertext === "string") {
    const iv = fromBase64(value.iv);
    const ciphertext = fromBase64(value.ciphertext);
    if (iv?.length === IV_BYTES && ciphertext !== undefined && ciphertext.length >= TAG_BYTES) {
      return { iv, ciphertext };
    }
  }
  throw damaged(path, `bad ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function importDataKey(raw: Uint8Array): Promise<CryptoKey> {
  const copy = new Uint8Array(raw);
  try {
    return await crypto.subtle.importKey("raw", copy, "AES-GCM", false, ["encrypt", "decrypt"]);
  } finally {
    copy.fill(0);
  }
}

async function deriveKek(password: string, kdf: Kdf): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    // NFC so the same password typed on differently-normalising terminals derives the same key.
    utf8(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: kdf.salt, iterations: kdf.iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function wrapDataKey(
  password: string,
  raw: Uint8Array,
  iterations: number,
): Promise<{ kdf: Kdf; wrappedKey: Sealed }> {
  const kdf = { iterations, salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)) };
  return { kdf, wrappedKey: await seal(await deriveKek(password, kdf), raw, AAD_DATA_KEY) };
}

async function seal(key: CryptoKey, plain: Uint8Array, aad: Bytes): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad, tagLength: TAG_BYTES * 8 },
    key,
    new Uint8Array(plain),
  );
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Decrypts and authenticates; `undefined` when the key, IV, AAD or ciphertext do not match. */
async function open(
  key: CryptoKey,
  sealed: Sealed,
  aad: Bytes,
): Promise<Uint8Array | undefined> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: sealed.iv, additionalData: aad, tagLength: TAG_BYTES * 8 },
      key,
      sealed.ciphertext,
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}

async function opensCheck(key: CryptoKey, header: Header): Promise<boolean> {
  return await open(key, header.keyCheck, AAD_KEY_CHECK) !== undefined;
}
