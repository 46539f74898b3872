/**
 * Bad input (issue 9 part 3): the corpus in tests/testdata/bad_input/ (broken config.yaml,
 * cache.json, store files and ~/.aws/config; see its README.md), generated huge and unreadable
 * files, and bad flags, ARNs and account ids. Each gets one clear error line and exit code 1 or
 * 2 — never a stack trace — and leaves the user's files as they were.
 *
 * Each case runs in a copy of one signed-in HOME (config.yaml, store, cache.json, ~/.aws/config).
 */
import assert from "node:assert/strict";
import { parseRoleCache } from "../../lib/roles/cache_file.ts";
import { fileStorePath } from "../../stores/encrypted_file.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { tempHome, writeConfig } from "../e2e/run_cli.ts";
import {
  assertCleanError,
  assertUnchanged,
  type CliResult,
  configYaml,
  E2E,
  openStore,
  PASSWORD,
  putSession,
  runCli,
  snapshot,
} from "./_world.ts";
import { errorMessage } from "../../lib/errors.ts";

const CORPUS = new URL("../testdata/bad_input/", import.meta.url).pathname;
const CONFIG_DIR = ".config/aws-sso";
const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const USER_AWS_CONFIG = "[default]\nregion = eu-west-1\n\n[profile mine]\nregion = us-west-2\n";
/** Run the CLI without the capabilities that let root ignore file permissions. */
const NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
const IS_ROOT = Deno.uid() === 0;

/** Files our own runs may create or rewrite; everything else is the user's. */
function ours(path: string): boolean {
  return /\.lock$|\/settings-cache\.json$|\/hot-path\.json$/.test(path);
}

async function corpus(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${CORPUS}${dir}`)) if (e.isFile) names.push(e.name);
  return names.sort();
}

/** A signed-in HOME with a role cache, cached credentials and a user ~/.aws/config. */
async function goldenHome(emu: Emulator, store: "json" | "file"): Promise<string> {
  const home = await tempHome();
  await writeConfig(home, configYaml(emu, { store }));
  await putSession(emu, openStore(home, store), 50 * 60_000);
  for (const args of [["cache"], ["process", "--arn", ADMIN]]) {
    const r = await runCli(args, { home, env: envFor(emu) });
    assert.equal(r.code, 0, r.stderr);
  }
  await Deno.mkdir(`${home}/.aws`, { mode: 0o700 });
  await Deno.writeTextFile(`${home}/.aws/config`, USER_AWS_CONFIG);
  return home;
}

function envFor(emu: Emulator): Record<string, string> {
  return { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
}

/** A copy of `golden` to break. */
async function copyHome(golden: string): Promise<string> {
  const home = await tempHome();
  const out = await new Deno.Command("cp", { args: ["-a", `${golden}/.`, home] }).output();
  assert.equal(out.code, 0);
  return home;
}

interface Ctx {
  emu: Emulator;
  golden: { json: string; file: string };
}

/**
 * Copies the golden HOME, lets `prepare` break it, runs every command of `runs` and checks the
 * outcome; the user's files must not change.
 */
async function breakAndRun(
  ctx: Ctx,
  options: {
    store?: "json" | "file";
    prepare: (home: string) => Promise<void>;
    runs: { args: string[]; expect: "error" | "error-or-ok" | "ok"; wrapper?: string[] }[];
    /** Files the run may change besides ours (default none). */
    mayChange?: (path: string) => boolean;
    check?: (home: string, results: CliResult[]) => Promise<void>;
  },
): Promise<void> {
  const home = await copyHome(ctx.golden[options.store ?? "json"]);
  try {
    await options.prepare(home);
    const before = await snapshot(home);
    const results: CliResult[] = [];
    for (const run of options.runs) {
      const r = await runCli(run.args, { home, env: envFor(ctx.emu), wrapper: run.wrapper });
      results.push(r);
      const what = run.args.join(" ");
      if (run.expect === "ok" || (run.expect === "error-or-ok" && r.code === 0)) {
        assert.equal(r.code, 0, `${what}: ${r.stderr}`);
        assert.doesNotMatch(
          r.stderr,
          /aws-sso: error:|^\s+at |\.ts:\d+:\d+/m,
          `${what}: ${r.stderr}`,
        );
      } else {
        try {
          assertCleanError(r);
        } catch (e) {
          throw new Error(`${what}: ${errorMessage(e)}`);
        }
      }
    }
    const mayChange = options.mayChange ?? (() => false);
    const filtered = new Map([...before].filter(([p]) => !ours(p) && !mayChange(p)));
    await assertUnchanged(home, filtered, (p) => ours(p) || mayChange(p));
    await options.check?.(home, results);
  } finally {
    await new Deno.Command("chmod", { args: ["-R", "u+rwX", home] }).output();
    await Deno.remove(home, { recursive: true });
  }
}

async function install(src: string, dest: string, emu: Emulator): Promise<void> {
  const bytes = await Deno.readFile(src);
  let data = bytes;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    data = new TextEncoder().encode(text.replaceAll("@START_URL@", emu.startUrl));
  } catch {
    // not UTF-8: copied as it is
  }
  await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
  await Deno.remove(dest, { recursive: true }).catch(() => {});
  await Deno.writeFile(dest, data, { mode: 0o600 });
}

/**
 * Settings only some commands use are checked where they are used, as AWS SSO CLI does (issue
 * 16): these files load (with a warning when the value is ignored), and the command that needs
 * the setting fails with one clear line.
 */
const CHECKED_WHERE_USED: Record<string, { warns?: RegExp; fails?: string[] }> = {
  "history_limit_negative.yaml": { warns: /WARN .*HistoryLimit -1 is less than 0/ },
  "loglevel_unknown.yaml": { warns: /WARN .*invalid LogLevel 'loud' is ignored/ },
  "profile_format_unclosed.yaml": {
    warns: /WARN unable to generate ProfileName/,
    fails: ["setup", "profiles", "--print"],
  },
  "profile_format_unknown_field.yaml": {
    warns: /WARN unable to generate ProfileName/,
    fails: ["setup", "profiles", "--print"],
  },
  "profile_format_unknown_function.yaml": {
    warns: /WARN unable to generate ProfileName/,
    fails: ["setup", "profiles", "--print"],
  },
  "urlaction_unknown.yaml": { fails: ["console", "--arn", ADMIN] },
};

Deno.test({
  name: "bad input gets one clear error line, exit code 1 or 2, and no changed user file",
  ...E2E,
  async fn(t) {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const ctx: Ctx = {
      emu,
      golden: { json: await goldenHome(emu, "json"), file: await goldenHome(emu, "file") },
    };
    /** Every failed case, reported together at the end of each step. */
    const failures: string[] = [];
    const step = async (name: string | Deno.TestStepDefinition, fn?: () => Promise<void>) => {
      const def = typeof name === "string" ? { name, fn: fn! } : name;
      await t.step({
        ...def,
        async fn(tc) {
          failures.length = 0;
          await def.fn(tc);
          assert.deepEqual(failures, [], failures.join("\n\n"));
        },
      });
    };
    try {
      await step("config.yaml corpus", async () => {
        for (const name of await corpus("config")) {
          const where = CHECKED_WHERE_USED[name];
          await breakAndRun(ctx, {
            prepare: (home) =>
              install(`${CORPUS}config/${name}`, `${home}/${CONFIG_DIR}/config.yaml`, emu),
            runs: [
              // An alias bomb is never expanded: it may load, but must not hang.
              {
                args: ["cache"],
                expect: where !== undefined
                  ? "ok"
                  : name === "alias_bomb.yaml"
                  ? "error-or-ok"
                  : "error",
              },
              // process needs no profile names: a bad ProfileFormat may still work there.
              { args: ["process", "--arn", ADMIN], expect: "error-or-ok" },
              ...(where?.fails === undefined
                ? []
                : [{ args: where.fails, expect: "error" as const }]),
            ],
            mayChange: (p) =>
              (name === "alias_bomb.yaml" || where !== undefined) && p.endsWith("/cache.json"),
            check(_home, [cache]) {
              if (where?.warns !== undefined) {
                assert.match(cache!.stderr, where.warns, `config/${name}: ${cache!.stderr}`);
              }
              return Promise.resolve();
            },
          }).catch((e) => {
            failures.push(`config/${name}: ${e.message}`);
          });
        }
      });

      await step("cache.json corpus: one warning, then the next refresh rebuilds it", async () => {
        for (const name of await corpus("cache")) {
          await breakAndRun(ctx, {
            prepare: (home) =>
              install(`${CORPUS}cache/${name}`, `${home}/${CONFIG_DIR}/cache.json`, emu),
            runs: [{ args: ["list"], expect: "ok" }, { args: ["cache"], expect: "ok" }],
            mayChange: (p) => p.endsWith("/cache.json"),
            async check(home, [list]) {
              // A newer format is out of date, not corrupt.
              const warning = name === "future_version.json"
                ? /WARN Cache has expired/
                : /WARN .*cache\.json/;
              assert.match(list!.stderr, warning, `cache/${name}: ${list!.stderr}`);
              const rebuilt = parseRoleCache(
                await Deno.readTextFile(`${home}/${CONFIG_DIR}/cache.json`),
              );
              assert.equal(rebuilt.problem, undefined, `cache/${name}`);
              assert.ok(rebuilt.cache.sso.Default !== undefined, `cache/${name}: not rebuilt`);
            },
          }).catch((e) => {
            failures.push(`cache/${name}: ${e.message}`);
          });
        }
      });

      await step("store corpus", async () => {
        for (const name of await corpus("store")) {
          const store = name.startsWith("file_") ? "file" : "json";
          await breakAndRun(ctx, {
            store,
            prepare: (home) =>
              install(
                `${CORPUS}store/${name}`,
                store === "file"
                  ? fileStorePath(`${home}/${CONFIG_DIR}`)
                  : `${home}/${CONFIG_DIR}/store.json`,
                emu,
              ),
            runs: [
              { args: ["process", "--arn", "123456789012:ReadOnlyAccess"], expect: "error" },
              { args: ["logout"], expect: "error" },
            ],
            // logout forgets the roles' credential expiry in the cache before it reaches the store.
            mayChange: (p) => p.endsWith("/cache.json"),
          }).catch((e) => {
            failures.push(`store/${name}: ${e.message}`);
          });
        }
      });

      await step("~/.aws/config corpus", async () => {
        const garbage = "binary_garbage.ini";
        for (const name of await corpus("aws_config")) {
          const original = await Deno.readFile(`${CORPUS}aws_config/${name}`);
          await breakAndRun(ctx, {
            prepare: (home) => install(`${CORPUS}aws_config/${name}`, `${home}/.aws/config`, emu),
            runs: [
              // A file that is not text at all is kept byte for byte and the block appended.
              { args: ["setup", "profiles", "--force"], expect: name === garbage ? "ok" : "error" },
              { args: ["process", "--aws-profile", "mine"], expect: "error" },
            ],
            mayChange: (p) => name === garbage && p.endsWith("/.aws/config"),
            async check(home) {
              if (name !== garbage) return;
              const after = await Deno.readFile(`${home}/.aws/config`);
              assert.deepEqual(after.subarray(0, original.length), original);
            },
          }).catch((e) => {
            failures.push(`aws_config/${name}: ${e.message}`);
          });
        }
      });

      await step("huge files finish in time, with a result or a clear error", async () => {
        const huge = "x".repeat(12 * 1024 * 1024);
        const cases: { what: string; path: string; text: (home: string) => string }[] = [
          {
            what: "a 12 MB value in config.yaml",
            path: `${CONFIG_DIR}/config.yaml`,
            text: () => configYaml(emu, { store: "json", top: `ProfileFormat: "${huge}"\n` }),
          },
          {
            what: "a 12 MB access token in the json store",
            path: `${CONFIG_DIR}/store.json`,
            text: () =>
              JSON.stringify({
                CreateTokenResponse: {
                  Default: {
                    accessToken: huge,
                    expiresIn: 3600,
                    expiresAt: "2099-01-01T00:00:00Z",
                  },
                },
              }),
          },
          {
            what: "a 12 MB role name in cache.json",
            path: `${CONFIG_DIR}/cache.json`,
            text: () =>
              JSON.stringify({
                Version: 4,
                ConfigCreatedAt: 1,
                SSO: {
                  Default: {
                    LastUpdate: 1,
                    Roles: {
                      Accounts: {
                        "012345678901": {
                          Roles: { [huge]: { Arn: `arn:aws:iam::012345678901:role/${huge}` } },
                        },
                      },
                    },
                  },
                },
              }),
          },
        ];
        for (const c of cases) {
          const started = Date.now();
          await breakAndRun(ctx, {
            prepare: (home) => Deno.writeTextFile(`${home}/${c.path}`, c.text(home)),
            runs: [
              { args: ["process", "--arn", "123456789012:ReadOnlyAccess"], expect: "error-or-ok" },
              { args: ["list"], expect: "error-or-ok" },
            ],
            // A role cache the tool cannot use is its own to replace.
            mayChange: (p) => p.endsWith("/cache.json") || p.endsWith("/store.json"),
          }).catch((e) => {
            failures.push(`${c.what}: ${e.message}`);
          });
          assert.ok(Date.now() - started < 30_000, `${c.what}: took ${Date.now() - started} ms`);
        }
      });

      await step("a directory where a file belongs", async () => {
        const readOnly = ["process", "--arn", "123456789012:ReadOnlyAccess"];
        for (
          const [what, store, path, args] of [
            ["config.yaml", "json", `${CONFIG_DIR}/config.yaml`, ["list"]],
            ["store.json", "json", `${CONFIG_DIR}/store.json`, readOnly],
            ["the file store", "file", `${CONFIG_DIR}/secure/aws-sso-store.json`, readOnly],
            ["cache.json", "json", `${CONFIG_DIR}/cache.json`, ["cache"]],
            ["~/.aws/config", "json", ".aws/config", ["setup", "profiles", "--force"]],
          ] as const
        ) {
          await breakAndRun(ctx, {
            store,
            async prepare(home) {
              await Deno.remove(`${home}/${path}`);
              await Deno.mkdir(`${home}/${path}`);
            },
            runs: [{ args: [...args], expect: "error" }],
          }).catch((e) => {
            failures.push(`${what}: ${e.message}`);
          });
        }
      });

      await step({
        name: "files and directories the user cannot read or write",
        // As root, drop the capabilities that ignore permissions; else run as is.
        ignore: IS_ROOT && !await hasSetpriv(),
        async fn() {
          const wrapper = IS_ROOT ? NO_DAC : [];
          for (
            const [what, path, mode, args] of [
              ["config.yaml", `${CONFIG_DIR}/config.yaml`, 0o000, ["list"]],
              ["store.json", `${CONFIG_DIR}/store.json`, 0o000, [
                "process",
                "--arn",
                "123456789012:ReadOnlyAccess",
              ]],
              ["~/.aws/config", ".aws/config", 0o000, ["setup", "profiles", "--force"]],
              ["~/.aws/ (read-only)", ".aws", 0o500, ["setup", "profiles", "--force"]],
              ["the config directory (read-only)", CONFIG_DIR, 0o500, ["cache"]],
              ["the lock directory (read-only)", `${CONFIG_DIR}/locks`, 0o500, [
                "process",
                "--arn",
                "123456789012:ReadOnlyAccess",
              ]],
            ] as const
          ) {
            await breakAndRun(ctx, {
              prepare: (home) => Deno.chmod(`${home}/${path}`, mode),
              runs: [{ args: [...args], expect: "error", wrapper }],
            }).catch((e) => {
              failures.push(`${what}: ${e.message}`);
            });
          }
        },
      });

      await step("bad flags, ARNs and account ids", async () => {
        const long = "A".repeat(100_000);
        const cases: [string[], number][] = [
          [["process", "--arn", ""], 2],
          [["process", "--arn", "garbage"], 2],
          // Short and zero-padded account ids are read as numbers (as the reference does): the
          // role then does not exist.
          [["process", "--arn", "arn:aws:iam::12345:role/Admin"], 1],
          [["process", "--arn", "arn:aws:iam::0123456789012:role/Admin"], 1],
          [["process", "--arn", "arn:aws:iam::012345678901:user/Admin"], 2],
          [["process", "--arn", "arn:aws:iam::012345678901:role/"], 2],
          [["process", "--arn", "012345678901"], 2],
          [["process", "--arn", "arn:aws:iam::012345678901:role/Admin\nX"], 2],
          [["process", "--arn", `arn:aws:iam::012345678901:role/${long}`], 2],
          [["process", "--arn", "arn:aws:iam::012345678901:role/Ad min"], 2],
          [["process", "--account", "abc", "--role", "Admin"], 2],
          [["process", "--account", "1234567890123", "--role", "Admin"], 2],
          [["process", "--account", "-1", "--role", "Admin"], 2],
          [["process", "--account", "012345678901"], 2],
          [["process", "--profile"], 2],
          [["process", "--arn", ADMIN, "--no-such-flag"], 2],
          [["eval", "--format", "klingon", "--arn", ADMIN], 2],
          [["exec", "--profile", "no-such-profile", "--", "true"], 1],
          [["console", "--duration", "5", "--arn", ADMIN], 2],
          [["console", "--duration", "lots", "--arn", ADMIN], 2],
          [["console", "--region", "us east", "--arn", ADMIN], 2],
          [["cache", "--threads", "0"], 2],
          [["cache", "--threads", "-1"], 2],
          [["cache", "--threads", "many"], 2],
          [["list", "--sort", "NoSuchField"], 2],
          [["list", "NoSuchField"], 2],
          [["login", "--redirect-port", "0"], 2],
          [["-L", "loud", "list"], 2],
          [["--config", "/nonexistent/config.yaml", "list"], 1],
          [["--config", "/dev/null", "list"], 1],
          [["-S", "NoSuchInstance", "list"], 1],
          [["credentials", "--profile", "production:AdministratorAccess", "--file", "/"], 1],
          [["no-such-command"], 2],
        ];
        for (const [args, code] of cases) {
          await breakAndRun(ctx, {
            prepare: () => Promise.resolve(),
            runs: [{ args, expect: "error" }],
            check(_home, [r]) {
              assert.equal(r!.code, code, `${args.join(" ").slice(0, 80)}: ${r!.stderr}`);
              return Promise.resolve();
            },
          }).catch((e) => {
            failures.push(`${JSON.stringify(args).slice(0, 120)}: ${e.message}`);
          });
        }
        // Environment variables that name a role are checked like the flags.
        for (
          const [env, args] of [
            [{ AWS_SSO_ROLE_ARN: "garbage" }, ["eval", "--refresh"]],
            [{ AWS_SSO_SESSION_EXPIRATION: "not a time", AWS_SSO_PROFILE: "x" }, ["time"]],
          ] as const
        ) {
          const home = await copyHome(ctx.golden.json);
          try {
            const r = await runCli([...args], { home, env: { ...envFor(emu), ...env } });
            assertCleanError(r);
          } finally {
            await Deno.remove(home, { recursive: true });
          }
        }
      });
    } finally {
      await Deno.remove(ctx.golden.json, { recursive: true });
      await Deno.remove(ctx.golden.file, { recursive: true });
    }
  },
});

async function hasSetpriv(): Promise<boolean> {
  try {
    return (await new Deno.Command("setpriv", { args: ["--version"], stdout: "null" }).output())
      .code === 0;
  } catch {
    return false;
  }
}
