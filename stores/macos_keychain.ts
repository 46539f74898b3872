/**
 * The `keychain` SecureStore: one generic-password item per key in the macOS keychain, through
 * the `security` program. Service `aws-sso-cli`, account = the key, value = base64 text.
 *
 * Writes use `security -i`, which reads its commands from stdin, so the secret is never on any
 * process's argv. (A bare trailing `-w` would make `add-generic-password` prompt twice through
 * readpassphrase(3), which reads the controlling terminal, not stdin, when there is one.)
 * Items created by `security` trust `security` itself, so later reads do not prompt.
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

/** The keychain service name of every item. */
export const KEYCHAIN_SERVICE = "aws-sso-cli";

const PROGRAM = "security";
/** `security` exits 44 (errSecItemNotFound) when no item matches. */
const NOT_FOUND = 44;
const TIMEOUT_MS = 120_000;

/** Options for {@link MacosKeychainBackend}. */
export interface MacosKeychainBackendOptions {
  /** Runs `security`. */
  runner: CommandRunner;
  /** The service name (default {@link KEYCHAIN_SERVICE}); tests use their own. */
  service?: string;
  /** A keychain file to use instead of the default keychain (tests use a throwaway one). */
  keychain?: string;
}

/** Secrets as macOS keychain generic passwords, one per key. */
export class MacosKeychainBackend implements SecretBackend {
  /** Always `keychain`. */
  readonly kind = "keychain" as const;
  readonly #runner: CommandRunner;
  readonly #service: string;
  readonly #keychain: string[];

  /** Creates the backend; nothing runs until first use. */
  constructor(options: MacosKeychainBackendOptions) {
    this.#runner = options.runner;
    this.#service = options.service ?? KEYCHAIN_SERVICE;
    this.#keychain = options.keychain === undefined ? [] : [options.keychain];
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const out = await this.#run(
      ["find-generic-password", "-s", this.#service, "-a", key, "-w", ...this.#keychain],
    );
    if (out.code === NOT_FOUND) return undefined;
    this.#check(out, "find-generic-password");
    const value = fromBase64(fromUtf8(out.stdout));
    if (value === undefined) {
      throw new StoreError(
        `The keychain item ${this.#service}/${key} is not base64; it was not written by aws-sso`,
        {
          hints: [`remove it: security delete-generic-password -s ${this.#service} -a '${key}'`],
        },
      );
    }
    return value;
  }

  /** Creates or replaces the value; the whole command, secret included, goes on stdin. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const secret = toBase64(value);
    const words = [
      "add-generic-password",
      "-U",
      "-s",
      quote(this.#service),
      "-a",
      quote(key),
      "-l",
      quote(`${this.#service} ${key}`),
      "-w",
      quote(secret),
      ...this.#keychain.map(quote),
    ];
    const out = await this.#run(["-i"], utf8(`${words.join(" ")}\n`));
    // `security -i` keeps going after a failed command and may still exit 0: stderr tells.
    if (out.code !== 0 || fromUtf8(out.stderr).trim() !== "") {
      this.#check({ ...out, code: out.code || 1 }, "add-generic-password", secret);
    }
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    const out = await this.#run(
      ["delete-generic-password", "-s", this.#service, "-a", key, ...this.#keychain],
    );
    if (out.code === NOT_FOUND) return false;
    this.#check(out, "delete-generic-password");
    return true;
  }

  /** Lists the keys present, sorted, from `security dump-keychain` (attributes only, no secrets). */
  async keys(): Promise<string[]> {
    const out = await this.#run(["dump-keychain", ...this.#keychain]);
    this.#check(out, "dump-keychain");
    return parseKeychainDump(fromUtf8(out.stdout), this.#service);
  }

  #run(args: string[], stdin?: Uint8Array): Promise<CommandResult> {
    return this.#runner.run(PROGRAM, args, { stdin, timeoutMs: TIMEOUT_MS });
  }

  #check(out: CommandResult, what: string, secret?: string): void {
    if (out.code === 0) return;
    const detail = describeOutput(out.stderr, secret);
    if (/interaction is not allowed|keychain is locked|could not be unlocked/i.test(detail)) {
      throw new BackendUnavailableError(`The macOS keychain is locked: ${detail}`, {
        hints: ["unlock it (security unlock-keychain) or log in to the desktop session"],
      });
    }
    throw new StoreError(`security ${what} failed (exit ${out.code}): ${detail}`);
  }
}

/**
 * Double-quotes one word of a `security -i` command line. Words that would need escaping are
 * refused rather than escaped: keys are printable ASCII and values base64.
 */
function quote(word: string): string {
  // deno-lint-ignore no-control-regex
  if (/["\\\x00-\x1f\x7f]/.test(word)) {
    throw new StoreError(
      `Cannot store ${
        JSON.stringify(word)
      } in the macOS keychain: it contains a quote, backslash or control character`,
    );
  }
  return `"${word}"`;
}

/** Account names of the generic passwords with service `service` in a `dump-keychain` listing. */
export function parseKeychainDump(dump: string, service: string): string[] {
  const keys = new Set<string>();
  let account: string | undefined;
  let itemService: string | undefined;
  let generic = false;
  const flush = () => {
    if (generic && itemService === service && account !== undefined) keys.add(account);
    account = itemService = undefined;
    generic = false;
  };
  for (const line of dump.split("\n")) {
    if (line.startsWith("keychain: ")) {
      flush();
      continue;
    }
    if (line.startsWith("class: ")) generic = line.trim() === 'class: "genp"';
    const acct = attribute(line, '"acct"<blob>=');
    if (acct !== undefined) account = acct;
    const svce = attribute(line, '"svce"<blob>=');
    if (svce !== undefined) itemService = svce;
  }
  flush();
  return [...keys].sort();
}

/** The value of one attribute line: `"..."`, or `0x<hex>  "..."` when it has odd bytes. */
function attribute(line: string, prefix: string): string | undefined {
  const text = line.trim();
  if (!text.startsWith(prefix)) return undefined;
  const value = text.slice(prefix.length);
  const hex = /^0x([0-9A-Fa-f]+)/.exec(value);
  if (hex?.[1] !== undefined) {
    return hex[1].length % 2 === 0 ? fromUtf8(Uint8Array.fromHex(hex[1])) : undefined;
  }
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  return undefined;
}
