/**
 * `aws-sso console` as a user runs it, against the emulator's federation endpoint
 * (`AWS_ENDPOINT_URL_SIGNIN`): the printed sign-in URL answers 302 to the console page, chained
 * (`Via`) roles get no SessionDuration, credentials from the environment and `AWS_PROFILE` work,
 * bad flags exit 2, container URL actions, and no secret in trace logs outside the URL.
 */
import assert from "node:assert/strict";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { queryEscape } from "../../lib/url_action_format.ts";
import { type CliResult, runCli, tempHome, writeConfig } from "./run_cli.ts";
import { writeJsonStoreSession } from "./_creds_session.ts";
import { writeRecordingProgram } from "../fakes/recording_program.ts";
import { canSwitchUser, fetchAsNobody } from "../fakes/other_user.ts";

const CONFIG_DIR = ".config/aws-sso";
const ADMIN = "012345678901:AdministratorAccess";
const opts = { sanitizeOps: false, sanitizeResources: false };

interface World {
  emu: Emulator;
  home: string;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** An emulator, a config (json store, plain profile names) and a signed-in session. */
async function world(extra = ""): Promise<World> {
  const emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
  const home = await tempHome();
  await writeConfig(
    home,
    `SecureStore: json
ProfileFormat: "{{ .AccountIdPad }}:{{ .RoleName }}"
SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: ${emu.startUrl}
${extra}`,
  );
  await writeJsonStoreSession(home, emu);
  return {
    emu,
    home,
    cli: (args, env = {}) => runCli(args, { home, env: { ...emu.env, ...env } }),
    async [Symbol.asyncDispose]() {
      await emu.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** The sign-in URL printed by `--url-action printurl` (the only line that is one). */
function printedUrl(w: World, r: CliResult): string {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "", "stdout stays empty");
  const lines = r.stderr.split("\n").filter((l) => l.startsWith(`${w.emu.url}/federation?`));
  assert.equal(lines.length, 1, r.stderr);
  return lines[0]!;
}

/** Opens the sign-in URL like a browser that does not follow the redirect. */
async function signIn(url: string): Promise<{ status: number; location: string | null }> {
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  return { status: res.status, location: res.headers.get("location") };
}

/** Role credentials as `aws-sso process` prints them, as environment variables. */
async function processCredentials(w: World, arn: string) {
  const r = await w.cli(["process", "--arn", arn]);
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  return {
    AWS_ACCESS_KEY_ID: c.AccessKeyId as string,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey as string,
    AWS_SESSION_TOKEN: c.SessionToken as string,
  };
}

Deno.test({
  name: "console --url-action printurl prints a sign-in URL that answers 302 to the console",
  ...opts,
  async fn() {
    await using w = await world();
    const r = await w.cli(["console", "-p", ADMIN, "--url-action", "printurl"]);
    const url = printedUrl(w, r);
    const params = new URL(url).searchParams;
    assert.equal(params.get("Action"), "login");
    assert.equal(params.get("Issuer"), w.emu.startUrl);
    assert.equal(w.emu.counters["getSigninToken"], 1);
    const { status, location } = await signIn(url);
    assert.equal(status, 302);
    assert.equal(location, "https://console.aws.amazon.com/console/home?region=us-east-1");
  },
});

Deno.test({
  name: "console honours --service with -r, and --destination paths, in the redirect",
  ...opts,
  async fn() {
    await using w = await world();
    const s3 = await w.cli([
      "console",
      "-p",
      ADMIN,
      "-u",
      "printurl",
      "--service",
      "s3",
      "-r",
      "eu-west-1",
    ]);
    assert.deepEqual(await signIn(printedUrl(w, s3)), {
      status: 302,
      location: "https://console.aws.amazon.com/s3/home?region=eu-west-1",
    });
    const dest = "/ec2/home?region=us-west-2#Instances:";
    const ec2 = await w.cli(["console", "-p", ADMIN, "-u", "printurl", "--destination", dest]);
    assert.deepEqual(await signIn(printedUrl(w, ec2)), {
      status: 302,
      location: `https://console.aws.amazon.com${dest}`,
    });
  },
});

Deno.test({
  name: "console uses the role's DefaultRegion, and AWS_DEFAULT_REGION over it",
  ...opts,
  async fn() {
    await using w = await world(`    Accounts:
      "012345678901":
        DefaultRegion: ap-southeast-2
`);
    const own = await w.cli(["console", "-p", ADMIN, "-u", "printurl"]);
    assert.equal(
      (await signIn(printedUrl(w, own))).location,
      "https://console.aws.amazon.com/console/home?region=ap-southeast-2",
    );
    const env = await w.cli(["console", "-p", ADMIN, "-u", "printurl"], {
      AWS_DEFAULT_REGION: "sa-east-1",
    });
    assert.equal(
      (await signIn(printedUrl(w, env))).location,
      "https://console.aws.amazon.com/console/home?region=sa-east-1",
    );
  },
});

const VIA_CONFIG = `    Accounts:
      "123456789012":
        Roles:
          Deployer:
            Via: arn:aws:iam::012345678901:role/AdministratorAccess
`;

Deno.test({
  name: "console for a chained (Via) role sends no SessionDuration and the emulator accepts it",
  ...opts,
  async fn() {
    await using w = await world(VIA_CONFIG);
    const r = await w.cli([
      "console",
      "-p",
      "123456789012:Deployer",
      "-u",
      "printurl",
      "-d",
      "120",
    ]);
    const { status } = await signIn(printedUrl(w, r));
    assert.equal(status, 302);
    assert.equal(w.emu.counters["AssumeRole"], 1);
    assert.equal(w.emu.counters["getSigninToken"], 1);
  },
});

Deno.test({
  name: "console with SSO credentials in the environment signs in as that role",
  ...opts,
  async fn() {
    await using w = await world();
    assert.equal((await w.cli(["cache"])).code, 0);
    const env = await processCredentials(w, ADMIN);
    w.emu.resetCounters();
    const r = await w.cli(["console", "-u", "printurl", "-d", "30"], env);
    assert.equal((await signIn(printedUrl(w, r))).status, 302);
    assert.equal(w.emu.counters["GetCallerIdentity"], 1);
    assert.equal(w.emu.counters["GetRoleCredentials"] ?? 0, 0, "the environment's creds were used");
    const cache = JSON.parse(await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/cache.json`));
    assert.deepEqual(cache.SSO.Default.History, [
      "arn:aws:iam::012345678901:role/AdministratorAccess",
    ]);
  },
});

Deno.test({
  name: "console with a Via role's credentials from aws-sso process in the environment works",
  ...opts,
  async fn() {
    await using w = await world(VIA_CONFIG);
    const env = await processCredentials(w, "123456789012:Deployer");
    assert.equal(w.emu.counters["AssumeRole"], 1);
    const r = await w.cli(["console", "-u", "printurl", "-d", "240"], env);
    assert.equal((await signIn(printedUrl(w, r))).status, 302);
    const cache = JSON.parse(await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/cache.json`));
    assert.deepEqual(cache.SSO.Default.History, ["arn:aws:iam::123456789012:role/Deployer"]);
  },
});

/** Credentials of a plain sts:AssumeRole (not an Identity Center role), as environment variables. */
async function assumedRoleEnv(w: World): Promise<Record<string, string>> {
  const sso = await processCredentials(w, ADMIN);
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: w.emu.url,
    credentials: {
      accessKeyId: sso.AWS_ACCESS_KEY_ID,
      secretAccessKey: sso.AWS_SECRET_ACCESS_KEY,
      sessionToken: sso.AWS_SESSION_TOKEN,
    },
  });
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: "arn:aws:iam::123456789012:role/Deployer",
      RoleSessionName: "console-test",
    }),
  );
  sts.destroy();
  const c = assumed.Credentials!;
  return {
    AWS_ACCESS_KEY_ID: c.AccessKeyId!,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
    AWS_SESSION_TOKEN: c.SessionToken!,
  };
}

Deno.test({
  name: "console with assumed-role credentials of a role not in the cache omits SessionDuration",
  ...opts,
  async fn() {
    await using w = await world();
    const r = await w.cli(["console", "-u", "printurl"], await assumedRoleEnv(w));
    assert.equal((await signIn(printedUrl(w, r))).status, 302);
  },
});

Deno.test({
  name: "console with AWS_PROFILE uses that cached profile, and names one it cannot find",
  ...opts,
  async fn() {
    await using w = await world();
    const ok = await w.cli(["console", "-u", "printurl"], { AWS_PROFILE: ADMIN });
    assert.equal((await signIn(printedUrl(w, ok))).status, 302);
    const missing = await w.cli(["console", "-u", "printurl"], { AWS_PROFILE: "nope" });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /AWS_PROFILE=nope was not found in our cache/);
  },
});

Deno.test({
  name: "console takes the role from AWS_SSO_ROLE_ARN, and --prompt goes to the picker instead",
  ...opts,
  async fn() {
    await using w = await world();
    const env = { AWS_SSO_ROLE_ARN: `arn:aws:iam::${ADMIN.replace(":", ":role/")}` };
    const r = await w.cli(["console", "-u", "printurl"], env);
    assert.equal((await signIn(printedUrl(w, r))).status, 302);
    // No terminal here: the picker refuses, which shows --prompt ignored the variable.
    const prompt = await w.cli(["console", "-P", "-u", "printurl"], env);
    assert.equal(prompt.code, 2, prompt.stderr);
    assert.match(prompt.stderr, /stdin is not a terminal/);
  },
});

Deno.test({
  name: "console rejects a bad --duration, --destination or --region with exit 2 before any call",
  ...opts,
  async fn() {
    await using w = await world();
    const cases: [string[], RegExp][] = [
      [["-d", "5"], /invalid --duration 5\. {2}Must be between 15 and 720/],
      [["--duration", "721"], /invalid --duration 721\. {2}Must be between 15 and 720/],
      [["-d", "abc"], /invalid --duration abc\./],
      [["--destination", "https://evil.example.com/"], /invalid --destination/],
      [["--destination", "/ec2/home", "--service", "s3"], /cannot be used together/],
      [["-r", "not a region"], /invalid --region/],
    ];
    for (const [args, message] of cases) {
      const r = await w.cli(["console", "-p", ADMIN, "-u", "printurl", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
    assert.deepEqual(w.emu.counters, {}, "no network call");
  },
});

Deno.test({
  name: "console opens container URLs with the profile name and the role's Color/Icon tags",
  ...opts,
  async fn() {
    const out = await Deno.makeTempFile();
    await using w = await world(`    Accounts:
      "012345678901":
        Roles:
          AdministratorAccess:
            Tags:
              Color: red
              Icon: dollar
`);
    const configFile = `${w.home}/${CONFIG_DIR}/config.yaml`;
    await Deno.writeTextFile(
      configFile,
      // Every `%s` becomes the URL, so the script only refers to it as $0.
      `UrlExecCommand: ["/bin/sh", "-c", "echo \\"$0\\" >> ${out}", "%s"]\n` +
        await Deno.readTextFile(configFile),
    );
    for (const action of ["open-url-in-container", "granted-containers"]) {
      await Deno.writeTextFile(out, "");
      // The command waits until the browser fetched its one-time link.
      const running = w.cli(["console", "-p", ADMIN, "-u", action]);
      let line = "";
      for (let i = 0; i < 200 && line === ""; i++) {
        line = (await Deno.readTextFile(out)).trim();
        if (line === "") await new Promise((res) => setTimeout(res, 50));
      }
      const scheme = action === "granted-containers" ? "ext+granted-containers" : "ext+container";
      const m = new RegExp(
        `^${scheme.replace("+", "\\+")}:name=(.+)&url=(.+)&color=red&icon=dollar$`,
      )
        .exec(line);
      assert.ok(m, line);
      assert.equal(m[1], ADMIN);
      const link = decodeURIComponent(m[2]!.replaceAll("+", " "));
      assert.equal(queryEscape(link), m[2]);
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
      const viaLink = await signIn(link);
      assert.equal(viaLink.status, 302);
      assert.equal((await signIn(viaLink.location!)).status, 302);
      const r = await running;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
    }
    await Deno.remove(out);
  },
});

Deno.test({
  name: "console at --level trace logs no secret; the sign-in token shows only in the URL",
  ...opts,
  async fn() {
    await using w = await world();
    const r = await w.cli(["console", "-p", ADMIN, "-u", "printurl", "--level", "trace"]);
    const url = printedUrl(w, r);
    const token = new URL(url).searchParams.get("SigninToken")!;
    const secrets = w.emu.issuedSecrets();
    assert.ok(secrets.includes(token), "the sign-in token is one of the emulator's secrets");
    const rest = r.stderr.replace(url, "");
    assert.match(rest, /TRACE|DEBUG/, "trace logging was on");
    for (const s of secrets) {
      assert.ok(!rest.includes(s), `a secret leaked into the logs: ${s.slice(0, 6)}...`);
      assert.ok(!rest.includes(encodeURIComponent(s)), "an encoded secret leaked into the logs");
      if (s !== token) assert.ok(!url.includes(encodeURIComponent(s)), "credentials in the URL");
    }
  },
});

Deno.test({
  name:
    "console gives the browser a one-time link: no SigninToken on its argv, no secret in its environment, a second fetch refused",
  ...opts,
  async fn() {
    const bin = await Deno.makeTempDir();
    const browser = await writeRecordingProgram(`${bin}/browser`);
    await using w = await world(`UrlAction: exec\nUrlExecCommand: ["${browser.path}", "%s"]\n`);
    const running = w.cli(["console", "-p", ADMIN], {
      AWS_SSO_FILE_PASSWORD: "store-password-value",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "Bearer ecs-token-value",
    });
    const [call] = await browser.waitForCalls(1);
    const link = call!.argv[0]!;
    assert.deepEqual(call!.argv, [link]);
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    assert.ok(!/SigninToken|federation/i.test(link));
    for (const name of ["AWS_SSO_FILE_PASSWORD", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]) {
      assert.equal(call!.env[name], undefined, `${name} reached the browser`);
    }
    const first = await signIn(link);
    assert.equal(first.status, 302);
    const federation = new URL(first.location!);
    assert.equal(`${federation.origin}${federation.pathname}`, `${w.emu.url}/federation`);
    assert.equal(federation.searchParams.get("Action"), "login");
    const token = federation.searchParams.get("SigninToken")!;
    assert.ok(w.emu.issuedSecrets().includes(token));
    assert.equal((await signIn(first.location!)).status, 302, "the sign-in URL works");
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes(token), "the token is not printed");
    // The server is gone after the first fetch: a second one is refused.
    await assert.rejects(fetch(link));
    await Deno.remove(bin, { recursive: true });
  },
});

Deno.test({
  name:
    "another user who reads the console link from the browser's command line gets 403, the user's browser signs in and the user is warned",
  ...opts,
  ignore: !(await canSwitchUser()),
  async fn() {
    const bin = await Deno.makeTempDir();
    const browser = await writeRecordingProgram(`${bin}/browser`);
    await using w = await world(`UrlAction: exec\nUrlExecCommand: ["${browser.path}", "%s"]\n`);
    const running = w.cli(["console", "-p", ADMIN]);
    const [call] = await browser.waitForCalls(1);
    const link = call!.argv[0]!;
    // The attacker: uid nobody, the link as /proc/<browser>/cmdline shows it to everyone.
    assert.match(await fetchAsNobody(link), /^HTTP\/1\.1 403/);
    const first = await signIn(link);
    assert.equal(first.status, 302, "the link was not used up by the refused request");
    assert.match(first.location!, /\/federation\?Action=login&/);
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /a program of another user on this computer asked for the one-time/);
    await Deno.remove(bin, { recursive: true });
  },
});

/** The access-portal shortcut link printed by `--url-action print`/`printurl` (one line). */
function printedPortalLink(w: World, r: CliResult): URL {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "", "stdout stays empty");
  const lines = r.stderr.split("\n").filter((l) => l.startsWith(`${w.emu.startUrl}/#/console?`));
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(!r.stderr.includes("/federation"), r.stderr);
  return new URL(lines[0]!);
}

/** The shortcut link's `#/console?...` values. */
function portalParams(link: URL): Record<string, string> {
  assert.ok(link.hash.startsWith("#/console?"), link.hash);
  return Object.fromEntries(new URLSearchParams(link.hash.slice("#/console?".length)));
}

/** No role credentials, no sign-in token, no secret of the emulator in what was printed. */
function assertNoCredentialsUsed(w: World, r: CliResult): void {
  for (const op of ["GetRoleCredentials", "getSigninToken", "login", "AssumeRole"]) {
    assert.equal(w.emu.counters[op] ?? 0, 0, `${op} was called`);
  }
  for (const s of w.emu.issuedSecrets()) {
    assert.ok(!r.stderr.includes(s) && !r.stderr.includes(encodeURIComponent(s)), "a secret");
  }
}

Deno.test({
  name:
    "console --portal --url-action print prints the portal's shortcut link, without and with --service, and fetches no credentials",
  ...opts,
  async fn() {
    await using w = await world(`    Accounts:
      "123456789012":
        DefaultRegion: ap-southeast-2
`);
    const plain = await w.cli(["console", "--portal", "-p", ADMIN, "--url-action", "print"]);
    const link = printedPortalLink(w, plain);
    assert.equal(`${link.origin}${link.pathname}`, `${w.emu.startUrl}/`);
    assert.deepEqual(portalParams(link), {
      account_id: "012345678901",
      role_name: "AdministratorAccess",
    });
    assert.match(plain.stderr, /Please open the following URL in your browser/);

    const s3 = await w.cli(["console", "--portal", "-p", ADMIN, "-u", "print", "--service", "s3"]);
    assert.deepEqual(portalParams(printedPortalLink(w, s3)), {
      account_id: "012345678901",
      role_name: "AdministratorAccess",
      destination: "https://console.aws.amazon.com/s3/home?region=us-east-1",
    });
    // The destination is URL-encoded inside the fragment.
    assert.match(s3.stderr, /&destination=https%3A%2F%2Fconsole\.aws\.amazon\.com%2Fs3%2Fhome%3F/);

    // Another account's role, its DefaultRegion, and --destination / --region.
    const other = "123456789012:AdministratorAccess";
    const ec2 = await w.cli([
      "console",
      "--portal",
      "-p",
      other,
      "-u",
      "printurl",
      "--service",
      "ec2",
    ]);
    assert.deepEqual(portalParams(printedPortalLink(w, ec2)), {
      account_id: "123456789012",
      role_name: "AdministratorAccess",
      destination: "https://console.aws.amazon.com/ec2/home?region=ap-southeast-2",
    });
    const dest = "/ec2/home?region=us-west-2#Instances:";
    const path = await w.cli([
      "console",
      "--portal",
      "-p",
      ADMIN,
      "-u",
      "printurl",
      "--destination",
      dest,
    ]);
    assert.equal(
      portalParams(printedPortalLink(w, path)).destination,
      `https://console.aws.amazon.com${dest}`,
    );
    const region = await w.cli([
      "console",
      "--portal",
      "-p",
      ADMIN,
      "-u",
      "printurl",
      "-r",
      "eu-west-1",
    ]);
    assert.equal(
      portalParams(printedPortalLink(w, region)).destination,
      "https://console.aws.amazon.com/console/home?region=eu-west-1",
    );
    for (const r of [plain, s3, ec2, path, region]) assertNoCredentialsUsed(w, r);
    const cache = JSON.parse(await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/cache.json`));
    assert.equal(
      cache.SSO.Default.History[0],
      "arn:aws:iam::012345678901:role/AdministratorAccess",
    );
  },
});

Deno.test({
  name:
    "ConsolePortal: true makes --portal the default, per instance over top level; --no-portal signs in",
  ...opts,
  async fn() {
    await using w = await world(`    ConsolePortal: true
`);
    await Deno.writeTextFile(
      `${w.home}/${CONFIG_DIR}/config.yaml`,
      `ConsolePortal: false\n${await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/config.yaml`)}`,
    );
    const byDefault = await w.cli(["console", "-p", ADMIN, "-u", "printurl"]);
    assert.equal(portalParams(printedPortalLink(w, byDefault)).role_name, "AdministratorAccess");
    assertNoCredentialsUsed(w, byDefault);
    const signIn_ = await w.cli(["console", "--no-portal", "-p", ADMIN, "-u", "printurl"]);
    assert.equal((await signIn(printedUrl(w, signIn_))).status, 302);
    assert.equal(w.emu.counters["getSigninToken"], 1);
  },
});

Deno.test({
  name: "console --portal refuses a Via role and non-SSO credentials, fetching nothing",
  ...opts,
  async fn() {
    await using w = await world(VIA_CONFIG);
    const via = await w.cli([
      "console",
      "--portal",
      "-p",
      "123456789012:Deployer",
      "-u",
      "printurl",
    ]);
    assert.equal(via.code, 2, via.stderr);
    assert.match(via.stderr, /--portal cannot open 123456789012:Deployer/);
    assert.match(via.stderr, /--no-portal/);
    assertNoCredentialsUsed(w, via);
    const cache = JSON.parse(await Deno.readTextFile(`${w.home}/${CONFIG_DIR}/cache.json`));
    assert.deepEqual(cache.SSO.Default.History ?? [], [], "a refused role is not recorded");

    const env = await assumedRoleEnv(w);
    w.emu.resetCounters();
    const assumed = await w.cli(["console", "--portal", "-u", "printurl"], env);
    assert.equal(assumed.code, 2, assumed.stderr);
    assert.match(assumed.stderr, /--portal cannot open 123456789012:Deployer/);
    assertNoCredentialsUsed(w, assumed);
  },
});

Deno.test({
  name:
    "console --portal with SSO role credentials in the environment links to their permission set",
  ...opts,
  async fn() {
    await using w = await world();
    const env = await processCredentials(w, ADMIN);
    w.emu.resetCounters();
    const r = await w.cli(["console", "--portal", "-u", "printurl"], env);
    assert.deepEqual(portalParams(printedPortalLink(w, r)), {
      account_id: "012345678901",
      role_name: "AdministratorAccess",
    });
    assert.equal(w.emu.counters["GetCallerIdentity"], 1);
    assertNoCredentialsUsed(w, r);
  },
});

Deno.test({
  name:
    "console --portal hands a started browser the one-time link, which redirects to the shortcut link",
  ...opts,
  async fn() {
    const bin = await Deno.makeTempDir();
    const browser = await writeRecordingProgram(`${bin}/browser`);
    await using w = await world(`UrlAction: exec\nUrlExecCommand: ["${browser.path}", "%s"]\n`);
    const running = w.cli(["console", "--portal", "-p", ADMIN, "--service", "lambda"]);
    const [call] = await browser.waitForCalls(1);
    const link = call!.argv[0]!;
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    const first = await signIn(link);
    assert.equal(first.status, 302);
    const target = new URL(first.location!);
    assert.equal(`${target.origin}${target.pathname}`, `${w.emu.startUrl}/`);
    assert.deepEqual(portalParams(target), {
      account_id: "012345678901",
      role_name: "AdministratorAccess",
      destination: "https://console.aws.amazon.com/lambda/home?region=us-east-1",
    });
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assertNoCredentialsUsed(w, r);
    await assert.rejects(fetch(link));
    await Deno.remove(bin, { recursive: true });
  },
});

Deno.test({
  name:
    "console --portal works with clip, ansi-osc52 and the container actions (profile name and Color tag)",
  ...opts,
  async fn() {
    const bin = await Deno.makeTempDir();
    const clipped = `${bin}/clipboard.txt`;
    await writeRecordingProgram(`${bin}/xclip`, `cat > '${clipped}'`);
    const browser = await writeRecordingProgram(`${bin}/browser`);
    await using w = await world(`    Accounts:
      "012345678901":
        Roles:
          AdministratorAccess:
            Tags:
              Color: red
UrlExecCommand: ["${browser.path}", "%s"]
`);
    const expected = (url: URL) =>
      assert.deepEqual(portalParams(url), {
        account_id: "012345678901",
        role_name: "AdministratorAccess",
        destination: "https://console.aws.amazon.com/sqs/home?region=eu-north-1",
      });
    const page = ["--service", "sqs", "-r", "eu-north-1"];
    const env = { PATH: `${bin}:${Deno.env.get("PATH")}` };

    const clip = await w.cli(["console", "--portal", "-p", ADMIN, "-u", "clip", ...page], env);
    assert.equal(clip.code, 0, clip.stderr);
    expected(new URL(await Deno.readTextFile(clipped)));

    const osc = await w.cli(["console", "--portal", "-p", ADMIN, "-u", "ansi-osc52", ...page]);
    assert.equal(osc.code, 0, osc.stderr);
    const start = osc.stderr.indexOf("\x1b]52;c;") + "\x1b]52;c;".length;
    const b64 = osc.stderr.slice(start, osc.stderr.indexOf("\x07", start));
    assert.ok(start >= "\x1b]52;c;".length && b64 !== "", osc.stderr);
    expected(new URL(atob(b64)));

    const running = w.cli([
      "console",
      "--portal",
      "-p",
      ADMIN,
      "-u",
      "open-url-in-container",
      ...page,
    ]);
    const [call] = await browser.waitForCalls(1);
    const m = /^ext\+container:name=(.+)&url=(.+)&color=red&icon=[a-z]+$/.exec(call!.argv[0]!);
    assert.ok(m, call!.argv[0]);
    assert.equal(m[1], ADMIN);
    const viaLink = await signIn(decodeURIComponent(m[2]!));
    assert.equal(viaLink.status, 302);
    expected(new URL(viaLink.location!));
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    for (const run of [clip, osc, r]) assertNoCredentialsUsed(w, run);
    await Deno.remove(bin, { recursive: true });
  },
});
