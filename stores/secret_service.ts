/**
 * The `secret-service` SecureStore: one Secret Service item per key (GNOME Keyring, KeePassXC,
 * KWallet's Secret Service bridge...) through libsecret's `secret-tool`.
 *
 * Items carry the attributes `service aws-sso-cli` and `key <key>` and the label
 * `aws-sso-cli <key>`; values are base64 text (a Secret Service secret is text to most tools).
 * The secret goes to `secret-tool store` on stdin. `secret-tool` can store into an existing
 * collection (`--collection`) but cannot create one, so items go to the `SecretServiceCollection`
 * collection when it exists (the reference tool created `awsssocli`); when the default
 * `awsssocli` does not exist they go to the user's default collection, while a collection the
 * user named explicitly must exist. Lookups search every collection. Listing reads only item
 * attributes, over D-Bus (`dbus-send`), never the secrets.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type CommandResult,
  type CommandRunner,
  type SecretBackend,
  StoreError,
} from "./backend.ts";
import { describeOutput, fromBase64, fromUtf8, toBase64, utf8 } from "./_encoding.ts";

/** The reference tool's collection name, used when `SecretServiceCollection` is not set. */
export const DEFAULT_SECRET_SERVICE_COLLECTION = "awsssocli";
/** The `service` attribute of every item. */
export const SECRET_SERVICE_NAME = "aws-sso-cli";

const PROGRAM = "secret-tool";
/** Lists keys over D-Bus without reading secrets (Debian `dbus-bin`). */
const DBUS_SEND = "dbus-send";
const SECRETS_PATH = "/org/freedesktop/secrets";
/** How many item attribute reads run at once. */
const DBUS_PARALLEL = 8;
/** Long enough for the user to answer an unlock prompt; short of hanging forever on a headless box. */
const DEFAULT_TIMEOUT_MS = 120_000;
const COLLECTION_BASE_PATH = "/org/freedesktop/secrets/collection/";

const UNAVAILABLE_HINTS = [
  "make sure a Secret Service (GNOME Keyring, KeePassXC) is running and unlocked in this session",
  'or choose another store, e.g. "SecureStore: file" in config.yaml',
];

/** Options for {@link SecretServiceBackend}. */
export interface SecretServiceBackendOptions {
  /** Runs `secret-tool`. */
  runner: CommandRunner;
  /** `SecretServiceCollection` (default {@link DEFAULT_SECRET_SERVICE_COLLECTION}). */
  collection?: string;
  /** The `service` attribute (default {@link SECRET_SERVICE_NAME}); tests use their own. */
  service?: string;
  /** Per-call limit in ms (default 120 s). */
  timeoutMs?: number;
}

/** Secrets as Secret Service items, one per key. */
export class SecretServiceBackend implements SecretBackend {
  /** Always `secret-service`. */
  readonly kind = "secret-service" as const;
  readonly #runner: CommandRunner;
  readonly #collection: string;
  readonly #service: string;
  readonly #timeoutMs: number;
  /** Set once `secret-tool` said the default collection does not exist. */
  #useDefaultCollection = false;

  /** Creates the backend; nothing runs until first use. */
  constructor(options: SecretServiceBackendOptions) {
    this.#runner = options.runner;
    this.#collection = options.collection || DEFAULT_SECRET_SERVICE_COLLECTION;
    this.#service = options.service ?? SECRET_SERVICE_NAME;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * True when a Secret Service answers on D-Bus within `timeoutMs` (a search for an attribute
   * nobody uses succeeds quickly; it fails at once without a session bus).
   */
  static async probe(runner: CommandRunner, timeoutMs = 2000): Promise<boolean> {
    if (!await runner.available(PROGRAM)) return false;
    const out = await runner.run(PROGRAM, ["search", "service", "aws-sso-cli-probe"], {
      timeoutMs,
    });
    return out.code === 0;
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const out = await this.#run(["lookup", ...this.#attributes(key)]);
    if (isMiss(out)) return undefined;
    this.#check(out, "lookup");
    const value = fromBase64(fromUtf8(out.stdout));
    if (value === undefined) {
      throw new StoreError(
        `The Secret Service item for "${key}" is not base64; it was not written by aws-sso`,
        {
          hints: [`remove it: secret-tool clear service ${this.#service} key '${key}'`],
        },
      );
    }
    return value;
  }

  /** Creates or replaces the value; the secret travels on stdin. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const secret = toBase64(value);
    const store = (collection: string[]) =>
      this.#run(
        ["store", `--label=${this.#service} ${key}`, ...collection, ...this.#attributes(key)],
        utf8(secret),
      );
    let out = await store(this.#collectionArgs());
    if (out.code !== 0 && !this.#useDefaultCollection && collectionMissing(out)) {
      if (this.#collection !== DEFAULT_SECRET_SERVICE_COLLECTION) {
        throw new BackendUnavailableError(
          `The Secret Service collection "${this.#collection}" does not exist`,
          {
            hints: [
              `create it (e.g. with Seahorse, "Passwords and Keys"), or remove SecretServiceCollection from config.yaml to use the default collection`,
            ],
          },
        );
      }
      this.#useDefaultCollection = true;
      out = await store([]);
    }
    this.#check(out, "store", secret);
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    const out = await this.#run(["clear", ...this.#attributes(key)]);
    if (isMiss(out)) return false;
    this.#check(out, "clear");
    return true;
  }

  /**
   * Lists the keys present, sorted (unlocked collections only: listing never prompts), without
   * reading a secret: through D-Bus with `dbus-send` when installed (why: see `#dbusKeys`),
   * else from `secret-tool search`, which cannot leave the secrets out.
   */
  async keys(): Promise<string[]> {
    if (await this.#runner.available(DBUS_SEND)) return await this.#dbusKeys();
    const out = await this.#run(["search", "--all", "service", this.#service]);
    this.#check(out, "search");
    // secret-tool prints attributes as `attribute.key = <value>` (on stderr in libsecret 0.20,
    // stdout in others); values are base64, so no secret line can start like that.
    const text = `${fromUtf8(out.stdout)}\n${fromUtf8(out.stderr)}`;
    const keys = new Set<string>();
    for (const line of text.split("\n")) {
      if (line.startsWith("attribute.key = ")) keys.add(line.slice("attribute.key = ".length));
    }
    return [...keys].sort();
  }

  /**
   * `secret-tool search` always loads every matching secret (libsecret's secret-tool passes
   * SECRET_SEARCH_LOAD_SECRETS) and prints `secret = ...`: listing the keys would pull every
   * token and role credential through a pipe into this process. The Secret Service API itself
   * separates the two: `Service.SearchItems` answers object paths (unlocked, locked) and an
   * item's `Attributes` property holds no secret. The cost is one `dbus-send` per item
   * (~3 ms each), paid only by `flush`; locked items are skipped, as `secret-tool` does.
   * dbus-send prints strings unescaped: a key is read up to the last quote of its line, which
   * holds for every key aws-sso writes (no newlines).
   */
  async #dbusKeys(): Promise<string[]> {
    const found = await this.#dbusSend([
      SECRETS_PATH,
      "org.freedesktop.Secret.Service.SearchItems",
      `dict:string:string:service,${this.#service}`,
    ]);
    this.#check(found, "SearchItems", undefined, DBUS_SEND);
    // The reply is two arrays of object paths: unlocked items, then locked ones.
    const unlocked: string[] = [];
    let arrays = 0;
    for (const line of fromUtf8(found.stdout).split("\n")) {
      if (/^\s*array \[/.test(line)) arrays++;
      const path = /^\s*object path "(.*)"$/.exec(line)?.[1];
      if (arrays === 1 && path !== undefined) unlocked.push(path);
    }
    const keys = new Set<string>();
    for (let i = 0; i < unlocked.length; i += DBUS_PARALLEL) {
      const replies = await Promise.all(
        unlocked.slice(i, i + DBUS_PARALLEL).map((path) =>
          this.#dbusSend([
            path,
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Item",
            "string:Attributes",
          ])
        ),
      );
      for (const reply of replies) {
        // An item deleted since the search answers an error: it is simply gone.
        if (reply.code !== 0) continue;
        const strings = fromUtf8(reply.stdout).split("\n")
          .map((line) => /^\s*string "(.*)"$/.exec(line)?.[1])
          .filter((v) => v !== undefined);
        const attributes = new Map<string, string>();
        for (let j = 0; j + 1 < strings.length; j += 2) {
          attributes.set(strings[j]!, strings[j + 1]!);
        }
        const key = attributes.get("key");
        if (attributes.get("service") === this.#service && key !== undefined) keys.add(key);
      }
    }
    return [...keys].sort();
  }

  #dbusSend(args: string[]): Promise<CommandResult> {
    return this.#runner.run(DBUS_SEND, [
      "--session",
      "--print-reply",
      `--reply-timeout=${this.#timeoutMs}`,
      "--dest=org.freedesktop.secrets",
      ...args,
    ], { timeoutMs: this.#timeoutMs });
  }

  #attributes(key: string): string[] {
    return ["service", this.#service, "key", key];
  }

  #collectionArgs(): string[] {
    if (this.#useDefaultCollection) return [];
    const c = this.#collection;
    const path = c.startsWith("/") ? c : COLLECTION_BASE_PATH + c;
    // libsecret asserts on an invalid D-Bus object path and then hangs: refuse it up front.
    if (!/^(\/[A-Za-z0-9_]+)+$/.test(path)) {
      throw new BackendUnavailableError(
        `SecretServiceCollection "${c}" is not a valid collection name`,
        {
          hints: ["use letters, digits and _ only (e.g. awsssocli), or a D-Bus object path"],
        },
      );
    }
    return [`--collection=${path}`];
  }

  #run(args: string[], stdin?: Uint8Array): Promise<CommandResult> {
    return this.#runner.run(PROGRAM, args, { stdin, timeoutMs: this.#timeoutMs });
  }

  #check(out: CommandResult, what: string, secret?: string, program = PROGRAM): void {
    if (out.code === 0) return;
    throw new BackendUnavailableError(
      `${program} ${what} failed (exit ${out.code}): ${describeOutput(out.stderr, secret)}`,
      { hints: UNAVAILABLE_HINTS },
    );
  }
}

/** `lookup` and `clear` exit 1 with nothing on stderr when no item matches. */
function isMiss(out: CommandResult): boolean {
  return out.code === 1 && fromUtf8(out.stderr).trim() === "";
}

function collectionMissing(out: CommandResult): boolean {
  return /does not exist|no such object|unknownobject/i.test(fromUtf8(out.stderr));
}
