/**
 * Every command line of the AWS SSO CLI 1.x documentation (the command reference and the
 * overview the product was specified from), typed as a user types it, run against the emulator
 * in one temporary HOME, in order: each row checks the exit code, the output and what changed
 * (files, the emulator's request counters, the secure store, cache.json's History).
 *
 * The rows share state on purpose (a login, then commands that use it, then `flush` and a new
 * login), as a user's shell does; a row's `{name}` placeholders are filled in from `WORDS`.
 * Children run under `setsid` (no controlling terminal), so nothing reaches the test's terminal.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { realClock, RecordingLogger } from "../lib/sso/_fixtures.ts";
import { baseEnv, type CliResult, tempHome, writeConfig } from "./run_cli.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const PASSWORD = "1.x users have long passwords";
const CONFIG_DIR = ".config/aws-sso";

/** Values for the `{name}` placeholders of the command lines. */
const WORDS: Record<string, string> = {
  profile: "012345678901:AdministratorAccess",
  arn: "arn:aws:iam::012345678901:role/AdministratorAccess",
  profile2: "123456789012:ReadOnlyAccess",
  arn2: "arn:aws:iam::123456789012:role/ReadOnlyAccess",
  account: "123456789012",
  role: "ReadOnlyAccess",
};

/** The state the rows share. */
interface World {
  emu: Emulator;
  home: string;
  /** Environment of every row (emulator endpoints, the file store's password, bash). */
  env: Record<string, string>;
  /** The AWS variables `exec` gave its child in an earlier row: "inside an aws-sso shell". */
  shell: Record<string, string>;
  /** The AdministratorAccess access key id currently cached. */
  adminKey?: string;
}

/** One documented command line and what it must do. */
interface Row {
  /** The command line as typed, starting with `aws-sso`. */
  line: string;
  /** The line is a bash command line (run by bash with `aws-sso` on PATH). */
  shell?: boolean;
  /** Extra environment for this row (computed when the row runs). */
  env?: (w: World) => Record<string, string | undefined>;
  /** Text on stdin. */
  stdin?: string;
  /** Runs in a HOME with no config.yaml. */
  freshHome?: boolean;
  /** A login that prints its URL: open it like the user's browser would. */
  visitLoginUrl?: boolean;
  /** Called before the row runs. */
  before?: (w: World) => Promise<void>;
  /** Checks; `calls(op)` is how many `op` requests the row made to the emulator. */
  expect: (r: CliResult, w: World, calls: (op: string) => number) => void | Promise<void>;
}

/** Splits a documented line into argv, filling in the placeholders. */
function argv(line: string, w: World): string[] {
  const words = line.trim().split(/\s+/);
  assert.equal(words.shift(), "aws-sso");
  return words.map((word) => fillIn(word, w));
}

/** `aws-sso` as a program on PATH, for the bash rows. */
const WRAPPER = `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${MAIN}" "$@"\n`;

/** Fills in the `{name}` placeholders. */
function fillIn(line: string, w: World): string {
  return line.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = name === "home" ? w.home : WORDS[name];
    if (value === undefined) throw new Error(`no value for {${name}}`);
    return value;
  });
}

/** Runs a command without a controlling terminal; with `visit`, opens the printed login URL. */
async function run(
  command: string[],
  options: { home: string; env: Record<string, string>; stdin?: string; visit?: boolean },
): Promise<CliResult> {
  const child = new Deno.Command("setsid", {
    args: ["-w", ...command],
    env: options.env,
    clearEnv: true,
    cwd: options.home,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  let stderr = "";
  let visited: Promise<void> | undefined;
  const readErr = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      const url = stderr.match(/(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/)?.[1];
      if (options.visit && url !== undefined && visited === undefined) {
        visited = fetch(url).then((res) => res.body?.cancel());
      }
    }
  })();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }, 60_000);
  const [stdout, status] = await Promise.all([
    new Response(child.stdout).text(),
    child.status,
    readErr,
  ]);
  clearTimeout(timer);
  await visited;
  return { code: status.code, stdout, stderr };
}

/** `export NAME='value'` lines (eval's bash syntax) as a map. */
function exports(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = line.match(/^export (\w+)='(.*)'$/);
    if (m) out[m[1]!] = m[2]!.replaceAll(`'\\''`, "'");
  }
  return out;
}

/** The `AWS_*` variables of `env` output. */
function awsVars(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = line.match(/^(AWS_\w+)=(.*)$/);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The sign-in URL `--url-action printurl` printed, and the console page it leads to. */
function consoleUrl(w: World, r: CliResult): { url: string; destination: string } {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  const urls = r.stderr.split("\n").filter((l) => l.startsWith(`${w.emu.url}/federation?`));
  assert.equal(urls.length, 1, r.stderr);
  const url = urls[0]!;
  const params = new URL(url).searchParams;
  assert.equal(params.get("Action"), "login");
  return { url, destination: params.get("Destination") ?? "" };
}

/** The most recently used role (cache.json History), which `console` records. */
async function lastUsed(w: World): Promise<string | undefined> {
  const cache = JSON.parse(await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/cache.json`));
  return cache.SSO?.Default?.History?.[0];
}

/** The file store, opened by the test with the password the rows use. */
function fileStore(w: World): SecureStore {
  return new SecureStore({
    backend: new EncryptedFileBackend({
      path: fileStorePath(`${w.home}/${CONFIG_DIR}`),
      fileIo: realFileIo,
      passwordSource: { password: () => Promise.resolve(PASSWORD) },
    }),
    lockPath: `${w.home}/${CONFIG_DIR}/storage.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Waits for a file the URL opener writes in the background. */
async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      const text = await Deno.readTextFile(path);
      if (text.endsWith("\n")) return text;
    } catch {
      // Not yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} was not written`);
}

function processJson(r: CliResult): { Version: number; AccessKeyId: string } {
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.Version, 1);
  return json;
}

const OPENED = "opened-url.txt";

/** A stand-in browser for `$AWS_SSO_BROWSER` / `--browser`: writes the URL to a file. */
// A browser that follows aws-sso's one-time loopback link once (as a real one does) and records
// where it was sent.
const BROWSER_SCRIPT = `#!/bin/sh
exec '${Deno.execPath()}' eval --quiet '
const r = await fetch(Deno.args[0], { redirect: "manual" });
await r.body?.cancel();
const to = r.headers.get("location") ?? Deno.args[0];
await Deno.writeTextFile(Deno.env.get("HOME") + "/${OPENED}", to + "\\n");
' "$1"
`;

const ROWS: Row[] = [
  // Overview: "Guided setup to help you configure aws-sso the first time you run". The wizard
  // needs a terminal (tests/e2e/setup_wizard_test.ts runs it in one); without one it says what to run.
  {
    line: "aws-sso list",
    freshHome: true,
    expect(r) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no config file found/);
      assert.match(r.stderr, /aws-sso setup wizard/);
    },
  },
  // AWS_SSO_FILE_PASSWORD: the file SecureStore's password, so no prompt is needed.
  {
    line: "aws-sso login",
    async expect(r, w, calls) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Logged in to AWS SSO instance Default/);
      assert.equal(calls("CreateToken:authorization_code"), 1);
      const file = await Deno.readTextFile(fileStorePath(`${w.home}/${CONFIG_DIR}`));
      for (const secret of w.emu.issuedSecrets()) assert.ok(!file.includes(secret));
      assert.ok(await fileStore(w).getToken("Default"), "encrypted with AWS_SSO_FILE_PASSWORD");
    },
  },
  {
    line: "aws-sso version",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^aws-sso \S+ \(commit/);
    },
  },
  {
    line: "aws-sso --help",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      for (
        const name of [
          "cache",
          "console",
          "eval",
          "exec",
          "flush",
          "list",
          "process",
          "tags",
          "time",
          "version",
        ]
      ) {
        assert.match(r.stdout, new RegExp(`^  ${name} `, "m"), name);
      }
      assert.match(r.stdout, /^1\.x command names \(still work\):$/m);
      assert.match(r.stdout, /^ {2}config \[options\] +1\.x name of "setup profiles"/m);
      assert.match(
        r.stdout,
        /^ {2}install-completions \[options\] +1\.x name of "setup completions --install"/m,
      );
      for (
        const flag of [
          "-b, --browser <path>",
          "--config <file>",
          "-L, --level <level>",
          "--lines",
          "-u, --url-action <action>",
          "-S, --sso <name>",
          "--sts-refresh",
          "-h, --help",
        ]
      ) {
        assert.ok(r.stdout.includes(flag), flag);
      }
    },
  },
  {
    line: "aws-sso -h",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: aws-sso /);
      assert.match(r.stdout, /^ {2}flush \[options\]/m);
    },
  },
  {
    line: "aws-sso cache",
    expect(r, _w, calls) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(calls("ListAccounts") >= 1);
      assert.ok(calls("ListAccountRoles") >= 2);
    },
  },
  // 1.x's default columns were "AccountId AccountAlias RoleName ExpiresStr"; ours follow 2.x.
  {
    line: "aws-sso list",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^List of AWS roles for SSO Instance: Default/);
      assert.match(
        r.stdout,
        /^AccountIdPad +\| AccountAlias +\| RoleName +\| Profile +\| Expires/m,
      );
      assert.ok(r.stdout.includes(WORDS.profile!));
    },
  },
  {
    line: "aws-sso list AccountId AccountAlias RoleName ExpiresStr",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /WARN list field 'ExpiresStr' is deprecated; use 'Expires'/);
      assert.match(r.stdout, /^AccountId +\| AccountAlias +\| RoleName +\| Expires *$/m);
      assert.match(r.stdout, /^123456789012 +\| .*\| ReadOnlyAccess /m);
    },
  },
  {
    line: "aws-sso list --list-fields",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Field +\| Description/);
      assert.match(r.stdout, /^ExpiresEpoch +\| Unix Epoch when STS creds expire/m);
    },
  },
  {
    line: "aws-sso list -f",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Field +\| Description/);
    },
  },
  // -S / --sso and $AWS_SSO pick the instance (Work has no roles cached and no session yet, so
  // list says to log in to it).
  {
    line: "aws-sso -S Work list",
    expect(r) {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /no roles are cached for SSO instance 'Work'/);
      assert.match(r.stderr, /aws-sso login --sso Work/);
    },
  },
  {
    line: "aws-sso list",
    env: () => ({ AWS_SSO: "Work" }),
    expect(r) {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no roles are cached for SSO instance 'Work'/);
    },
  },
  {
    line: "aws-sso --level debug eval --profile {profile}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^DEBUG region /m);
    },
  },
  {
    line: "aws-sso --lines list ARN",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /WARN list field 'ARN' is deprecated; use 'Arn' \(\w+\.ts:\d+\)/);
      assert.match(r.stdout, /^Arn *$/m);
    },
  },
  // --config / $AWS_SSO_CONFIG: another config.yaml (its DefaultRegion is ap-northeast-1).
  {
    line: "aws-sso --config {home}/alt.yaml eval --profile {profile}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_DEFAULT_REGION, "ap-northeast-1");
    },
  },
  {
    line: "aws-sso eval --profile {profile}",
    env: (w) => ({ AWS_SSO_CONFIG: `${w.home}/alt.yaml` }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_DEFAULT_REGION, "ap-northeast-1");
    },
  },
  // process: --profile > --arn > --account + --role.
  {
    line: "aws-sso process --profile {profile}",
    expect(r, w, calls) {
      const json = processJson(r);
      assert.equal(calls("GetRoleCredentials"), 0, "eval above cached the credentials");
      w.adminKey = json.AccessKeyId;
    },
  },
  {
    line: "aws-sso process --arn {arn}",
    expect(r, w, calls) {
      assert.equal(processJson(r).AccessKeyId, w.adminKey);
      assert.equal(calls("GetRoleCredentials"), 0);
    },
  },
  {
    line: "aws-sso process --account {account} --role {role}",
    expect(r, _w, calls) {
      processJson(r);
      assert.equal(calls("GetRoleCredentials"), 1);
    },
  },
  {
    line: "aws-sso process -a {arn}",
    expect: (r, w) => assert.equal(processJson(r).AccessKeyId, w.adminKey),
  },
  {
    line: "aws-sso process -A 012345678901 -R AdministratorAccess",
    expect: (r, w) => assert.equal(processJson(r).AccessKeyId, w.adminKey),
  },
  {
    line: "aws-sso process -p {profile}",
    expect: (r, w) => assert.equal(processJson(r).AccessKeyId, w.adminKey),
  },
  // The global --sts-refresh before the command, as 1.x took it.
  {
    line: "aws-sso --sts-refresh process --profile {profile}",
    expect(r, w, calls) {
      const json = processJson(r);
      assert.equal(calls("GetRoleCredentials"), 1);
      assert.notEqual(json.AccessKeyId, w.adminKey);
      w.adminKey = json.AccessKeyId;
    },
  },
  // "process does not honor $AWS_SSO_ROLE_ARN, $AWS_SSO_ACCOUNT_ID or $AWS_SSO_ROLE_NAME".
  {
    line: "aws-sso process",
    env: () => ({
      AWS_SSO_ROLE_ARN: WORDS.arn,
      AWS_SSO_ACCOUNT_ID: WORDS.account,
      AWS_SSO_ROLE_NAME: WORDS.role,
    }),
    expect(r) {
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /please specify --arn/);
    },
  },
  // eval: --refresh ($AWS_SSO_ROLE_ARN) > --profile > --arn > --account + --role.
  {
    line: "aws-sso eval --profile {profile}",
    expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const vars = exports(r.stdout);
      assert.equal(vars.AWS_ACCESS_KEY_ID, w.adminKey);
      assert.equal(vars.AWS_SSO_ROLE_ARN, WORDS.arn);
      assert.equal(vars.AWS_SSO_PROFILE, WORDS.profile);
      assert.equal(vars.AWS_DEFAULT_REGION, "eu-west-1");
    },
  },
  {
    line: "aws-sso eval --arn {arn2}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_SSO_ROLE_NAME, "ReadOnlyAccess");
    },
  },
  {
    line: "aws-sso eval --account {account} --role {role}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_SSO_ROLE_ARN, WORDS.arn2);
    },
  },
  {
    line: "aws-sso eval --profile {profile} --no-region",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_DEFAULT_REGION, undefined);
      assert.match(r.stdout, /^unset AWS_SSO_DEFAULT_REGION$/m);
    },
  },
  {
    line: "aws-sso eval --refresh",
    env: () => ({ AWS_SSO_ROLE_ARN: WORDS.arn2 }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      const vars = exports(r.stdout);
      assert.equal(vars.AWS_SSO_ROLE_ARN, WORDS.arn2);
      assert.equal(vars.AWS_SSO_PROFILE, WORDS.profile2);
    },
  },
  // "Suggested use (bash): eval $(aws-sso eval <args>)", then `time` in that shell.
  {
    line: 'eval $(aws-sso eval --profile {profile}) && aws-sso time && echo " $AWS_SSO_PROFILE"',
    shell: true,
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^(1h|59m|58m)\S* 012345678901:AdministratorAccess\n$/);
    },
  },
  // "Using --url-action=print is supported" with eval.
  {
    line: "aws-sso --url-action=print eval --profile {profile}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(exports(r.stdout).AWS_SSO_PROFILE, WORDS.profile);
    },
  },
  {
    line: "aws-sso eval --refresh",
    expect(r) {
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /unable to determine current IAM role/);
    },
  },
  // "$AWS_SSO_ROLE_NAME and $AWS_SSO_ACCOUNT_ID are always ignored" by eval.
  {
    line: "aws-sso eval",
    env: () => ({ AWS_SSO_ACCOUNT_ID: WORDS.account, AWS_SSO_ROLE_NAME: WORDS.role }),
    expect(r) {
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /please specify --refresh/);
    },
  },
  // exec and the variables aws-sso sets.
  {
    line: "aws-sso exec --profile {profile} -- env",
    expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const vars = awsVars(r.stdout);
      assert.equal(vars.AWS_ACCESS_KEY_ID, w.adminKey);
      assert.ok((vars.AWS_SECRET_ACCESS_KEY ?? "").length > 0);
      assert.ok((vars.AWS_SESSION_TOKEN ?? "").length > 0);
      assert.equal(vars.AWS_DEFAULT_REGION, "eu-west-1");
      assert.equal(vars.AWS_SSO_DEFAULT_REGION, "eu-west-1");
      assert.equal(vars.AWS_SSO_ACCOUNT_ID, "012345678901");
      assert.equal(vars.AWS_SSO_ROLE_NAME, "AdministratorAccess");
      assert.equal(vars.AWS_SSO_ROLE_ARN, WORDS.arn);
      assert.equal(vars.AWS_SSO_PROFILE, WORDS.profile);
      assert.equal(vars.AWS_SSO, "Default");
      const expires = Date.parse(vars.AWS_SSO_SESSION_EXPIRATION ?? "");
      assert.ok(expires > Date.now() + 30 * 60_000, vars.AWS_SSO_SESSION_EXPIRATION);
      w.shell = vars;
    },
  },
  // "AWS_DEFAULT_REGION ... will never override an existing value".
  {
    line: "aws-sso exec --arn {arn2} -- env",
    env: () => ({ AWS_DEFAULT_REGION: "ap-south-1" }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      const vars = awsVars(r.stdout);
      assert.equal(vars.AWS_DEFAULT_REGION, "ap-south-1");
      assert.equal(vars.AWS_SSO_DEFAULT_REGION, undefined);
      assert.equal(vars.AWS_SSO_ROLE_ARN, WORDS.arn2);
    },
  },
  {
    line: "aws-sso exec -- env",
    env: () => ({ AWS_SSO_ROLE_ARN: WORDS.arn2 }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(awsVars(r.stdout).AWS_SSO_ROLE_NAME, "ReadOnlyAccess");
    },
  },
  {
    line: "aws-sso exec -- env",
    env: () => ({ AWS_SSO_ACCOUNT_ID: WORDS.account, AWS_SSO_ROLE_NAME: WORDS.role }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(awsVars(r.stdout).AWS_SSO_ROLE_ARN, WORDS.arn2);
    },
  },
  {
    line: "aws-sso exec -a {arn} -- false",
    expect(r) {
      assert.equal(r.code, 1, "the command's exit status");
      assert.equal(r.stderr, "");
    },
  },
  // "if no command is specified, it will start a new interactive shell".
  {
    line: "aws-sso exec --profile {profile}",
    env: () => ({ SHELL: "/bin/sh" }),
    stdin: 'echo "role=$AWS_SSO_ROLE_NAME"\n',
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "role=AdministratorAccess\n");
    },
  },
  // Arguments: [<command>] [<args> ...]
  {
    line: "aws-sso exec --profile {profile2} printenv AWS_SSO_PROFILE",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${WORDS.profile2}\n`);
    },
  },
  // "You can not run exec inside of another exec shell."
  {
    line: "aws-sso exec -- env",
    env: (w) => w.shell,
    expect(r) {
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /Already running with the credentials of/);
    },
  },
  // --env: the role of this aws-sso shell, with its current credentials (not the inherited ones).
  {
    line: "aws-sso exec -e -- env",
    env: (w) => ({ ...w.shell, AWS_ACCESS_KEY_ID: "ASIAINHERITEDSTALE00" }),
    expect(r, w, calls) {
      assert.equal(r.code, 0, r.stderr);
      const vars = awsVars(r.stdout);
      assert.equal(vars.AWS_SSO_ROLE_ARN, WORDS.arn);
      assert.equal(vars.AWS_ACCESS_KEY_ID, w.adminKey);
      assert.equal(vars.AWS_DEFAULT_REGION, "eu-west-1");
      assert.equal(calls("GetRoleCredentials"), 0);
    },
  },
  {
    line: "aws-sso exec --env -- env",
    expect(r) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unable to determine current IAM role: AWS_SSO_ROLE_ARN is not set/);
    },
  },
  {
    line: "aws-sso exec --env --profile {profile2} -- env",
    env: (w) => w.shell,
    expect(r) {
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot be combined with --profile/);
    },
  },
  // console: --prompt > --profile > --arn > --account + --role > AWS credentials > AWS_PROFILE.
  {
    line: "aws-sso console --region us-west-2 --profile {profile} --url-action printurl",
    async expect(r, w, calls) {
      const { destination } = consoleUrl(w, r);
      assert.equal(destination, "https://console.aws.amazon.com/console/home?region=us-west-2");
      assert.equal(calls("getSigninToken"), 1);
      assert.equal(await lastUsed(w), WORDS.arn);
    },
  },
  {
    line: "aws-sso console -r us-west-2 -p {profile2} -u printurl",
    async expect(r, w) {
      assert.match(consoleUrl(w, r).destination, /region=us-west-2$/);
      assert.equal(await lastUsed(w), WORDS.arn2);
    },
  },
  // --prompt forces the interactive selector, which needs a terminal.
  {
    line: "aws-sso console --prompt --profile {profile} -u printurl",
    expect(r, _w, calls) {
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot ask: stdin is not a terminal/);
      assert.equal(calls("getSigninToken"), 0);
    },
  },
  // The global --url-action / -u before the command, as 1.x took it.
  {
    line: "aws-sso -u printurl console --profile {profile}",
    async expect(r, w) {
      assert.match(consoleUrl(w, r).destination, /region=eu-west-1$/);
      assert.equal(await lastUsed(w), WORDS.arn);
    },
  },
  {
    line: "aws-sso --url-action printurl console --arn {arn2} --duration 120",
    async expect(r, w) {
      consoleUrl(w, r);
      assert.equal(await lastUsed(w), WORDS.arn2);
    },
  },
  {
    line: "aws-sso console -A 012345678901 -R AdministratorAccess -u printurl",
    async expect(r, w) {
      consoleUrl(w, r);
      assert.equal(await lastUsed(w), WORDS.arn);
    },
  },
  {
    line: "aws-sso console -u printurl",
    env: () => ({ AWS_SSO_ROLE_ARN: WORDS.arn2 }),
    async expect(r, w) {
      consoleUrl(w, r);
      assert.equal(await lastUsed(w), WORDS.arn2);
    },
  },
  {
    line: "aws-sso console -u printurl",
    env: () => ({ AWS_SSO_ACCOUNT_ID: "012345678901", AWS_SSO_ROLE_NAME: "AdministratorAccess" }),
    async expect(r, w) {
      consoleUrl(w, r);
      assert.equal(await lastUsed(w), WORDS.arn);
    },
  },
  {
    line: "aws-sso console -u printurl",
    env: () => ({ AWS_PROFILE: WORDS.profile2 }),
    async expect(r, w) {
      consoleUrl(w, r);
      assert.equal(await lastUsed(w), WORDS.arn2);
    },
  },
  {
    line: "aws-sso console -u printurl",
    env: (w) => ({
      AWS_ACCESS_KEY_ID: w.shell.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: w.shell.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: w.shell.AWS_SESSION_TOKEN,
    }),
    async expect(r, w, calls) {
      consoleUrl(w, r);
      assert.equal(calls("GetCallerIdentity"), 1);
      assert.equal(await lastUsed(w), WORDS.arn);
    },
  },
  // $AWS_SSO_BROWSER / --browser: the browser for the `open` URL action.
  {
    line: "aws-sso -u open console --profile {profile}",
    env: (w) => ({ AWS_SSO_BROWSER: `${w.home}/browser.sh` }),
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const opened = await waitForFile(`${w.home}/${OPENED}`);
      assert.ok(opened.startsWith(`${w.emu.url}/federation?Action=login&`), opened);
    },
  },
  {
    line: "aws-sso --browser {home}/browser.sh --url-action open console -p {profile2}",
    before: (w) => Deno.remove(`${w.home}/${OPENED}`),
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const opened = await waitForFile(`${w.home}/${OPENED}`);
      assert.ok(opened.startsWith(`${w.emu.url}/federation?Action=login&`), opened);
    },
  },
  {
    line: "aws-sso tags",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      const arns = r.stdout.split("\n").filter((l) => l.startsWith("arn:"));
      assert.equal(arns.length, 4);
      assert.match(r.stdout, /^ {2}AccountID: 123456789012$/m);
    },
  },
  {
    line: "aws-sso tags --account {account} --role {role}",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.split("\n").filter((l) => l.startsWith("arn:")), [WORDS.arn2]);
      assert.match(r.stdout, /^ {2}Role: ReadOnlyAccess$/m);
    },
  },
  {
    line: "aws-sso time",
    env: () => ({
      AWS_SSO_SESSION_EXPIRATION: new Date(Date.now() + 2 * 3600_000 + 30_000).toISOString(),
    }),
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^(2h0m|1h59m)$/);
    },
  },
  {
    // Outside an aws-sso shell: said on stderr, exit 1, nothing on stdout for a prompt to show.
    line: "aws-sso time",
    expect(r) {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /not in an aws-sso shell/);
    },
  },
  // config: --diff prints the changes instead of writing; without a terminal it writes (1.x).
  {
    line: "aws-sso config --diff --open open",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\+\[profile 012345678901:AdministratorAccess\]$/m);
      assert.equal(await exists(`${w.home}/.aws/config`), false);
    },
  },
  {
    line: "aws-sso config --print",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^# BEGIN_AWS_SSO_CLI\n/);
      assert.equal((r.stdout.match(/^\[profile /gm) ?? []).length, 4);
      assert.equal(await exists(`${w.home}/.aws/config`), false);
    },
  },
  {
    line: "aws-sso config --open open",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const text = await Deno.readTextFile(`${w.home}/.aws/config`);
      assert.match(text, /^# BEGIN_AWS_SSO_CLI\n/);
      assert.equal((text.match(/^\[profile /gm) ?? []).length, 4);
      assert.match(
        text,
        /^credential_process = .* -S "Default" process --arn arn:aws:iam::012345678901:role\/AdministratorAccess$/m,
      );
      assert.match(r.stderr, /aws-sso -S Work config/);
    },
  },
  {
    line: "aws-sso config --open clip",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /no changes made to ~\/\.aws\/config/);
      assert.equal((await Deno.stat(`${w.home}/.aws/config`)).mode! & 0o777, 0o600);
    },
  },
  {
    line: "aws-sso config --open exec --diff",
    expect(r) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
    },
  },
  {
    line: "aws-sso install-completions",
    env: () => ({ SHELL: "/bin/bash" }),
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      const rc = Deno.build.os === "darwin" ? ".bash_profile" : ".bashrc";
      assert.match(await Deno.readTextFile(`${w.home}/${rc}`), /^# BEGIN_AWS_SSO_CLI\n/m);
      assert.match(r.stderr, /restart your shell/);
    },
  },
  {
    line: "aws-sso install-completions",
    env: () => ({ SHELL: "/usr/bin/zsh" }),
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(await Deno.readTextFile(`${w.home}/.zshrc`), /^# BEGIN_AWS_SSO_CLI\n/m);
    },
  },
  // flush: sts (default) the role credentials of the instance, sso the SSO token, all both.
  {
    line: "aws-sso flush",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`Flushed the cached STS credentials of ${WORDS.arn}$`, "m"),
      );
      assert.match(
        r.stderr,
        new RegExp(`Flushed the cached STS credentials of ${WORDS.arn2}$`, "m"),
      );
      assert.deepEqual(await fileStore(w).listRoleCredentialArns(), []);
    },
  },
  {
    line: "aws-sso process --profile {profile}",
    expect(r, w, calls) {
      const json = processJson(r);
      assert.equal(calls("GetRoleCredentials"), 1, "flush made process fetch new credentials");
      assert.notEqual(json.AccessKeyId, w.adminKey);
      w.adminKey = json.AccessKeyId;
    },
  },
  {
    line: "aws-sso flush --type sts",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Flushed the cached STS credentials of arn:/);
      assert.deepEqual(await fileStore(w).listRoleCredentialArns(), []);
      assert.ok(await fileStore(w).getToken("Default"));
    },
  },
  {
    line: "aws-sso flush -t sso",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Flushed the AWS SSO token of instance Default/);
      assert.equal(await fileStore(w).getToken("Default"), undefined);
    },
  },
  {
    line: "aws-sso -u print login",
    visitLoginUrl: true,
    async expect(r, w, calls) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Please open the following URL in your browser:\n\nhttp/);
      assert.equal(calls("CreateToken:authorization_code"), 1);
      assert.ok(await fileStore(w).getToken("Default"));
    },
  },
  {
    line: "aws-sso flush --type all",
    async expect(r, w) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /No cached STS credentials to flush for SSO instance Default/);
      assert.match(r.stderr, /Flushed the AWS SSO token of instance Default/);
      assert.equal(await fileStore(w).getToken("Default"), undefined);
    },
  },
  {
    line: "aws-sso --url-action printurl login",
    visitLoginUrl: true,
    expect(r, _w, calls) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^http:\/\/127\.0\.0\.1:\d+\/authorize\?/m);
      assert.equal(calls("CreateToken:authorization_code"), 1);
    },
  },
];

Deno.test({
  name: "every command line of the 1.x documentation works and does what the text says",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await tempHome();
    const fresh = await tempHome();
    try {
      const config = (region: string) =>
        `SecureStore: file
DefaultSSO: Default
DefaultRegion: ${region}
ProfileFormat: "{{ .AccountIdPad }}:{{ .RoleName }}"
UrlAction: exec
UrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]
SSOConfig:
  Default:
    SSORegion: ${emu.region}
    StartUrl: ${emu.startUrl}
  Work:
    SSORegion: ${emu.region}
    StartUrl: ${emu.startUrl}
`;
      await writeConfig(home, config("eu-west-1"));
      await Deno.writeTextFile(`${home}/alt.yaml`, config("ap-northeast-1"));
      await Deno.writeTextFile(`${home}/browser.sh`, BROWSER_SCRIPT, { mode: 0o755 });
      await Deno.mkdir(`${home}/bin`);
      await Deno.writeTextFile(`${home}/bin/aws-sso`, WRAPPER, { mode: 0o755 });
      const w: World = {
        emu,
        home,
        env: {
          ...baseEnv(home),
          ...emu.env,
          AWS_SSO_FILE_PASSWORD: PASSWORD,
          SHELL: "/bin/bash",
        },
        shell: {},
      };
      for (const row of ROWS) {
        const names = Object.keys(row.env?.(w) ?? {});
        const label = names.length === 0
          ? row.line
          : `${names.length > 3 ? "(in an aws-sso exec shell)" : names.join(" ")} ${row.line}`;
        await t.step(label, async () => {
          await row.before?.(w);
          const env: Record<string, string> = { ...w.env };
          for (const [k, v] of Object.entries(row.env?.(w) ?? {})) {
            if (v === undefined) delete env[k];
            else env[k] = v;
          }
          const runHome = row.freshHome ? fresh : home;
          const before = emu.counters;
          const command = row.shell
            ? ["bash", "-c", fillIn(row.line, w)]
            : [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...argv(row.line, w)];
          const r = await run(command, {
            home: runHome,
            env: { ...env, HOME: runHome, PATH: `${home}/bin:${env.PATH}` },
            stdin: row.stdin,
            visit: row.visitLoginUrl,
          });
          const after = emu.counters;
          await row.expect(r, w, (op) => (after[op] ?? 0) - (before[op] ?? 0));
        });
      }
    } finally {
      await Deno.remove(home, { recursive: true });
      await Deno.remove(fresh, { recursive: true });
    }
  },
});
