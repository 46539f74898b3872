/**
 * The credential_process hot path (cli/fast_process.ts): a warm `process --arn` is answered
 * without the command graph or config.yaml parsing, gives the same payload as the normal path,
 * and falls back to the normal path whenever it cannot be sure.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { plainProcessArn } from "../../cli/fast_process.ts";
import { garbleKeepingStat } from "./_garble_config.ts";
import { baseEnv, runCli, tempHome, writeConfig } from "./run_cli.ts";

const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const PASSWORD = "fast path password";
const keyctl = Deno.build.os === "linux" &&
  // The kernel keyring must be usable (some containers deny it), not just the program present.
  (await new Deno.Command("sh", {
      args: ["-c", "command -v keyctl && keyctl show @u"],
      stdout: "null",
      stderr: "null",
    }).output()).code === 0;

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";

async function commandPath(program: string): Promise<string | undefined> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `command -v ${program}`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const path = new TextDecoder().decode(out.stdout).trim();
  return out.code === 0 && path.startsWith("/") ? path : undefined;
}

/**
 * A machine without a kernel keyring, as a container that denies keyctl(2) looks to aws-sso: the
 * system calls fail (no FFI) and no `keyctl` program is on PATH. Returns the Deno flags and a PATH
 * directory holding only `tools` (symlinks).
 */
async function noKeyring(dir: string, tools: string[]): Promise<{ flags: string[]; path: string }> {
  const path = `${dir}/bin`;
  await Deno.mkdir(path, { recursive: true });
  for (const tool of tools) {
    const target = await commandPath(tool);
    if (target !== undefined) await Deno.symlink(target, `${path}/${tool}`);
  }
  return { flags: ["--deny-ffi"], path };
}

const secretServiceTools = Deno.build.os === "linux" &&
  (await Promise.all(
    ["dbus-run-session", "gnome-keyring-daemon", "secret-tool", "dbus-send"].map(commandPath),
  )).every((p) => p !== undefined);

Deno.test("plainProcessArn() accepts only the plain credential_process command line", () => {
  const arn = "arn:aws:iam::012345678901:role/Admin";
  assert.equal(plainProcessArn(["process", "--arn", arn]), arn);
  assert.equal(plainProcessArn(["-S", "Default", "process", "--arn", arn]), arn);
  assert.equal(plainProcessArn(["--sso=Work", "process", "-a", arn]), arn);
  assert.equal(plainProcessArn(["process", `--arn=${arn}`]), arn);
  assert.equal(plainProcessArn(["process", "--profile", "x"]), undefined);
  assert.equal(plainProcessArn(["process", "--arn", arn, "--sts-refresh"]), undefined);
  assert.equal(plainProcessArn(["-L", "debug", "process", "--arn", arn]), undefined);
  assert.equal(plainProcessArn(["process"]), undefined);
  assert.equal(plainProcessArn(["eval", "--arn", arn]), undefined);
});

Deno.test({
  name:
    "a warm process --arn is served without reading config.yaml, same payload as the normal path",
  ignore: !keyctl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await tempHome();
    try {
      const yaml =
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
        `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`;
      const configFile = await writeConfig(home, yaml);
      const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
      const login = await runCli(["login"], { home, env });
      assert.equal(login.code, 0, login.stderr);
      const arn = "arn:aws:iam::012345678901:role/AdministratorAccess";

      const slow = await runCli(["process", "--arn", arn], { home, env });
      assert.equal(slow.code, 0, slow.stderr);
      assert.equal(emu.counters.GetRoleCredentials, 1);

      // Same size, same mtime, but no longer YAML: only the hot path can still answer, and it
      // must not need the password (the data key comes from the kernel keyring).
      garbleKeepingStat(configFile);
      const fast = await runCli(["process", "--arn", arn], { home, env: emu.env });
      assert.equal(fast.code, 0, fast.stderr);
      assert.equal(fast.stdout, slow.stdout);
      assert.equal(fast.stderr, "");
      assert.equal(emu.counters.GetRoleCredentials, 1);

      // Any edit that changes the mtime invalidates the snapshot: the normal path runs and
      // reports the broken config.
      await Deno.utime(configFile, new Date(), new Date());
      const stale = await runCli(["process", "--arn", arn], { home, env: emu.env });
      assert.equal(stale.code, 1);
      assert.equal(stale.stdout, "");
      assert.match(stale.stderr, /config\.yaml/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the hot path leaves credentials with fewer than 20 minutes to the normal path, which refreshes them",
  ignore: !keyctl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Role credentials live 19 minutes: never good enough for the hot path.
    await using emu = await startEmulator({ credentialLifetimeSec: 19 * 60 });
    const home = await tempHome();
    try {
      await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
      assert.equal((await runCli(["login"], { home, env })).code, 0);
      const arn = "arn:aws:iam::012345678901:role/AdministratorAccess";
      const first = await runCli(["process", "--arn", arn], { home, env });
      const second = await runCli(["process", "--arn", arn], { home, env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(emu.counters.GetRoleCredentials, 2);
      assert.notEqual(JSON.parse(first.stdout).AccessKeyId, JSON.parse(second.stdout).AccessKeyId);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "without a kernel keyring the hot path leaves a locked file store to the normal path, which gives the same payload",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await tempHome();
    try {
      const configFile = await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const { flags, path } = await noKeyring(home, []);
      const run = (args: string[], password: boolean) =>
        runCli(args, {
          home,
          denoFlags: flags,
          env: { ...emu.env, PATH: path, ...password ? { AWS_SSO_FILE_PASSWORD: PASSWORD } : {} },
        });
      const login = await run(["login"], true);
      assert.equal(login.code, 0, login.stderr);
      const first = await run(["process", "--arn", ADMIN], true);
      assert.equal(first.code, 0, first.stderr);
      const again = await run(["process", "--arn", ADMIN], true);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, first.stdout, "the same stored credentials");
      assert.equal(emu.counters.GetRoleCredentials, 1);

      // Nothing cached the data key: without the password the store stays locked.
      const locked = await run(["process", "--arn", ADMIN], false);
      assert.notEqual(locked.code, 0);
      assert.equal(locked.stdout, "");

      // The hot path never uses the password: with config.yaml unreadable only the normal path
      // is left, and it reports the config.
      garbleKeepingStat(configFile);
      const normal = await run(["process", "--arn", ADMIN], true);
      assert.equal(normal.code, 1);
      assert.equal(normal.stdout, "");
      assert.match(normal.stderr, /config\.yaml/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "without a kernel keyring the hot path serves the secret-service store, same payload as the normal path",
  ignore: !secretServiceTools,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await tempHome();
    try {
      const configFile = await writeConfig(
        home,
        `SecureStore: secret-service\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const { flags, path } = await noKeyring(home, ["sh", "secret-tool", "dbus-send"]);
      await Deno.mkdir(`${home}/run`, { mode: 0o700 });
      // A private D-Bus session and GNOME Keyring under the temporary HOME: the user's own
      // keyring is never touched.
      const aws = `"$DENO" run -A --quiet ${flags.join(" ")} "$MAIN"`;
      const script = `
set -u
eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
export PATH="$NO_KEYRING_PATH"
${aws} login > /dev/null 2> "$HOME/login.err" || exit 91
${aws} process --arn "$ARN" > "$HOME/slow.json" 2> "$HOME/slow.err" || exit 92
"$DENO" run -A --quiet "$GARBLE" "$CONFIG" || exit 93
${aws} process --arn "$ARN" > "$HOME/fast.json" 2> "$HOME/fast.err"
echo $? > "$HOME/fast.rc"
`;
      const out = await new Deno.Command("dbus-run-session", {
        args: ["--", "sh", "-c", script],
        env: {
          ...baseEnv(home),
          ...emu.env,
          XDG_DATA_HOME: `${home}/.local/share`,
          XDG_RUNTIME_DIR: `${home}/run`,
          NO_KEYRING_PATH: path,
          DENO: Deno.execPath(),
          MAIN,
          ARN: ADMIN,
          GARBLE: new URL("./_garble_config.ts", import.meta.url).pathname,
          CONFIG: configFile,
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const read = (f: string) => Deno.readTextFile(`${home}/${f}`).catch(() => "");
      assert.equal(
        out.code,
        0,
        `${new TextDecoder().decode(out.stderr)}\n${await read("login.err")}${await read(
          "slow.err",
        )}`,
      );
      assert.equal((await read("fast.rc")).trim(), "0", await read("fast.err"));
      const slow = await read("slow.json");
      assert.equal(JSON.parse(slow).AccountId, "012345678901");
      assert.equal(await read("fast.json"), slow);
      assert.equal(await read("fast.err"), "");
      assert.equal(emu.counters.GetRoleCredentials, 1);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
