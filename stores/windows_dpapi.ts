/**
 * The `wincred` SecureStore on Windows: values protected with DPAPI (CurrentUser scope) by a
 * fixed PowerShell script, kept in one JSON file `<ConfigDir>/secure/dpapi-store.json`.
 *
 * Why DPAPI blobs in a file rather than Credential Manager: Credential Manager has no
 * PowerShell cmdlet, so every call would compile a C# P/Invoke shim with Add-Type (about a
 * second, and a pattern antivirus tools flag), and its 2,560-byte blob limit forces chunking
 * (the reference splits into 2,000-byte parts) with no atomic multi-part update. DPAPI is the
 * protection Credential Manager itself relies on, tied to the user's Windows logon; with the
 * blobs in one file, writes are atomic through FileIo and follow the same re-read-and-change-
 * one-key rule as the other file stores, and `keys()` needs no directory listing.
 *
 * Nothing secret is on argv: the script is fixed (passed as `-EncodedCommand`), and the
 * operation, the entropy and the data go on stdin as three lines of text. The key name is the
 * DPAPI "optional entropy" (`aws-sso-cli:<key>`), so a blob moved to another key fails to
 * unprotect. Each PowerShell start costs a few hundred ms on Windows; a later version could
 * call CryptProtectData through Deno FFI instead.
 *
 * @module
 */
import {
  type CommandResult,
  type CommandRunner,
  DecryptionError,
  type FileIo,
  type SecretBackend,
  StoreError,
} from "./backend.ts";
import { describeOutput, fromBase64, fromUtf8, toBase64, utf8 } from "./_encoding.ts";

/** The `format` field of the DPAPI store file. */
export const DPAPI_STORE_FORMAT = "aws-sso-dpapi-store";

/** The program that runs the DPAPI script (Windows PowerShell 5.1 ships with every Windows). */
export const POWERSHELL = "powershell.exe";

/** `<ConfigDir>/secure/dpapi-store.json`. */
export function dpapiStorePath(configDir: string): string {
  return `${configDir}/secure/dpapi-store.json`;
}

/** The fixed script: reads `protect|unprotect`, base64 entropy, base64 data; prints base64. */
export const DPAPI_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "try {",
  "  Add-Type -AssemblyName System.Security",
  "  $lines = [Console]::In.ReadToEnd().Split([char]10)",
  "  $entropy = [Convert]::FromBase64String($lines[1].Trim())",
  "  $data = [Convert]::FromBase64String($lines[2].Trim())",
  "  $scope = [System.Security.Cryptography.DataProtectionScope]::CurrentUser",
  "  switch ($lines[0].Trim()) {",
  "    'protect' { $out = [System.Security.Cryptography.ProtectedData]::Protect($data, $entropy, $scope) }",
  "    'unprotect' { $out = [System.Security.Cryptography.ProtectedData]::Unprotect($data, $entropy, $scope) }",
  "    default { throw 'unknown operation' }",
  "  }",
  "  [Console]::Out.Write([Convert]::ToBase64String($out))",
  "  exit 0",
  "} catch {",
  "  $e = $_.Exception",
  "  while ($null -ne $e -and -not ($e -is [System.Security.Cryptography.CryptographicException])) { $e = $e.InnerException }",
  "  if ($null -ne $e) { [Console]::Error.Write($e.Message); exit 3 }",
  "  [Console]::Error.Write($_.Exception.Message)",
  "  exit 2",
  "}",
].join("\n");

/** The exact PowerShell arguments; identical for every call. */
export const DPAPI_ARGS: readonly string[] = [
  "-NoLogo",
  "-NoProfile",
  "-NonInteractive",
  "-EncodedCommand",
  utf16leBase64(DPAPI_SCRIPT),
];

/** Exit code of the script when DPAPI refuses the blob (wrong user, wrong entropy, damaged). */
const CRYPTO_FAILURE = 3;
/** First byte of every protected plaintext: keeps empty values non-empty and marks the version. */
const PLAINTEXT_VERSION = 1;
const TIMEOUT_MS = 60_000;

/** `text` as UTF-16LE bytes in base64: what PowerShell's `-EncodedCommand` takes. */
export function utf16leBase64(text: string): string {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >> 8;
  }
  return toBase64(bytes);
}

/** Options for {@link WindowsDpapiBackend}. */
export interface WindowsDpapiBackendOptions {
  /** Runs PowerShell. */
  runner: CommandRunner;
  /** File access; writes go through `writeFileAtomic`. */
  fileIo: FileIo;
  /** The store file, normally {@link dpapiStorePath}. */
  path: string;
}

/** Secrets protected by Windows DPAPI for the current user. */
export class WindowsDpapiBackend implements SecretBackend {
  /** Always `wincred`. */
  readonly kind = "wincred" as const;
  readonly #runner: CommandRunner;
  readonly #io: FileIo;
  readonly #path: string;

  /** Creates the backend; nothing runs until first use. */
  constructor(options: WindowsDpapiBackendOptions) {
    this.#runner = options.runner;
    this.#io = options.fileIo;
    this.#path = options.path;
  }

  /** The file this store uses. */
  get path(): string {
    return this.#path;
  }

  /** Returns the value, or `undefined`. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const blob = (await this.#read()).get(key);
    if (blob === undefined) return undefined;
    const out = await this.#dpapi("unprotect", key, blob);
    if (out.code === CRYPTO_FAILURE) {
      throw new DecryptionError(
        `Cannot decrypt "${key}" in ${this.#path}: DPAPI refused it (another Windows user, or the file was modified)`,
        { hints: [`delete ${this.#path} and run "aws-sso login" again`] },
      );
    }
    const plain = this.#result(out, "unprotect");
    if (plain[0] !== PLAINTEXT_VERSION) {
      throw new DecryptionError(`Cannot decrypt "${key}" in ${this.#path}: unknown value format`);
    }
    return plain.slice(1);
  }

  /** Creates or replaces the value; the plaintext reaches PowerShell only on stdin. */
  async set(key: string, value: Uint8Array): Promise<void> {
    const plain = new Uint8Array(value.length + 1);
    plain[0] = PLAINTEXT_VERSION;
    plain.set(value, 1);
    const encoded = toBase64(plain);
    const blob = toBase64(
      this.#result(await this.#dpapi("protect", key, encoded), "protect", encoded),
    );
    const items = await this.#read();
    items.set(key, blob);
    await this.#write(items);
  }

  /** Removes the key; false when it was absent. */
  async delete(key: string): Promise<boolean> {
    const items = await this.#read();
    if (!items.delete(key)) return false;
    await this.#write(items);
    return true;
  }

  /** Lists the keys present, sorted. */
  async keys(): Promise<string[]> {
    return [...(await this.#read()).keys()].sort();
  }

  #dpapi(operation: "protect" | "unprotect", key: string, data: string): Promise<CommandResult> {
    const stdin = utf8(`${operation}\n${toBase64(utf8(`aws-sso-cli:${key}`))}\n${data}\n`);
    return this.#runner.run(POWERSHELL, [...DPAPI_ARGS], { stdin, timeoutMs: TIMEOUT_MS });
  }

  #result(out: CommandResult, what: string, secret?: string): Uint8Array {
    const bytes = out.code === 0 ? fromBase64(fromUtf8(out.stdout)) : undefined;
    if (bytes === undefined) {
      throw new StoreError(
        `DPAPI ${what} through PowerShell failed (exit ${out.code}): ${
          describeOutput(out.stderr, secret)
        }`,
      );
    }
    return bytes;
  }

  async #read(): Promise<Map<string, string>> {
    const bytes = await this.#io.readFile(this.#path);
    const items = new Map<string, string>();
    if (bytes === undefined) return items;
    let doc: unknown;
    try {
      doc = JSON.parse(fromUtf8(bytes));
    } catch {
      doc = undefined;
    }
    const record = (v: unknown): v is Record<string, unknown> =>
      typeof v === "object" && v !== null && !Array.isArray(v);
    if (!record(doc) || doc.format !== DPAPI_STORE_FORMAT || !record(doc.items)) {
      throw new DecryptionError(`The DPAPI SecureStore ${this.#path} is damaged`, {
        hints: [`delete ${this.#path} and run "aws-sso login" again`],
      });
    }
    for (const [key, blob] of Object.entries(doc.items)) {
      if (typeof blob === "string") items.set(key, blob);
    }
    return items;
  }

  async #write(items: Map<string, string>): Promise<void> {
    const doc = { format: DPAPI_STORE_FORMAT, version: 1, items: Object.fromEntries(items) };
    await this.#io.writeFileAtomic(this.#path, utf8(`${JSON.stringify(doc, null, 2)}\n`), 0o600);
  }
}
