/**
 * Reads, and only reads, the secure-store record the AWS SSO CLI (the Go tool) keeps through
 * 99designs/keyring: one item, key `aws-sso-cli-records`. Nothing here writes,
 * moves or deletes anything; decoding is lib/reference_session's job.
 *
 * Where each store kind keeps it:
 * - `file`: `<ConfigDir>/secure/aws-sso-cli-records`, a compact JWE (one file per key in the
 *   keyring directory).
 * - `secret-service`: an item with attribute `profile` = `aws-sso-cli-records` (go-libsecret's
 *   only attribute; label the same) in collection `awsssocli` (`SecretServiceCollection`); the
 *   secret is the JSON of the keyring Item. `secret-tool lookup` searches every collection.
 * - `keychain`: generic password, service `aws-sso-cli`, account `aws-sso-cli-records`; the
 *   data is the blob itself.
 * - `wincred`: generic credentials `aws-sso-cli:aws-sso-cli:aws-sso-cli-records_<n>`
 *   (`<WinCredPrefix>:<ServiceName>:<key>`), read with CredReadW through a fixed PowerShell
 *   script.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type CommandResult,
  type CommandRunner,
  type FileIo,
  type StoreKind,
} from "./backend.ts";
import { describeOutput, fromBase64, fromUtf8 } from "./_encoding.ts";
import { POWERSHELL, utf16leBase64 } from "./windows_dpapi.ts";

/** The reference's keyring item key. */
export const REFERENCE_KEY = "aws-sso-cli-records";
/** The reference's keyring service name (keychain service, wincred name). */
export const REFERENCE_SERVICE = "aws-sso-cli";
/** Largest record read (bytes), before any decoding. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Most Credential Manager chunks read (2,000 bytes each). */
export const MAX_WINCRED_CHUNKS = 4096;

const TIMEOUT_MS = 60_000;

/** `<ConfigDir>/secure/aws-sso-cli-records`. */
export function referenceFilePath(configDir: string): string {
  return `${configDir}/secure/${REFERENCE_KEY}`;
}

/** The record as the store keeps it (lib/reference_session decodes it). */
export type RawReferenceRecord =
  | { format: "jwe"; text: string }
  | { format: "keyring-item"; bytes: Uint8Array }
  | { format: "blob"; bytes: Uint8Array }
  | { format: "wincred-chunks"; chunks: Uint8Array[] };

/** Reads the reference's record from one kind of store. */
export interface ReferenceRecordReader {
  /** The store kind. */
  readonly kind: StoreKind;
  /** Where the record is, for messages. */
  readonly location: string;
  /** The record, or undefined when there is none. */
  read(): Promise<RawReferenceRecord | undefined>;
}

/** What {@link referenceRecordReader} needs. */
export interface ReferenceReaderOptions {
  /** `<ConfigDir>`. */
  configDir: string;
  /** Runs secret-tool, security, powershell. */
  runner: CommandRunner;
  /** Reads the `file` record. */
  fileIo: FileIo;
}

/** The reader for `kind`, or undefined when the reference had no such store. */
export function referenceRecordReader(
  kind: StoreKind,
  options: ReferenceReaderOptions,
): ReferenceRecordReader | undefined {
  const { runner } = options;
  switch (kind) {
    case "file": {
      const path = referenceFilePath(options.configDir);
      return {
        kind,
        location: path,
        async read() {
          const bytes = await options.fileIo.readFile(path);
          if (bytes === undefined) return undefined;
          tooLarge(bytes.length, path);
          return { format: "jwe", text: fromUtf8(bytes) };
        },
      };
    }
    case "secret-service":
      return {
        kind,
        location: `the Secret Service item "${REFERENCE_KEY}"`,
        async read() {
          const out = await runner.run("secret-tool", ["lookup", "profile", REFERENCE_KEY], {
            timeoutMs: TIMEOUT_MS,
          });
          if (out.code === 1 && fromUtf8(out.stderr).trim() === "") return undefined;
          check(out, "secret-tool lookup");
          tooLarge(out.stdout.length, this.location);
          return { format: "keyring-item", bytes: out.stdout };
        },
      };
    case "keychain":
      return {
        kind,
        location: `the keychain item ${REFERENCE_SERVICE}/${REFERENCE_KEY}`,
        async read() {
          const out = await runner.run("security", [
            "find-generic-password",
            "-s",
            REFERENCE_SERVICE,
            "-a",
            REFERENCE_KEY,
            "-w",
          ], { timeoutMs: TIMEOUT_MS });
          // errSecItemNotFound
          if (out.code === 44) return undefined;
          check(out, "security find-generic-password");
          tooLarge(out.stdout.length, this.location);
          return { format: "blob", bytes: keychainPassword(out.stdout) };
        },
      };
    case "wincred":
      return {
        kind,
        location: `the Credential Manager entries ${WINCRED_TARGET_PREFIX}*`,
        async read() {
          const out = await runner.run(POWERSHELL, [...CREDREAD_ARGS], {
            stdin: new TextEncoder().encode(`${WINCRED_TARGET_PREFIX}\n`),
            timeoutMs: TIMEOUT_MS,
          });
          check(out, "the Credential Manager read");
          tooLarge(out.stdout.length, this.location);
          const chunks: Uint8Array[] = [];
          for (const line of fromUtf8(out.stdout).split("\n")) {
            if (line.trim() === "") continue;
            const chunk = fromBase64(line);
            if (chunk === undefined) {
              throw new BackendUnavailableError(
                "the Credential Manager read printed something unexpected",
              );
            }
            chunks.push(chunk);
          }
          return chunks.length === 0 ? undefined : { format: "wincred-chunks", chunks };
        },
      };
    default:
      return undefined;
  }
}

/** `security -w` prints the data as text, or as hex when it is not printable. */
function keychainPassword(stdout: Uint8Array): Uint8Array {
  const text = fromUtf8(stdout).replace(/\n$/, "");
  if (/^([0-9a-fA-F]{2})+$/.test(text)) return Uint8Array.fromHex(text);
  return new TextEncoder().encode(text);
}

function tooLarge(size: number, where: string): void {
  if (size > MAX_RECORD_BYTES) {
    throw new BackendUnavailableError(`The AWS SSO CLI record in ${where} is too large to read`);
  }
}

function check(out: CommandResult, what: string): void {
  if (out.code === 0) return;
  throw new BackendUnavailableError(
    `${what} failed (exit ${out.code}): ${describeOutput(out.stderr)}`,
  );
}

/** Target names of the reference's chunks: this prefix, then 0, 1, 2… */
export const WINCRED_TARGET_PREFIX = `${REFERENCE_SERVICE}:${REFERENCE_SERVICE}:${REFERENCE_KEY}_`;

/**
 * The fixed script: reads the target prefix from stdin and prints each chunk
 * (`<prefix>0`, `<prefix>1`, … until one is missing) as a base64 line. Read-only: CredReadW.
 */
export const CREDREAD_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Add-Type -TypeDefinition @'",
  "using System;",
  "using System.Runtime.InteropServices;",
  "public static class AwsSsoCredRead {",
  "  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]",
  "  struct CREDENTIAL { public int Flags; public int Type; public IntPtr TargetName; public IntPtr Comment; public long LastWritten; public int CredentialBlobSize; public IntPtr CredentialBlob; public int Persist; public int AttributeCount; public IntPtr Attributes; public IntPtr TargetAlias; public IntPtr UserName; }",
  '  [DllImport("advapi32.dll", EntryPoint = "CredReadW", CharSet = CharSet.Unicode, SetLastError = true)]',
  "  static extern bool CredRead(string target, int type, int flags, out IntPtr credential);",
  '  [DllImport("advapi32.dll")]',
  "  static extern void CredFree(IntPtr credential);",
  "  public static byte[] Read(string target) {",
  "    IntPtr p;",
  "    if (!CredRead(target, 1, 0, out p)) {",
  "      int e = Marshal.GetLastWin32Error();",
  "      if (e == 1168) return null;",
  "      throw new System.ComponentModel.Win32Exception(e);",
  "    }",
  "    try {",
  "      CREDENTIAL c = (CREDENTIAL)Marshal.PtrToStructure(p, typeof(CREDENTIAL));",
  "      byte[] b = new byte[c.CredentialBlobSize];",
  "      if (c.CredentialBlobSize > 0) Marshal.Copy(c.CredentialBlob, b, 0, c.CredentialBlobSize);",
  "      return b;",
  "    } finally { CredFree(p); }",
  "  }",
  "}",
  "'@",
  "$prefix = [Console]::In.ReadLine().Trim()",
  `for ($i = 0; $i -lt ${MAX_WINCRED_CHUNKS}; $i++) {`,
  '  $b = [AwsSsoCredRead]::Read("$prefix$i")',
  "  if ($null -eq $b) { break }",
  "  [Console]::Out.WriteLine([Convert]::ToBase64String($b))",
  "}",
  "exit 0",
].join("\n");

/** The exact PowerShell arguments of the Credential Manager read. */
export const CREDREAD_ARGS: readonly string[] = [
  "-NoLogo",
  "-NoProfile",
  "-NonInteractive",
  "-EncodedCommand",
  utf16leBase64(CREDREAD_SCRIPT),
];
