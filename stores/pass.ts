/**
 * The `pass` SecureStore: one GPG-encrypted entry per key in the standard Unix password store,
 * under `aws-sso-cli/`. Values are base64 text passed to `pass insert` on stdin.
 *
 * Key names become one safe path segment each: bytes outside `[A-Za-z0-9_-]` are written as
 * `%XX` (so `role-credentials:arn:aws:iam::1:role/Admin` is one file, never a directory, and
 * never a dot file). `keys()` lists the folder directly instead of parsing `pass ls`' tree.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type CommandResult,
  type CommandRunner,
  type FileIo,
  type SecretBackend,
  StoreError,
} from "./backend.ts";
import { describeOutput, fromBase64, fromUtf8, toBase64, utf8 } from "./_encoding.ts";

/** The folder inside the password store that holds aws-sso's entries. */
export const PASS_FOLDER = "aws-sso-cli";

const PROGRAM = "pass";

/** Hint for a store that `pass init` never set up. */
export const PASS_INIT_HINT = "initialise the password store first: pass init <gpg-id>";

/** Encodes a key as one file-name segment, reversibly. */
export function encodePassSegment(key: string): string {
  let out = "";
  for (const byte of utf8(key)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Reverses {@link encodePassSegment}; `undefined` for names it did not produce. */
export function decodePassSegment(segment: string): string | undefined {
  if (!/^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})*$/.test(segment)) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Options for {@link PassBackend}. */
export interface PassBackendOptions {
  /** Runs `pass`. */
  runner: CommandRunner;
  /** File access (existence checks). */
  fileIo: FileIo;
  /** The password store: `$PASSWORD_STORE_DIR`, else `~/.password-store` (cli/ resolves it). */
  storeDir: string;
  /** Extra environment for `pass` (e.g. `GNUPGHOME`); `PASSWORD_STORE_DIR` is always set. */
  env?: Record<string, string>;
}

/** Secrets as `pass` entries, one per key. */
export class PassBackend implements SecretBackend {
  /** Always `pass`. */
  readonly kind = "pass" as const;
  readonly #runner: CommandRunner;
  readonly #io: FileIo;
  readonly #dir: string;
  readonly #env: Record<string, string>;

  /** Creates the backend; nothing runs until first use. */
  constructor(options: PassBackendOptions) {
    this.#runner = options.runner;
    this.#io = options.fileIo;
    this.#dir = options.storeDir;
    this.#env = { ...options.env, PASSWORD_STORE_DIR: options.storeDir };
  }

  /** True when `pass` is on PATH and the store at `storeDir` was initialised (`.gpg-id`). */
  static async isUsable(runner: CommandRunner, fileIo: FileIo, storeDir: string): Promise<boolean> {
    return await runner.available(PROGRAM) &&
      await fileIo.readFile(`${storeDir}/.gpg-id`) !== undefined;
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    if (!await this.#exists(key)) return undefined;
    const out = await this.#run(["show", this.#entry(key)]);
    this.#check(out, "show");
    const value = fromBase64(fromUtf8(out.stdout));
    if (value === undefined) {
      throw new StoreError(
        `The pass entry ${this.#entry(key)} is not base64; it was not written by aws-sso`,
        {
          hints: [`remove it: pass rm ${this.#entry(key)}`],
        },
      );
    }
    return value;
  }

  /** Creates or replaces the value; the secret travels on stdin. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const secret = toBase64(value);
    const out = await this.#run(["insert", "-m", "-f", this.#entry(key)], utf8(`${secret}\n`));
    this.#check(out, "insert", secret);
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    if (!await this.#exists(key)) return false;
    this.#check(await this.#run(["rm", "-f", this.#entry(key)]), "rm");
    return true;
  }

  /** Lists the keys present, sorted. */
  async keys(): Promise<string[]> {
    const keys: string[] = [];
    try {
      for await (const entry of Deno.readDir(`${this.#dir}/${PASS_FOLDER}`)) {
        if (!entry.isFile || !entry.name.endsWith(".gpg")) continue;
        const key = decodePassSegment(entry.name.slice(0, -".gpg".length));
        if (key !== undefined) keys.push(key);
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
    return keys.sort();
  }

  #entry(key: string): string {
    return `${PASS_FOLDER}/${encodePassSegment(key)}`;
  }

  async #exists(key: string): Promise<boolean> {
    return await this.#io.readFile(`${this.#dir}/${this.#entry(key)}.gpg`) !== undefined;
  }

  #run(args: string[], stdin?: Uint8Array): Promise<CommandResult> {
    return this.#runner.run(PROGRAM, args, { stdin, env: this.#env });
  }

  #check(out: CommandResult, what: string, secret?: string): void {
    if (out.code === 0) return;
    const detail = describeOutput(out.stderr, secret);
    if (/pass init/.test(detail)) {
      throw new BackendUnavailableError(`The password store ${this.#dir} is not initialised`, {
        hints: [PASS_INIT_HINT],
      });
    }
    throw new StoreError(`pass ${what} failed (exit ${out.code}): ${detail}`, {
      hints: [
        "check that gpg can use the key the password store is encrypted for (gpg-agent, pinentry)",
      ],
    });
  }
}
