/**
 * The `kwallet` SecureStore: one password entry per key in the KDE Wallet, folder
 * `aws-sso-cli` of the user's network wallet (`kdewallet` unless changed in KDE's settings),
 * value = base64 text.
 *
 * KWallet has no command-line tool that does everything with the secret off argv, so two are
 * combined: `dbus-send` talks to kwalletd (org.kde.kwalletd6, else org.kde.kwalletd5) for
 * reading, listing, deleting and creating entries, and `kwallet-query -w` writes the value,
 * which it reads from stdin. `kwallet-query -w` only replaces an entry that already exists, so
 * a new key is first created over D-Bus holding {@link PLACEHOLDER}, which readers treat as
 * absent (it is not base64). No secret is ever a `dbus-send` argument.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type CommandRunner,
  type SecretBackend,
  StoreError,
} from "./backend.ts";
import { describeOutput, fromBase64, fromUtf8, toBase64, utf8 } from "./_encoding.ts";

/** The wallet folder, and the application name aws-sso opens the wallet as (as the reference). */
export const KWALLET_FOLDER = "aws-sso-cli";
/** The value a new entry holds until `kwallet-query` writes the real one. */
export const PLACEHOLDER = "-";

const DBUS_SEND = "dbus-send";
const QUERY = "kwallet-query";
/** The kwalletd D-Bus services, newest first: Plasma 6 runs kwalletd6, Plasma 5 kwalletd5. */
export const KWALLET_SERVICES = ["kwalletd6", "kwalletd5"] as const;
/** kwalletd may ask the user to unlock the wallet: leave time to type the password. */
const TIMEOUT_MS = 120_000;

/** Options for {@link KWalletBackend}. */
export interface KWalletBackendOptions {
  /** Runs `dbus-send` and `kwallet-query`. */
  runner: CommandRunner;
  /** The wallet folder (default {@link KWALLET_FOLDER}); tests use their own. */
  folder?: string;
  /** How long one program may run (default 120 s: kwalletd may be asking for the password). */
  timeoutMs?: number;
}

/** The kwalletd a call goes to, and the wallet it opened. */
interface Session {
  daemon: typeof KWALLET_SERVICES[number];
  wallet: string;
  handle: string;
}

/** Secrets as KDE Wallet password entries, one per key. */
export class KWalletBackend implements SecretBackend {
  /** Always `kwallet`. */
  readonly kind = "kwallet" as const;
  readonly #runner: CommandRunner;
  readonly #folder: string;
  readonly #timeoutMs: number;
  #session: Promise<Session> | undefined;

  /** Creates the backend; nothing runs until first use. */
  constructor(options: KWalletBackendOptions) {
    this.#runner = options.runner;
    this.#folder = options.folder ?? KWALLET_FOLDER;
    this.#timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  }

  /** True when a kwalletd answers on the session bus and is enabled (auto-detection). */
  static async probe(runner: CommandRunner, timeoutMs = 2000): Promise<boolean> {
    if (!await runner.available(DBUS_SEND) || !await runner.available(QUERY)) return false;
    return await findDaemon(runner, timeoutMs) !== undefined;
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const s = await this.#open();
    const text = parseString(await this.#call(s, "readPassword", this.#entry(s, key)));
    if (text === PLACEHOLDER) return undefined;
    // readPassword answers "" both for a missing entry and for an empty value.
    if (text === "" && !await this.#has(s, key)) return undefined;
    const value = fromBase64(text);
    if (value === undefined) {
      throw new StoreError(
        `The KWallet entry ${this.#folder}/${key} is not base64; it was not written by aws-sso`,
        { hints: [`remove it with KWalletManager (wallet ${s.wallet}, folder ${this.#folder})`] },
      );
    }
    return value;
  }

  /** Creates or replaces the value; the secret goes to `kwallet-query` on stdin. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const s = await this.#open();
    if (!await this.#has(s, key)) {
      await this.#call(s, "createFolder", [`int32:${s.handle}`, this.#str(this.#folder), appId]);
      const created = parseInt32(
        await this.#call(s, "writePassword", [
          ...this.#entry(s, key).slice(0, 3),
          this.#str(PLACEHOLDER),
          appId,
        ]),
      );
      if (created !== 0) {
        throw new StoreError(`KWallet could not create the entry ${this.#folder}/${key}`);
      }
    }
    const secret = toBase64(value);
    const out = await this.#runner.run(
      QUERY,
      ["-f", this.#folder, "-w", key, s.wallet],
      { stdin: utf8(secret), timeoutMs: this.#timeoutMs },
    );
    // kwallet-query exits 0 even when it could not write: its stderr tells.
    const detail = describeOutput(out.stderr, secret);
    if (out.code !== 0 || /failed to|does not exist|not found/i.test(detail)) {
      throw new StoreError(`kwallet-query -w failed (exit ${out.code}): ${detail}`);
    }
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    const s = await this.#open();
    if (!await this.#has(s, key)) return false;
    const rc = parseInt32(await this.#call(s, "removeEntry", this.#entry(s, key)));
    if (rc !== 0) throw new StoreError(`KWallet could not remove ${this.#folder}/${key} (${rc})`);
    return true;
  }

  /** Lists the keys present, sorted. */
  async keys(): Promise<string[]> {
    const s = await this.#open();
    const out = await this.#call(s, "entryList", [
      `int32:${s.handle}`,
      this.#str(this.#folder),
      appId,
    ]);
    return parseStrings(out).sort();
  }

  async #has(s: Session, key: string): Promise<boolean> {
    return parseBoolean(await this.#call(s, "hasEntry", this.#entry(s, key)));
  }

  /** `handle folder key appid`, the arguments of the per-entry methods. */
  #entry(s: Session, key: string): string[] {
    return [`int32:${s.handle}`, this.#str(this.#folder), this.#str(key), appId];
  }

  /** A dbus-send string argument (the text after `string:` is taken as it is). */
  #str(text: string): string {
    return `string:${text}`;
  }

  #open(): Promise<Session> {
    this.#session ??= this.#connect().catch((e) => {
      this.#session = undefined;
      throw e;
    });
    return this.#session;
  }

  async #connect(): Promise<Session> {
    const daemon = await findDaemon(this.#runner, this.#timeoutMs);
    if (daemon === undefined) {
      throw new BackendUnavailableError("No KDE Wallet daemon (kwalletd) answers on D-Bus", {
        hints: [
          "log in to a KDE Plasma session, or enable the wallet in System Settings > KDE Wallet",
          "or choose another SecureStore in config.yaml",
        ],
      });
    }
    const partial = { daemon, wallet: "", handle: "0" };
    const wallet = parseString(await this.#call(partial, "networkWallet", []));
    if (wallet === "") throw new BackendUnavailableError("KWallet names no network wallet");
    const handle = parseInt32(
      await this.#call({ ...partial, wallet }, "open", [
        this.#str(wallet),
        "int64:0",
        appId,
      ]),
    );
    if (handle < 0) {
      throw new BackendUnavailableError(`KWallet did not open the wallet ${wallet}`, {
        hints: ["unlock the wallet (KWalletManager) and allow aws-sso-cli to use it"],
      });
    }
    return { daemon, wallet, handle: String(handle) };
  }

  async #call(s: Session, method: string, args: string[]): Promise<string> {
    const out = await this.#runner.run(DBUS_SEND, dbusArgs(s.daemon, method, args), {
      timeoutMs: this.#timeoutMs,
    });
    if (out.code !== 0) {
      throw new StoreError(
        `KWallet ${method} failed (exit ${out.code}): ${describeOutput(out.stderr)}`,
      );
    }
    return fromUtf8(out.stdout);
  }
}

const appId = `string:${KWALLET_FOLDER}`;

/** `dbus-send` arguments calling `org.kde.KWallet.<method>` on one kwalletd. */
export function dbusArgs(daemon: string, method: string, args: string[]): string[] {
  return [
    "--session",
    "--print-reply",
    `--dest=org.kde.${daemon}`,
    `/modules/${daemon}`,
    `org.kde.KWallet.${method}`,
    ...args,
  ];
}

async function findDaemon(
  runner: CommandRunner,
  timeoutMs: number,
): Promise<typeof KWALLET_SERVICES[number] | undefined> {
  for (const daemon of KWALLET_SERVICES) {
    const out = await runner.run(DBUS_SEND, dbusArgs(daemon, "isEnabled", []), { timeoutMs });
    if (out.code === 0 && parseBoolean(fromUtf8(out.stdout))) return daemon;
  }
  return undefined;
}

/** The value lines of a `dbus-send --print-reply` answer (the first line is the header). */
function values(reply: string): string[] {
  return reply.split("\n").slice(1).map((l) => l.trim()).filter((l) => l !== "");
}

function parseString(reply: string): string {
  const line = values(reply).find((l) => l.startsWith('string "'));
  if (line === undefined || !line.endsWith('"')) {
    throw new StoreError(`Unexpected answer from kwalletd: ${reply.slice(0, 200)}`);
  }
  return line.slice('string "'.length, -1);
}

function parseStrings(reply: string): string[] {
  return values(reply)
    .filter((l) => l.startsWith('string "') && l.endsWith('"'))
    .map((l) => l.slice('string "'.length, -1));
}

function parseInt32(reply: string): number {
  const m = /^int32 (-?\d+)$/m.exec(values(reply).join("\n"));
  if (m === null) throw new StoreError(`Unexpected answer from kwalletd: ${reply.slice(0, 200)}`);
  return Number(m[1]);
}

function parseBoolean(reply: string): boolean {
  return values(reply).includes("boolean true");
}
