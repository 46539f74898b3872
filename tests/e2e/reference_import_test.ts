/**
 * Switching from the AWS SSO CLI with no new login: a record written in the reference's format
 * (the `file` store's JWE; a Secret Service item in a real GNOME Keyring) holding a live
 * emulator session makes `aws-sso process` work with no `aws-sso login`, and the record is
 * left byte for byte as it was. Also: it is imported once (a logout does not bring it back),
 * and a wrong password, a forged record or a dead session import nothing.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import {
  referenceBlob,
  type ReferenceRegistration,
  type ReferenceToken,
  writeReferenceFileStore,
} from "../fakes/reference_store.ts";
import { cli, CONFIG_DIR, credsSession, E2E, FILE_PASSWORD } from "./_creds_session.ts";
import { baseEnv } from "./run_cli.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const IMPORTED = /INFO.*Imported the AWS SSO CLI session for Default from /;

/** The emulator's sign-in as the reference stores it; `expiresInMs` moves the token's expiry. */
function referenceSession(
  emu: Emulator,
  options: { expiresInMs?: number; refresh?: boolean } = {},
): { token: ReferenceToken; registration: ReferenceRegistration; accessToken: string } {
  const issued = emu.issueToken();
  return {
    accessToken: issued.accessToken,
    token: {
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      expiresAt: Math.floor((Date.now() + (options.expiresInMs ?? 3600_000)) / 1000),
      RefreshToken: options.refresh === false ? "" : issued.refreshToken,
      tokenType: "Bearer",
    },
    registration: {
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      clientIdIssuedAt: Math.floor(Date.now() / 1000),
      clientSecretExpiresAt: issued.clientSecretExpiresAt,
      grantTypes: ["authorization_code", "refresh_token"],
    },
  };
}

const pw = { AWS_SSO_FILE_PASSWORD: FILE_PASSWORD };

Deno.test({
  name: "a live AWS SSO CLI session in its file store makes process work with no login, once",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { store: "file", token: false });
    try {
      const s = referenceSession(emu);
      const record = await writeReferenceFileStore(
        `${home}/${CONFIG_DIR}`,
        referenceBlob(s),
        FILE_PASSWORD,
      );
      const original = await Deno.readFile(record);

      const doctorBefore = await cli(home, emu, ["doctor"], pw);
      assert.match(
        doctorBefore.stdout,
        /aws-sso-cli .*holds a session for Default; the next command imports it/,
      );

      const first = await cli(home, emu, ["process", "--arn", ADMIN], pw);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(JSON.parse(first.stdout).AccountId, "012345678901");
      assert.deepEqual(first.stderr.split("\n").filter((l) => IMPORTED.test(l)).length, 1);
      assert.match(first.stderr, /from ~\/\.config\/aws-sso\/secure\/aws-sso-cli-records/);
      assert.ok(!first.stderr.includes(s.accessToken), "token in the log");
      assert.equal(emu.counters.CreateToken ?? 0, 0, "no login, no refresh");

      const second = await cli(home, emu, ["process", "--arn", ADMIN, "--sts-refresh"], pw);
      assert.equal(second.code, 0, second.stderr);
      assert.doesNotMatch(second.stderr, IMPORTED);

      const doctorAfter = await cli(home, emu, ["doctor"], pw);
      assert.match(doctorAfter.stdout, /aws-sso-cli .*imported on .*was left as it was/);

      // A logout ends the session; the old record is not brought back in its place.
      const logout = await cli(home, emu, ["logout"], pw);
      assert.equal(logout.code, 0, logout.stderr);
      const after = await cli(home, emu, ["process", "--arn", ADMIN, "--sts-refresh"], pw);
      assert.notEqual(after.code, 0);
      assert.doesNotMatch(after.stderr, IMPORTED);
      assert.match(after.stderr, /not logged in/);

      assert.deepEqual(await Deno.readFile(record), original, "the reference's record changed");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "an expired AWS SSO CLI token with a live refresh token is imported and refreshed",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { store: "file", token: false });
    try {
      const s = referenceSession(emu, { expiresInMs: -600_000 });
      emu.expireAccessTokens();
      const record = await writeReferenceFileStore(
        `${home}/${CONFIG_DIR}`,
        referenceBlob(s),
        FILE_PASSWORD,
      );
      const original = await Deno.readFile(record);
      const r = await cli(home, emu, ["process", "--arn", ADMIN], pw);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, IMPORTED);
      assert.equal(emu.counters.CreateToken, 1, "one refresh");
      assert.deepEqual(await Deno.readFile(record), original);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "nothing is imported from a record under another password, a tampered one, or a dead session",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const cases: { name: string; write: (dir: string) => Promise<string>; says: RegExp }[] = [
      {
        name: "another password",
        write: (dir) =>
          writeReferenceFileStore(dir, referenceBlob(referenceSession(emu)), "not the password"),
        says: /WARN.*Could not import the session in the AWS SSO CLI store .*wrong password/,
      },
      {
        name: "tampered",
        async write(dir) {
          const path = await writeReferenceFileStore(
            dir,
            referenceBlob(referenceSession(emu)),
            FILE_PASSWORD,
          );
          const parts = (await Deno.readTextFile(path)).split(".");
          const data = Uint8Array.fromBase64(parts[3]!, { alphabet: "base64url" });
          data[0]! ^= 0x80;
          parts[3] = data.toBase64({ alphabet: "base64url", omitPadding: true });
          await Deno.writeTextFile(path, parts.join("."));
          return path;
        },
        says: /WARN.*Could not import .*integrity check/,
      },
      {
        name: "expired, no refresh token",
        write: (dir) =>
          writeReferenceFileStore(
            dir,
            referenceBlob(referenceSession(emu, { expiresInMs: -600_000, refresh: false })),
            FILE_PASSWORD,
          ),
        says: /INFO.*has expired; it was not imported/,
      },
    ];
    for (const c of cases) {
      const home = await credsSession(emu, { store: "file", token: false });
      try {
        const record = await c.write(`${home}/${CONFIG_DIR}`);
        const original = await Deno.readFile(record);
        const r = await cli(home, emu, ["process", "--arn", ADMIN], pw);
        assert.notEqual(r.code, 0, c.name);
        assert.match(r.stderr, c.says, c.name);
        assert.equal(r.stderr.split("\n").filter((l) => /AWS SSO CLI/.test(l)).length, 1, c.name);
        assert.match(r.stderr, /not logged in/, c.name);
        assert.equal(r.stdout, "", c.name);
        assert.deepEqual(await Deno.readFile(record), original, c.name);
        const ours = await Deno.readTextFile(`${home}/${CONFIG_DIR}/secure/aws-sso-store.json`)
          .catch(() => "");
        assert.ok(!ours.includes("token-response:"), `${c.name}: a token was written`);
        assert.ok(!ours.includes("imported-from-aws-sso-cli"), `${c.name}: marked imported`);
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    }
  },
});

// ---- Secret Service: a real GNOME Keyring in a private D-Bus session, set up like the reference's ----

async function have(program: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", { args: ["-c", `command -v ${program}`] }).output();
    return out.code === 0;
  } catch {
    return false;
  }
}

const secretServiceTools = Deno.build.os === "linux" &&
  (await Promise.all(["dbus-run-session", "gnome-keyring-daemon", "secret-tool"].map(have)))
    .every(Boolean);

Deno.test({
  name:
    "a live AWS SSO CLI session in the Secret Service (collection awsssocli) makes process work with no login",
  ignore: !secretServiceTools,
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { store: "json", token: false });
    const tmp = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${home}/${CONFIG_DIR}/config.yaml`,
        (await Deno.readTextFile(`${home}/${CONFIG_DIR}/config.yaml`)).replace(
          "SecureStore: json",
          "SecureStore: secret-service",
        ),
      );
      // The collection the reference creates (CreateCollection "awsssocli"), as an unlocked
      // keyring file GNOME Keyring loads at start: gnome-keyring cannot create one headless.
      const keyrings = `${home}/.local/share/keyrings`;
      await Deno.mkdir(keyrings, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(
        `${keyrings}/awsssocli.keyring`,
        "[keyring]\ndisplay-name=awsssocli\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n",
      );
      const s = referenceSession(emu);
      // go-libsecret's item: label = key, one attribute profile = key, secret = the Item JSON.
      const { keyringItem } = await import("../fakes/reference_store.ts");
      await Deno.writeFile(`${tmp}/item.json`, keyringItem(referenceBlob(s)));
      await Deno.mkdir(`${tmp}/run`, { mode: 0o700 });
      const script = `
set -u
eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
secret-tool store --collection=/org/freedesktop/secrets/collection/awsssocli \\
  --label=aws-sso-cli-records profile aws-sso-cli-records < "$T/item.json" || exit 90
secret-tool search --all profile aws-sso-cli-records > "$T/before.txt" 2>&1
"$DENO" run -A --quiet "$MAIN" process --arn "$ARN" > "$T/out.json" 2> "$T/err.txt"
echo $? > "$T/rc"
"$DENO" run -A --quiet "$MAIN" process --arn "$ARN" --sts-refresh > /dev/null 2> "$T/err2.txt"
echo $? > "$T/rc2"
secret-tool search --all profile aws-sso-cli-records > "$T/after.txt" 2>&1
`;
      const out = await new Deno.Command("dbus-run-session", {
        args: ["--", "sh", "-c", script],
        env: {
          ...baseEnv(home),
          ...emu.env,
          XDG_DATA_HOME: `${home}/.local/share`,
          XDG_RUNTIME_DIR: `${tmp}/run`,
          T: tmp,
          DENO: Deno.execPath(),
          MAIN,
          ARN: ADMIN,
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const read = (f: string) => Deno.readTextFile(`${tmp}/${f}`);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const err = await read("err.txt");
      assert.equal((await read("rc")).trim(), "0", err);
      assert.equal(JSON.parse(await read("out.json")).AccountId, "012345678901");
      assert.match(
        err,
        /Imported the AWS SSO CLI session for Default from the Secret Service item "aws-sso-cli-records"/,
      );
      assert.equal((await read("rc2")).trim(), "0", await read("err2.txt"));
      assert.doesNotMatch(await read("err2.txt"), IMPORTED);
      const before = await read("before.txt");
      assert.match(before, /secret = \{"Key":"aws-sso-cli-records"/);
      // Label, secret, attributes and the modified time as before. (GNOME Keyring may start to
      // show its default `schema` for the item once it saves the collection with our items in it;
      // that is the daemon's bookkeeping, not a write to the item: `modified` would move.)
      const item = (text: string) => text.split("\n").filter((l) => !l.startsWith("schema = "));
      assert.deepEqual(item(await read("after.txt")), item(before), "the reference's item changed");
      assert.equal(emu.counters.CreateToken ?? 0, 0);
    } finally {
      await Deno.remove(home, { recursive: true });
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
