/**
 * The `json` SecureStore: secrets in a clear-text JSON file the user explicitly chose.
 *
 * The layout follows the reference tool's json store, so a `store.json` written by either tool
 * can be read by the other where the value shapes agree: `client-data:<I>` lives at
 * `RegisterClient.<I>`, `token-response:<I>` at `CreateTokenResponse.<I>`,
 * `role-credentials:<arn>` at `RoleCredentials.<arn>`, the three ECS keys at `EcsBearerToken`,
 * `EcsPrivateKey`, `EcsCertChain`, and every other key under `Other`. Unknown top-level fields
 * (`StartDeviceAuth`, `StaticCredentials`, ...) are kept as they are.
 *
 * @module
 */
import { type FileIo, osReason, type SecretBackend, StoreError } from "./backend.ts";
import { fromBase64, fromUtf8, fromUtf8Strict, toBase64, utf8 } from "./_encoding.ts";

/** Marker object holding bytes that are not UTF-8 text: `{"$base64": "..."}`. */
const BASE64_MARKER = "$base64";

const SECTIONS: ReadonlyArray<readonly [prefix: string, field: string]> = [
  ["client-data:", "RegisterClient"],
  ["token-response:", "CreateTokenResponse"],
  ["role-credentials:", "RoleCredentials"],
];

const SCALARS: ReadonlyArray<readonly [key: string, field: string]> = [
  ["ecs-bearer-token", "EcsBearerToken"],
  ["ecs-private-key", "EcsPrivateKey"],
  ["ecs-cert-chain", "EcsCertChain"],
];

const OTHER = "Other";

type Json = Record<string, unknown>;

/** Where a key lives in the document: a member of a section object, or a top-level field. */
type Slot = { section: string; name: string } | { field: string };

function slotOf(key: string): Slot {
  for (const [prefix, section] of SECTIONS) {
    if (key.startsWith(prefix)) return { section, name: key.slice(prefix.length) };
  }
  for (const [scalar, field] of SCALARS) if (key === scalar) return { field };
  return { section: OTHER, name: key };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMarker(value: unknown): value is { [BASE64_MARKER]: string } {
  return isObject(value) && Object.keys(value).length === 1 &&
    typeof value[BASE64_MARKER] === "string";
}

/** Own-property write that is safe for any key, `__proto__` included. */
function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function getOwn(target: Json, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

/**
 * Bytes → JSON value: canonical compact JSON objects/arrays inline (readable, and what the
 * reference stores), other UTF-8 text as a string, anything else as a base64 marker object.
 */
function encodeValue(bytes: Uint8Array): unknown {
  const text = fromUtf8Strict(bytes);
  if (text === undefined) return { [BASE64_MARKER]: toBase64(bytes) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  // Inline only when re-serialising gives the same bytes back, so get() returns what set() got.
  if (typeof parsed === "object" && parsed !== null && !isMarker(parsed)) {
    if (JSON.stringify(parsed) === text) return parsed;
  }
  return text;
}

function decodeValue(value: unknown, key: string, path: string): Uint8Array {
  if (typeof value === "string") return utf8(value);
  if (isMarker(value)) {
    const bytes = fromBase64(value[BASE64_MARKER]);
    if (bytes === undefined) {
      throw new StoreError(`The json SecureStore ${path} holds invalid base64 for "${key}"`, {
        hints: [`fix or remove the entry in ${path}`],
      });
    }
    return bytes;
  }
  return utf8(JSON.stringify(value));
}

/** Options for {@link JsonFileBackend}. */
export interface JsonFileBackendOptions {
  /** The `JsonStore` path (default `<ConfigDir>/store.json`). */
  path: string;
  /** File access; writes go through `writeFileAtomic` (0600). */
  fileIo: FileIo;
}

/** The clear-text `json` store; every mutation re-reads the file and changes only its key. */
export class JsonFileBackend implements SecretBackend {
  /** Always `json`. */
  readonly kind = "json" as const;
  readonly #path: string;
  readonly #io: FileIo;

  /** Creates the backend; nothing is read until first use. */
  constructor(options: JsonFileBackendOptions) {
    this.#path = options.path;
    this.#io = options.fileIo;
  }

  /** The file this store uses. */
  get path(): string {
    return this.#path;
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const doc = await this.#read();
    if (doc === undefined) return undefined;
    const slot = slotOf(key);
    let value: unknown;
    if ("field" in slot) {
      value = getOwn(doc, slot.field);
    } else {
      const section = getOwn(doc, slot.section);
      value = isObject(section) ? getOwn(section, slot.name) : undefined;
    }
    return value === undefined ? undefined : decodeValue(value, key, this.#path);
  }

  /** Creates or replaces the value. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const doc = await this.#read() ?? {};
    const slot = slotOf(key);
    if ("field" in slot) {
      setOwn(doc, slot.field, encodeValue(value));
    } else {
      let section = getOwn(doc, slot.section);
      if (!isObject(section)) {
        section = {};
        setOwn(doc, slot.section, section);
      }
      setOwn(section as Json, slot.name, encodeValue(value));
    }
    await this.#write(doc);
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    const doc = await this.#read();
    if (doc === undefined) return false;
    const slot = slotOf(key);
    const holder = "field" in slot ? doc : getOwn(doc, slot.section);
    const name = "field" in slot ? slot.field : slot.name;
    if (!isObject(holder) || !Object.hasOwn(holder, name)) return false;
    delete holder[name];
    await this.#write(doc);
    return true;
  }

  /** Lists the keys present, sorted. */
  async keys(): Promise<string[]> {
    const doc = await this.#read();
    if (doc === undefined) return [];
    const keys: string[] = [];
    for (const [prefix, field] of [...SECTIONS, ["", OTHER] as const]) {
      const section = getOwn(doc, field);
      if (isObject(section)) { for (const name of Object.keys(section)) keys.push(prefix + name); }
    }
    for (const [key, field] of SCALARS) if (getOwn(doc, field) !== undefined) keys.push(key);
    // A key under Other that looks like a mapped one cannot be told apart; list it once.
    return [...new Set(keys)].sort();
  }

  async #read(): Promise<Json | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#io.readFile(this.#path);
    } catch (e) {
      // A directory in the way, or no permission: say which file, not a bare OS error.
      throw new StoreError(`Cannot read the json SecureStore ${this.#path}: ${osReason(e)}`, {
        hints: [`check that ${this.#path} is a file you can read and write`],
        cause: e,
      });
    }
    if (bytes === undefined) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(fromUtf8(bytes));
    } catch (e) {
      throw new StoreError(`The json SecureStore ${this.#path} is not valid JSON`, {
        hints: [`fix or remove ${this.#path}, then run "aws-sso login" again`],
        cause: e,
      });
    }
    if (!isObject(doc)) {
      throw new StoreError(`The json SecureStore ${this.#path} does not hold a JSON object`, {
        hints: [`fix or remove ${this.#path}, then run "aws-sso login" again`],
      });
    }
    return doc;
  }

  async #write(doc: Json): Promise<void> {
    await this.#io.writeFileAtomic(this.#path, utf8(`${JSON.stringify(doc, null, 2)}\n`), 0o600);
  }
}
