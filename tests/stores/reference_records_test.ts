/**
 * Reading the AWS SSO CLI's record from each store kind: the exact argv/stdin contract with a
 * recording runner (keychain, wincred, Secret Service), a real Secret Service when the tests run
 * inside one, and proof that nothing is ever written.
 */
import assert from "node:assert/strict";
import { BackendUnavailableError, type FileIo } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import {
  CREDREAD_ARGS,
  CREDREAD_SCRIPT,
  referenceRecordReader,
  WINCRED_TARGET_PREFIX,
} from "../../stores/reference_records.ts";
import { SecretServiceBackend } from "../../stores/secret_service.ts";
import { RecordingRunner, result } from "./recording_runner.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A FileIo that serves one file and fails the test on any write. */
function readOnlyIo(files: Record<string, string>): FileIo & { reads: string[] } {
  const reads: string[] = [];
  const refuse = () => Promise.reject(new Error("the reader must not write"));
  return {
    reads,
    readFile(path) {
      reads.push(path);
      return Promise.resolve(files[path] === undefined ? undefined : enc(files[path]));
    },
    readFileSync: () => {
      throw new Error("not used");
    },
    writeFileAtomic: refuse,
    remove: refuse,
  };
}

const noRunner = new RecordingRunner(() => result(99, "", "no program expected"));

Deno.test("file: reads <ConfigDir>/secure/aws-sso-cli-records and nothing else", async () => {
  const io = readOnlyIo({ "/c/secure/aws-sso-cli-records": "a.b.c.d.e\n" });
  const reader = referenceRecordReader("file", { configDir: "/c", runner: noRunner, fileIo: io })!;
  assert.equal(reader.location, "/c/secure/aws-sso-cli-records");
  assert.deepEqual(await reader.read(), { format: "jwe", text: "a.b.c.d.e\n" });
  assert.deepEqual(io.reads, ["/c/secure/aws-sso-cli-records"]);
  const empty = referenceRecordReader("file", {
    configDir: "/none",
    runner: noRunner,
    fileIo: io,
  })!;
  assert.equal(await empty.read(), undefined);
  assert.equal(noRunner.calls.length, 0);
});

Deno.test("secret-service: one secret-tool lookup by the go-libsecret attribute; a miss is undefined", async () => {
  const item = '{"Key":"aws-sso-cli-records","Data":"e30="}';
  const rr = new RecordingRunner((c) =>
    c.args[2] === "aws-sso-cli-records" ? result(0, item) : result(1)
  );
  const io = readOnlyIo({});
  const reader = referenceRecordReader("secret-service", {
    configDir: "/c",
    runner: rr,
    fileIo: io,
  })!;
  assert.deepEqual(await reader.read(), { format: "keyring-item", bytes: enc(item) });
  assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
    ["secret-tool", "lookup", "profile", "aws-sso-cli-records"],
  ]);
  assert.ok((rr.calls[0]!.timeoutMs ?? 0) > 0);
  const miss = referenceRecordReader("secret-service", {
    configDir: "/c",
    runner: new RecordingRunner(() => result(1)),
    fileIo: io,
  })!;
  assert.equal(await miss.read(), undefined);
  const broken = referenceRecordReader("secret-service", {
    configDir: "/c",
    runner: new RecordingRunner(() => result(1, "", "Cannot autolaunch D-Bus")),
    fileIo: io,
  })!;
  await assert.rejects(() => broken.read(), BackendUnavailableError);
});

Deno.test("keychain: security find-generic-password -s aws-sso-cli -a aws-sso-cli-records -w", async () => {
  const blob = '{"CreateTokenResponse":{}}';
  let reply = result(0, `${blob}\n`);
  const rr = new RecordingRunner(() => reply);
  const reader = referenceRecordReader("keychain", {
    configDir: "/c",
    runner: rr,
    fileIo: readOnlyIo({}),
  })!;
  assert.deepEqual(await reader.read(), { format: "blob", bytes: enc(blob) });
  assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
    ["security", "find-generic-password", "-s", "aws-sso-cli", "-a", "aws-sso-cli-records", "-w"],
  ]);
  // `-w` prints data it cannot show as text in hex.
  reply = result(0, `${enc("{\u0001}").toHex()}\n`);
  assert.deepEqual(await reader.read(), { format: "blob", bytes: enc("{\u0001}") });
  reply = result(
    44,
    "",
    "security: SecKeychainSearchCopyNext: The specified item could not be found",
  );
  assert.equal(await reader.read(), undefined);
  assert.ok(rr.calls.every((c) => c.stdin === undefined));
});

Deno.test("wincred: a fixed, read-only PowerShell script; the target prefix on stdin; chunks back as base64 lines", async () => {
  const chunks = [new Uint8Array([0, 0, 0, 0, 0, 0, 0, 2, 123, 125]), enc("left-over")];
  const rr = new RecordingRunner(() =>
    result(0, chunks.map((c) => c.toBase64()).join("\r\n") + "\r\n")
  );
  const reader = referenceRecordReader("wincred", {
    configDir: "/c",
    runner: rr,
    fileIo: readOnlyIo({}),
  })!;
  assert.deepEqual(await reader.read(), { format: "wincred-chunks", chunks });
  const call = rr.calls[0]!;
  assert.equal(call.command, "powershell.exe");
  assert.deepEqual(call.args, [...CREDREAD_ARGS]);
  assert.equal(dec(call.stdin!), `${WINCRED_TARGET_PREFIX}\n`);
  assert.equal(WINCRED_TARGET_PREFIX, "aws-sso-cli:aws-sso-cli:aws-sso-cli-records_");
  const script = String.fromCharCode(
    ...new Uint16Array(Uint8Array.fromBase64(call.args.at(-1)!).buffer),
  );
  assert.equal(script, CREDREAD_SCRIPT);
  assert.match(script, /CredReadW/);
  assert.doesNotMatch(script, /CredWrite|CredDelete/);
  const none = referenceRecordReader("wincred", {
    configDir: "/c",
    runner: new RecordingRunner(() => result(0, "")),
    fileIo: readOnlyIo({}),
  })!;
  assert.equal(await none.read(), undefined);
});

Deno.test("stores the reference had no record in (json, pass, memory) have no reader", () => {
  for (const kind of ["json", "pass", "memory"] as const) {
    assert.equal(
      referenceRecordReader(kind, { configDir: "/c", runner: noRunner, fileIo: readOnlyIo({}) }),
      undefined,
    );
  }
});

// ---- a real Secret Service (tests/stores/run_secret_service_tests.sh, or the PREAMBLE's session) ----

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const inSession = Deno.build.os === "linux" &&
  Deno.env.get("DBUS_SESSION_BUS_ADDRESS") !== undefined &&
  await SecretServiceBackend.probe(runner, 5000);

Deno.test(
  "secret-service (real keyring): reads the item go-libsecret wrote and leaves it as it was",
  {
    ignore: !inSession,
  },
  async () => {
    const item = `{"Key":"aws-sso-cli-records","Data":"${
      enc(`{"n":"${crypto.randomUUID()}"}`).toBase64()
    }"}`;
    // As go-libsecret stores it: label = key, one attribute profile = key.
    const stored = await runner.run("secret-tool", [
      "store",
      "--label=aws-sso-cli-records",
      "profile",
      "aws-sso-cli-records",
    ], { stdin: enc(item), timeoutMs: 20_000 });
    assert.equal(stored.code, 0, dec(stored.stderr));
    try {
      const search = () =>
        runner.run("secret-tool", ["search", "--all", "profile", "aws-sso-cli-records"], {
          timeoutMs: 20_000,
        });
      const before = await search();
      const reader = referenceRecordReader("secret-service", {
        configDir: "/nonexistent",
        runner,
        fileIo: readOnlyIo({}),
      })!;
      assert.deepEqual(await reader.read(), { format: "keyring-item", bytes: enc(item) });
      const after = await search();
      assert.equal(dec(after.stdout) + dec(after.stderr), dec(before.stdout) + dec(before.stderr));
    } finally {
      await runner.run("secret-tool", ["clear", "profile", "aws-sso-cli-records"]);
    }
  },
);
