/**
 * `--aws-profile` (issue 10) as a user runs it, with the real AWS CLI v2 (`/usr/bin/aws`) and the
 * emulator: `aws sso login` writes the token cache, `aws-sso process --aws-profile` (no
 * config.yaml) turns it into role credentials, and the AWS CLI runs a profile whose
 * `credential_process` is that command. The AWS CLI 2.9 reaches the emulator through an
 * `AWS_DATA_PATH` of patched endpoint rules (tests/emulator/aws_cli_data_path.ts); aws-sso
 * through `AWS_ENDPOINT_URL_*`. Every test is skipped when /usr/bin/aws is absent.
 */
import assert from "node:assert/strict";
import { awsCliTimestamp, parseAwsCliToken } from "../../lib/sso/aws_cli_token_cache.ts";
import { createAwsCliDataPath } from "../emulator/aws_cli_data_path.ts";
import { browse } from "../emulator/browser.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { baseEnv, type CliResult, runCli, tempHome } from "./run_cli.ts";

const AWS_CLI = "/usr/bin/aws";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const PASSWORD = "correct horse battery staple";
const ACCOUNT = "012345678901";

function cliPresent(): boolean {
  try {
    return Deno.statSync(AWS_CLI).isFile;
  } catch {
    return false;
  }
}

/** Registers a test that needs the AWS CLI, skipped (and saying so) without it. */
function awsTest(name: string, fn: () => Promise<void>): void {
  const present = cliPresent();
  Deno.test({
    name: present ? name : `${name} (skipped: ${AWS_CLI} is not installed)`,
    ignore: !present,
    fn,
  });
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A temp HOME with ~/.aws/config for the emulator, and no aws-sso config.yaml. */
interface World {
  emu: Emulator;
  home: string;
  /** Environment of aws-sso runs (and of the credential_process the AWS CLI starts). */
  env: Record<string, string>;
  /** Runs `/usr/bin/aws`. */
  aws(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Runs `aws-sso`. */
  awsSso(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** `aws sso login --no-browser --profile <name>`, approved in the emulator's "browser". */
  login(profile: string): Promise<void>;
  /** The AWS CLI's token cache file for `key` (sso-session name or legacy start URL). */
  cacheFile(key: string): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function world(extraConfig = ""): Promise<World> {
  const emu = await startEmulator();
  const home = await tempHome();
  const dataPath = await createAwsCliDataPath(emu.url, `${home}/aws-data`);
  const process = `${Deno.execPath()} run -A --quiet ${MAIN} process --aws-profile p`;
  await Deno.mkdir(`${home}/.aws`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.aws/config`,
    `[sso-session corp]
sso_start_url = ${emu.startUrl}
sso_region = ${emu.region}
sso_registration_scopes = sso:account:access

[profile p]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = Developer
region = eu-west-1

[profile q]
credential_process = ${process}
region = ${emu.region}

[profile legacy]
sso_start_url = ${emu.startUrl}/legacy
sso_region = ${emu.region}
sso_account_id = ${ACCOUNT}
sso_role_name = ReadOnlyAccess
${extraConfig}`,
  );
  const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
  const aws = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const out = await new Deno.Command(AWS_CLI, {
      args: [...args, "--output", "json", "--no-cli-pager"],
      clearEnv: true,
      env: {
        ...baseEnv(home),
        AWS_DATA_PATH: dataPath,
        AWS_EC2_METADATA_DISABLED: "true",
        ...env,
        ...extraEnv,
      },
      cwd: home,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  };
  return {
    emu,
    home,
    env,
    aws,
    awsSso: (args, extraEnv = {}) => runCli(args, { home, env: { ...env, ...extraEnv } }),
    async login(profile) {
      const before = new Set(emu.pendingUserCodes());
      const running = aws(["sso", "login", "--no-browser", "--profile", profile]);
      const deadline = Date.now() + 30_000;
      let code: string | undefined;
      while (code === undefined && Date.now() < deadline) {
        code = emu.pendingUserCodes().find((c) => !before.has(c));
        if (code === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(code, "aws sso login never started a device authorization");
      emu.approveDevice(code);
      const done = await running;
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /Successfully logged into Start URL/);
    },
    async cacheFile(key) {
      return `${home}/.aws/sso/cache/${await sha1Hex(key)}.json`;
    },
    async [Symbol.asyncDispose]() {
      await emu.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** Every file under `dir` whose bytes contain `secret`. */
async function filesContaining(dir: string, secret: string): Promise<string[]> {
  const found: string[] = [];
  const needle = new TextEncoder().encode(secret);
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(full);
      else if (entry.isFile) {
        const bytes = await Deno.readFile(full);
        outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
          for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
          found.push(full);
          break;
        }
      }
    }
  };
  await walk(dir);
  return found;
}

interface ProcessJson {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  AccountId: string;
}

awsTest(
  "process --aws-profile turns the token of `aws sso login` into credentials without config.yaml, and aws runs it as credential_process",
  async () => {
    await using w = await world();
    await w.login("p");
    const cache = await w.cacheFile("corp");
    const written = parseAwsCliToken(await Deno.readTextFile(cache));
    assert.ok(written, "the AWS CLI wrote its token cache file");

    w.emu.resetCounters();
    const first = await w.awsSso(["process", "--aws-profile", "p"]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, "");
    const creds: ProcessJson = JSON.parse(first.stdout);
    assert.equal(creds.Version, 1);
    assert.equal(creds.AccountId, ACCOUNT);
    assert.ok(Date.parse(creds.Expiration) > Date.now() + 50 * 60_000);
    assert.equal(w.emu.counters["GetRoleCredentials"], 1);
    assert.equal(w.emu.counters["CreateToken"] ?? 0, 0, "a fresh token is not refreshed");

    // No config.yaml was needed or created; the store is the auto-detected one (here: file).
    const configDir = `${w.home}/.config/aws-sso`;
    await assert.rejects(() => Deno.stat(`${configDir}/config.yaml`), Deno.errors.NotFound);
    assert.ok((await Deno.stat(`${configDir}/secure`)).isDirectory, "the encrypted file store");

    // The second run is served from aws-sso's store.
    const second = await w.awsSso(["process", "--aws-profile", "p"]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), creds);
    assert.equal(w.emu.counters["GetRoleCredentials"], 1);

    // The AWS CLI runs `credential_process = aws-sso process --aws-profile p` for profile q.
    const identity = await w.aws(["sts", "get-caller-identity", "--profile", "q"]);
    assert.equal(identity.code, 0, identity.stderr);
    const id = JSON.parse(identity.stdout);
    assert.equal(id.Account, ACCOUNT);
    assert.match(id.Arn, /:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]+\//);
    assert.equal(w.emu.counters["GetRoleCredentials"], 1, "credential_process used the store");

    // The role credentials never reach a file in clear text (the search does find the AWS CLI's
    // own token, which that file keeps in clear by design).
    assert.deepEqual(await filesContaining(w.home, written.accessToken), [cache]);
    assert.deepEqual(await filesContaining(w.home, creds.SecretAccessKey), []);
    assert.deepEqual(await filesContaining(w.home, creds.SessionToken), []);
  },
);

awsTest(
  "a near-expiry token is refreshed once, the cache file is rewritten as the AWS CLI writes it, and aws still accepts it",
  async () => {
    await using w = await world();
    await w.login("p");
    const cache = await w.cacheFile("corp");
    // The emulator gives the AWS CLI 2.9's registration (no grant types) no refresh token, as
    // AWS did for legacy registrations: put in a refreshable one, and expire the token soon.
    const issued = w.emu.issueToken();
    const original = JSON.parse(await Deno.readTextFile(cache));
    const nearExpiry = {
      ...original,
      expiresAt: awsCliTimestamp(Date.now() + 5 * 60_000),
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      registrationExpiresAt: awsCliTimestamp(issued.clientSecretExpiresAt * 1000),
      refreshToken: issued.refreshToken,
    };
    await Deno.writeTextFile(cache, JSON.stringify(nearExpiry), { mode: 0o600 });

    w.emu.resetCounters();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => w.awsSso(["process", "--aws-profile", "p"])),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(w.emu.counters["CreateToken"], 1, "one refresh across the processes");
    assert.equal(w.emu.counters["GetRoleCredentials"], 1, "one fetch across the processes");

    const text = await Deno.readTextFile(cache);
    const after = JSON.parse(text);
    assert.deepEqual(Object.keys(after), Object.keys(nearExpiry), "fields kept, in order");
    for (const key of ["startUrl", "region", "clientId", "clientSecret", "registrationExpiresAt"]) {
      assert.equal(after[key], nearExpiry[key], key);
    }
    assert.notEqual(after.accessToken, nearExpiry.accessToken);
    assert.match(after.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Date.parse(after.expiresAt) > Date.now() + 50 * 60_000);
    assert.match(text, /^\{"startUrl": "/, "Python's json.dumps layout");
    assert.equal((await Deno.stat(cache)).mode! & 0o777, 0o600);
    const leftovers = [...Deno.readDirSync(`${w.home}/.aws/sso/cache`)].filter((e) =>
      e.name.endsWith(".tmp")
    );
    assert.deepEqual(leftovers, [], "replaced atomically, no temp file left");

    // The AWS CLI uses the rewritten file for its own SSO credentials.
    w.emu.resetCounters();
    const exported = await w.aws(["configure", "export-credentials", "--profile", "p"]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).Version, 1);
    assert.equal(w.emu.counters["GetRoleCredentials"], 1);
    assert.equal(w.emu.counters["CreateToken"] ?? 0, 0, "aws did not need to refresh it again");
  },
);

awsTest(
  "without a token, process --aws-profile fails at once with one line naming `aws sso login --profile p`",
  async () => {
    await using w = await world();
    w.emu.resetCounters();
    const started = Date.now();
    const r = await w.awsSso(["process", "--aws-profile", "p"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      "aws-sso: error: Cannot get credentials for AWS profile p: you are not logged in to AWS SSO; " +
        'run "aws sso login --profile p"\n',
    );
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(Object.values(w.emu.counters).filter((n) => n > 0), [], "no AWS call");

    // The AWS CLI shows that line to its user.
    const identity = await w.aws(["sts", "get-caller-identity", "--profile", "q"]);
    assert.notEqual(identity.code, 0);
    assert.match(identity.stderr, /aws sso login --profile p/);
    assert.deepEqual(w.emu.pendingUserCodes(), [], "no login was started");
  },
);

awsTest(
  "a legacy sso_start_url profile uses the token the AWS CLI keyed by the start URL",
  async () => {
    await using w = await world();
    await w.login("legacy");
    const cache = await w.cacheFile(`${w.emu.startUrl}/legacy`);
    assert.ok(parseAwsCliToken(await Deno.readTextFile(cache)));
    const r = await w.awsSso(["eval", "--aws-profile", "legacy", "--format", "dotenv"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^AWS_SSO_ROLE_ARN=arn:aws:iam::${ACCOUNT}:role/ReadOnlyAccess$`, "m"),
    );
    assert.match(r.stdout, /^AWS_SSO_PROFILE=legacy$/m);
    // The sso-session profile has no token yet: the two are separate sessions.
    const other = await w.awsSso(["process", "--aws-profile", "p"]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /aws sso login --profile p/);
  },
);

/** Writes a token cache entry for session `corp` as `aws sso login` would. */
async function signedIn(w: World): Promise<void> {
  const issued = w.emu.issueToken();
  await Deno.mkdir(`${w.home}/.aws/sso/cache`, { recursive: true });
  await Deno.writeTextFile(
    await w.cacheFile("corp"),
    JSON.stringify({
      startUrl: w.emu.startUrl,
      region: w.emu.region,
      accessToken: issued.accessToken,
      expiresAt: awsCliTimestamp(Date.now() + 3600_000),
    }),
    { mode: 0o600 },
  );
}

function roleArnOf(dotenv: string): string | undefined {
  return /^AWS_SSO_ROLE_ARN=(.*)$/m.exec(dotenv)?.[1];
}

awsTest(
  "the account and role come from the flag, then AWS_SSO_* variables, then the profile",
  async () => {
    await using w = await world();
    await signedIn(w);
    const evalArn = async (args: string[], env: Record<string, string> = {}) => {
      const r = await w.awsSso(["eval", "--aws-profile", "p", "--format", "dotenv", ...args], env);
      assert.equal(r.code, 0, r.stderr);
      return roleArnOf(r.stdout);
    };
    const arn = (role: string) => `arn:aws:iam::${ACCOUNT}:role/${role}`;
    assert.equal(await evalArn([]), arn("Developer"));
    const env = { AWS_SSO_ROLE_NAME: "ReadOnlyAccess" };
    assert.equal(await evalArn([], env), arn("ReadOnlyAccess"));
    assert.equal(await evalArn(["--role", "AdministratorAccess"], env), arn("AdministratorAccess"));
    assert.equal(
      await evalArn(["-A", "123456789012", "-R", "Developer"], env),
      "arn:aws:iam::123456789012:role/Developer",
    );
    // Inside an aws-sso exec shell the variables describe that shell's role: not overrides.
    const shell = {
      AWS_SSO_ACCOUNT_ID: "123456789012",
      AWS_SSO_ROLE_NAME: "ReadOnlyAccess",
      AWS_SSO_ROLE_ARN: "arn:aws:iam::123456789012:role/ReadOnlyAccess",
    };
    assert.equal(await evalArn([], shell), arn("Developer"));

    const conflict = await w.awsSso(["process", "--aws-profile", "p", "--arn", arn("Developer")]);
    assert.equal(conflict.code, 2);
    assert.match(conflict.stderr, /--aws-profile cannot be combined with --arn/);
    const stray = await w.awsSso(["process", "--arn", arn("Developer"), "--sso-region", "x"]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--sso-region requires --aws-profile/);
    const missing = await w.awsSso(["process", "--aws-profile", "nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /AWS profile nope is not in ~\/\.aws\/config/);
    const noFile = await w.awsSso(["process", "--aws-profile", "p"], {
      AWS_CONFIG_FILE: `${w.home}/absent`,
    });
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /AWS profile p is not in ~\/absent: the file does not exist/);
    assert.match(noFile.stderr, /hint: create the profile with "aws configure sso --profile p"/);
  },
);

awsTest("exec and console take --aws-profile without config.yaml", async () => {
  await using w = await world();
  await signedIn(w);
  const exec = await w.awsSso([
    "exec",
    "--aws-profile",
    "p",
    "--",
    "/bin/sh",
    "-c",
    'echo "$AWS_SSO_ROLE_ARN $AWS_REGION $AWS_SSO_PROFILE"',
  ]);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, `arn:aws:iam::${ACCOUNT}:role/Developer eu-west-1 p\n`);

  const console = await w.awsSso(["console", "--aws-profile", "p", "--url-action", "print"]);
  assert.equal(console.code, 0, console.stderr);
  assert.equal(console.stdout, "");
  const url = /(https?:\/\/\S+federation\S*)/.exec(console.stderr)?.[1];
  assert.ok(url, console.stderr);
  assert.match(url, /Action=login/);
  assert.equal(w.emu.counters["GetRoleCredentials"], 1, "exec and console share the stored role");
});

awsTest(
  "console --portal --aws-profile prints the profile's shortcut link with no token",
  async () => {
    await using w = await world();
    // No `aws sso login`: the access portal in the browser does the sign-in.
    const r = await w.awsSso([
      "console",
      "--portal",
      "--aws-profile",
      "p",
      "--service",
      "s3",
      "--url-action",
      "print",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const line = r.stderr.split("\n").find((l) => l.startsWith(`${w.emu.startUrl}/#/console?`));
    assert.ok(line, r.stderr);
    const link = new URL(line);
    assert.deepEqual(
      Object.fromEntries(new URLSearchParams(link.hash.slice("#/console?".length))),
      {
        account_id: ACCOUNT,
        role_name: "Developer",
        destination: "https://console.aws.amazon.com/s3/home?region=eu-west-1",
      },
    );
    for (const op of ["CreateToken", "GetRoleCredentials", "getSigninToken"]) {
      assert.equal(w.emu.counters[op] ?? 0, 0, `${op} was called`);
    }
  },
);

awsTest(
  "--interactive logs in with the browser and writes the token where the AWS CLI finds it",
  async () => {
    await using w = await world();
    const child = new Deno.Command("setsid", {
      args: [
        "-w",
        Deno.execPath(),
        "run",
        "-A",
        "--quiet",
        MAIN,
        "process",
        "--aws-profile",
        "p",
        "--interactive",
        "--url-action",
        "print",
      ],
      env: { ...baseEnv(w.home), ...w.env },
      clearEnv: true,
      cwd: w.home,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const pump = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
    })();
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < deadline) {
      url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\S*)/.exec(stderr)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(url, `no login URL on stderr: ${stderr}`);
    assert.equal(await browse(url), 0);
    const [stdout, status] = await Promise.all([
      new Response(child.stdout).text(),
      child.status,
      pump,
    ]);
    assert.equal(status.code, 0, stderr);
    assert.equal(JSON.parse(stdout).AccountId, ACCOUNT);

    const token = parseAwsCliToken(await Deno.readTextFile(await w.cacheFile("corp")));
    assert.ok(token?.refreshToken && token.clientId && token.registrationExpiresAtMs);
    const exported = await w.aws(["configure", "export-credentials", "--profile", "p"]);
    assert.equal(exported.code, 0, exported.stderr);
  },
);
