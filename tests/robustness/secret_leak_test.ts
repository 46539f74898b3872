/**
 * No secret leaks (issue 9 part 4): log in through the emulator, fetch credentials, run every
 * registered command (found by walking `aws-sso --help`) at `--level trace`, then look for every
 * secret the emulator issued, and the file store's password, in stdout, stderr and every file
 * under HOME. Only the stdout of commands whose payload is credentials may hold them.
 */
import assert from "node:assert/strict";
import {
  assertCleanError,
  type CliResult,
  E2E,
  filesUnder,
  PASSWORD,
  spawnCli,
  world,
} from "./_world.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const CHAINED = "arn:aws:iam::123456789012:role/Chained";
const VIA_YAML = `    Accounts:
      "123456789012":
        Roles:
          Chained:
            Via: ${ADMIN}
`;

/** Command paths (`setup profiles`) listed under "Commands:" in `help`. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  const names: string[] = [];
  for (const line of section.split("\n")) {
    const m = /^ {2}([a-z][a-z0-9-]*)\b/.exec(line);
    if (m !== null && m[1] !== "help") names.push(m[1]!);
  }
  return names;
}

/** A free TCP port on 127.0.0.1. */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Arguments for each command path; `payload` marks commands whose stdout is credentials (or,
 * for `setup ecs auth`, the ECS bearer token). Interactive-only commands run with stdin closed
 * and must fail cleanly. `ecs server` and the ECS clients run in their own block below.
 */
function runsFor(ecs: string): Record<string, { args: string[][]; payload?: boolean }> {
  const server = ["--server", ecs];
  return {
    "list": { args: [["list"], ["list", "--csv"]] },
    "login": { args: [["login"], ["login", "--force"]] },
    "cache": { args: [["cache"]] },
    "console": { args: [["console", "--arn", ADMIN], ["console", "--arn", CHAINED]] },
    "credentials": {
      args: [["credentials", "--profile", "production:AdministratorAccess"]],
      payload: true,
    },
    "eval": {
      args: [["eval", "--arn", ADMIN, "--format", "bash"], [
        "eval",
        "--arn",
        CHAINED,
        "--format",
        "fish",
      ]],
      payload: true,
    },
    // The child prints nothing: exec's own output must hold no secret.
    "exec": {
      args: [["exec", "--arn", ADMIN, "--", "sh", "-c", 'test -n "$AWS_SESSION_TOKEN"'], ["exec"]],
    },
    "process": {
      args: [["process", "--arn", ADMIN], ["process", "--arn", CHAINED, "--sts-refresh"]],
      payload: true,
    },
    "tags": { args: [["tags"]] },
    "time": { args: [["time"]] },
    "version": { args: [["version"]] },
    "setup": { args: [["setup"]] },
    "setup wizard": { args: [["setup", "wizard"]] },
    "setup profiles": {
      args: [["setup", "profiles", "--force"], ["setup", "profiles", "--print"]],
    },
    "setup completions": { args: [["setup", "completions", "--source", "--shell", "bash"]] },
    "setup ecs": { args: [["setup", "ecs"]] },
    "setup ecs auth": { args: [["setup", "ecs", "auth"]], payload: true },
    "setup ecs ssl": { args: [["setup", "ecs", "ssl", "--print"]] },
    "doctor": { args: [["doctor"]] },
    "config": { args: [["config", "--diff"]] },
    "install-completions": { args: [["install-completions", "--shell", "bash"]] },
    "ecs": { args: [["ecs"]] },
    // Run below, around a running server.
    "ecs server": { args: [] },
    "ecs load": {
      args: [["ecs", "load", "--arn", ADMIN, ...server], [
        "ecs",
        "load",
        "--arn",
        CHAINED,
        "--slotted",
        ...server,
      ]],
    },
    "ecs list": { args: [["ecs", "list", ...server]] },
    "ecs profile": { args: [["ecs", "profile", ...server]] },
    "ecs unload": { args: [["ecs", "unload", ...server]] },
    "ecs docker": { args: [["ecs", "docker"]] },
    // `start` would run a container where Docker is installed: stop is harmless everywhere.
    "ecs docker start": { args: [] },
    "ecs docker stop": { args: [["ecs", "docker", "stop"]] },
    // Last: it ends the session.
    "logout": { args: [["logout"]] },
  };
}

Deno.test({
  name:
    "no secret the emulator issued, nor the store password, shows in any output at --level trace or any file under HOME",
  ...E2E,
  async fn() {
    await using w = await world({
      emulator: { accounts: 2, rolesPerAccount: 2 },
      instance: VIA_YAML,
    });
    const trace = (args: string[], timeoutMs?: number) =>
      w.run(["--level", "trace", ...args], { timeoutMs });

    // Walk the command graph.
    const paths: string[] = [];
    const walk = async (prefix: string[]) => {
      const help = await trace([...prefix, "--help"]);
      assert.equal(help.code, 0, help.stderr);
      for (const name of commandsIn(help.stdout)) {
        paths.push([...prefix, name].join(" "));
        await walk([...prefix, name]);
      }
    };
    await walk([]);
    assert.ok(paths.includes("process") && paths.includes("setup profiles"), paths.join(", "));
    const port = freePort();
    const RUNS = runsFor(`127.0.0.1:${port}`);

    const runs: { args: string[]; payload: boolean; result: CliResult }[] = [];
    const run = async (args: string[], payload: boolean) => {
      runs.push({ args, payload, result: await trace(args, 60_000) });
    };
    /** `ecs server` in the background, every ECS client command against it, then SIGTERM. */
    const ecsRound = async () => {
      if (!paths.includes("ecs server")) return;
      const server = spawnCli(["--level", "trace", "ecs", "server", "--port", String(port)], {
        home: w.home,
        env: w.env,
        timeoutMs: 60_000,
      });
      for (let i = 0; i < 200; i++) {
        const up = await Deno.connect({ hostname: "127.0.0.1", port }).then((c) => {
          c.close();
          return true;
        }, () => false);
        if (up) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const path of paths.filter((p) => p.startsWith("ecs ") && p !== "ecs server")) {
        const known = RUNS[path];
        for (const args of known?.args ?? [path.split(" ")]) await run(args, false);
      }
      Deno.kill(server.pid, "SIGTERM");
      runs.push({ args: ["ecs", "server"], payload: false, result: await server.done });
    };
    // Log in, fetch credentials, then every command; logout last.
    await run(["login"], false);
    assert.equal(runs[0]!.result.code, 0, runs[0]!.result.stderr);
    await run(["process", "--arn", ADMIN], true);
    const order = [...paths.filter((p) => p !== "logout" && !p.startsWith("ecs ")), "logout"];
    for (const path of order) {
      const known = RUNS[path];
      // A command added since this test was written still runs: with no arguments.
      const argsList = known?.args ?? [path.split(" ")];
      for (const args of argsList) await run(args, known?.payload === true);
      if (path === "version") await ecsRound();
    }

    // The runs did what they should (a leak test of failing commands proves little).
    const byArgs = (a: string[]) => runs.find((r) => r.args.join(" ") === a.join(" "))!.result;
    for (
      const a of [
        ["process", "--arn", CHAINED, "--sts-refresh"],
        ["eval", "--arn", ADMIN, "--format", "bash"],
        ["credentials", "--profile", "production:AdministratorAccess"],
        ["exec", "--arn", ADMIN, "--", "sh", "-c", 'test -n "$AWS_SESSION_TOKEN"'],
        ["console", "--arn", CHAINED],
        ["login", "--force"],
        ["cache"],
        ["setup", "profiles", "--force"],
        ["setup", "ecs", "auth"],
        ["ecs", "load", "--arn", ADMIN, "--server", `127.0.0.1:${port}`],
        ["ecs", "list", "--server", `127.0.0.1:${port}`],
        ["logout"],
      ]
    ) {
      assert.equal(byArgs(a).code, 0, `${a.join(" ")}: ${byArgs(a).stderr}`);
    }
    // Interactive-only paths, with stdin closed, fail cleanly.
    for (const a of [["setup", "wizard"], ["exec"]]) assertCleanError(byArgs(a));
    assert.match(runs.map((r) => r.result.stderr).join(""), /TRACE/);
    assert.ok((w.emu.counters.AssumeRole ?? 0) >= 1);
    assert.ok((w.emu.counters.getSigninToken ?? 0) >= 2);

    // The ECS bearer token is ours, and as secret as the rest.
    const bearer = byArgs(["setup", "ecs", "auth"]).stdout.trim();
    assert.ok(bearer.length >= 16, `no ECS bearer token printed: ${bearer}`);
    const secrets = [...w.emu.issuedSecrets(), PASSWORD, bearer];
    assert.ok(secrets.length >= 10, `only ${secrets.length} secrets were issued`);
    // The search works: payloads do carry issued secrets.
    assert.ok(
      runs.some((r) => r.payload && secrets.some((s) => r.result.stdout.includes(s))),
      "no payload holds an issued secret: the secrets list does not match what was issued",
    );
    const leaks: string[] = [];
    for (const r of runs) {
      const what = r.args.join(" ");
      for (const s of secrets) {
        if (r.result.stderr.includes(s)) leaks.push(`stderr of ${what}`);
        if (!r.payload && r.result.stdout.includes(s)) leaks.push(`stdout of ${what}`);
      }
    }
    for (const f of await filesUnder(w.home)) {
      const text = new TextDecoder().decode(await Deno.readFile(f));
      for (const s of secrets) if (text.includes(s)) leaks.push(f.slice(w.home.length + 1));
    }
    assert.deepEqual([...new Set(leaks)], [], "secrets leaked");
  },
});
