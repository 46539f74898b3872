import assert from "node:assert/strict";
import {
  BINARY_PERMISSIONS,
  compile,
  compileArgs,
  defaultOutput,
  ENTRY,
} from "../../.github/scripts/compile.ts";
import type { BuildInfo } from "../../.github/scripts/stamp.ts";
import { realDenoDir } from "../e2e/run_cli.ts";

const root = new URL("../../", import.meta.url);
const stamp: BuildInfo = { version: "7.8.9", commit: "abc1234", date: "2026-01-02T03:04:05Z" };

Deno.test("the compile task runs compile.ts last, so `deno task compile --target T --output O` reaches it", async () => {
  // deno task appends extra arguments to the end of the task's command line.
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  assert.match(config.tasks.compile, /^deno run -A \.github\/scripts\/compile\.ts$/);
});

Deno.test("compileArgs() grants the binary exactly the permissions it needs and no -A", () => {
  const args = compileArgs({ target: "aarch64-apple-darwin", output: "dist/a/aws-sso" });
  assert.equal(args[0], "compile");
  for (const permission of BINARY_PERMISSIONS) assert.ok(args.includes(permission), permission);
  for (const broad of ["-A", "--allow-all", "--allow-import"]) {
    assert.ok(!args.some((a) => a === broad || a.startsWith(`${broad}=`)), broad);
  }
  assert.deepEqual(
    [...BINARY_PERMISSIONS].sort(),
    [
      "--allow-env",
      "--allow-ffi",
      "--allow-net",
      "--allow-read",
      "--allow-run",
      "--allow-sys",
      "--allow-write",
    ],
  );
});

Deno.test("compileArgs() puts every flag before the entry module, which comes last", () => {
  // Anything after the entry would become a script argument baked into the binary.
  const args = compileArgs({ target: "x86_64-unknown-linux-gnu", output: "out/aws-sso" });
  assert.equal(args.at(-1), ENTRY);
  assert.equal(args.indexOf(ENTRY), args.length - 1);
  assert.equal(args[args.indexOf("--target") + 1], "x86_64-unknown-linux-gnu");
  assert.equal(args[args.indexOf("--output") + 1], "out/aws-sso");
  assert.ok(args.includes("--frozen"));
  assert.ok(!compileArgs({ output: "dist/aws-sso" }).includes("--target"));
});

Deno.test("a Windows target gets an .exe output, by default and when --output lacks it", () => {
  assert.equal(defaultOutput("x86_64-pc-windows-msvc"), "dist/x86_64-pc-windows-msvc/aws-sso.exe");
  assert.equal(defaultOutput("aarch64-apple-darwin"), "dist/aarch64-apple-darwin/aws-sso");
  assert.equal(defaultOutput(), "dist/aws-sso");
  const args = compileArgs({ target: "x86_64-pc-windows-msvc", output: "dist/w/aws-sso" });
  assert.equal(args[args.indexOf("--output") + 1], "dist/w/aws-sso.exe");
  const kept = compileArgs({ target: "x86_64-pc-windows-msvc", output: "dist/w/AWS-SSO.EXE" });
  assert.equal(kept[kept.indexOf("--output") + 1], "dist/w/AWS-SSO.EXE");
});

async function withBuildInfoCopy(fn: (file: string, original: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-compile-" });
  try {
    const file = `${dir}/build_info.json`;
    const original = await Deno.readTextFile(new URL("cli/build_info.json", root));
    await Deno.writeTextFile(file, original);
    await fn(file, original);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("compile() runs deno compile with the stamp in place and restores the file after", async () => {
  await withBuildInfoCopy(async (file, original) => {
    const seen: { args: string[]; during: string }[] = [];
    const code = await compile({ target: "aarch64-apple-darwin" }, {
      buildInfoFile: file,
      info: stamp,
      runDeno: async (args) => {
        seen.push({ args, during: await Deno.readTextFile(file) });
        return 0;
      },
    });
    assert.equal(code, 0);
    assert.equal(seen.length, 1);
    assert.deepEqual(JSON.parse(seen[0]!.during), stamp);
    assert.deepEqual(
      seen[0]!.args,
      compileArgs({ target: "aarch64-apple-darwin", output: "dist/aarch64-apple-darwin/aws-sso" }),
    );
    assert.equal(await Deno.readTextFile(file), original);
  });
});

Deno.test("compile() passes deno compile's failure on and still restores the file", async () => {
  await withBuildInfoCopy(async (file, original) => {
    const failing = compile({}, {
      buildInfoFile: file,
      info: stamp,
      runDeno: () => Promise.resolve(3),
    });
    assert.equal(await failing, 3);
    assert.equal(await Deno.readTextFile(file), original);
    const throwing = compile({}, {
      buildInfoFile: file,
      info: stamp,
      runDeno: () => Promise.reject(new Error("no runtime download")),
    });
    await assert.rejects(throwing, /no runtime download/);
    assert.equal(await Deno.readTextFile(file), original);
  });
});

Deno.test("compile() with keepStamp leaves the stamped file", async () => {
  await withBuildInfoCopy(async (file) => {
    await compile({}, {
      buildInfoFile: file,
      info: stamp,
      keepStamp: true,
      runDeno: () => Promise.resolve(0),
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), stamp);
  });
});

Deno.test("main.ts runs `version` and `--help` with only the binary's permissions", async () => {
  const home = await Deno.makeTempDir({ prefix: "aws-sso-perm-home-" });
  try {
    for (const args of [["version"], ["--help"]]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--no-prompt", ...BINARY_PERMISSIONS, ENTRY, ...args],
        cwd: new URL(".", root).pathname,
        env: {
          HOME: home,
          PATH: Deno.env.get("PATH") ?? "",
          DENO_DIR: realDenoDir(),
          NO_COLOR: "1",
        },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `aws-sso ${args.join(" ")}: ${stderr}`);
      assert.doesNotMatch(stderr, /NotCapable|Requires \w+ access/);
      if (args[0] === "version") assert.match(new TextDecoder().decode(out.stdout), /^aws-sso /);
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
