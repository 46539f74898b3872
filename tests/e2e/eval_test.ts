/**
 * `aws-sso eval`: the output read back by the real bash, zsh and fish (with a hostile tag value
 * from config.yaml), dotenv/json, the default format from $SHELL, --clear, region rules, errors.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { cli, credsSession, E2E, stderrLines } from "./_creds_session.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const HOSTILE = "a\"b$(touch x)`c'd\nline two $HOME %PATH% back\\slash ${HOME} '; touch y #";

const TAG_YAML = `    DefaultRegion: eu-west-1
    Accounts:
      "012345678901":
        Roles:
          AdministratorAccess:
            Tags:
              Note: ${JSON.stringify(HOSTILE)}`;

function which(program: string): string | undefined {
  for (const dir of ["/usr/bin", "/bin", "/usr/local/bin"]) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) return `${dir}/${program}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

const HAS_PYTHON_DOTENV = (() => {
  try {
    return new Deno.Command("python3", {
      args: ["-c", "import dotenv"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
})();

const SHELLS = [
  {
    format: "bash",
    program: "bash",
    args: ["--norc", "--noprofile", "-c"],
    load: 'eval "$(cat out.txt)"',
  },
  { format: "zsh", program: "zsh", args: ["-f", "-c"], load: 'eval "$(cat out.txt)"' },
  { format: "fish", program: "fish", args: ["--no-config", "-c"], load: "source out.txt" },
] as const;

for (const shell of SHELLS) {
  const path = which(shell.program);
  const name =
    `eval --format ${shell.format} read by ${shell.program} sets the credentials and the hostile tag exactly`;
  Deno.test({
    name: path === undefined ? `${name} (skipped: ${shell.program} not installed)` : name,
    ignore: path === undefined,
    ...E2E,
    async fn() {
      await using emu = await startEmulator({ accounts: 1 });
      const home = await credsSession(emu, {
        instanceYaml: TAG_YAML,
        topYaml: "EnvVarTags: [Note]",
      });
      const work = await Deno.makeTempDir({ prefix: "aws-sso-eval-" });
      const shellHome = await Deno.makeTempDir({ prefix: "aws-sso-eval-home-" });
      try {
        const r = await cli(home, emu, ["eval", "--arn", ADMIN, "--format", shell.format]);
        assert.equal(r.code, 0, r.stderr);
        await Deno.writeTextFile(`${work}/out.txt`, r.stdout);
        const dump = ["AWS_SSO_TAG_NOTE", "AWS_ACCESS_KEY_ID", "AWS_SSO_ROLE_ARN", "AWS_REGION"]
          .map((n) => `printf '%s' "$${n}" > ${n}.val`).join("; ");
        const out = await new Deno.Command(path!, {
          args: [...shell.args, `${shell.load}; ${dump}`],
          cwd: work,
          clearEnv: true,
          env: { PATH: "/usr/bin:/bin", HOME: shellHome, LANG: "C.UTF-8" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
        const read = (n: string) => Deno.readTextFile(`${work}/${n}.val`);
        assert.equal(await read("AWS_SSO_TAG_NOTE"), HOSTILE);
        assert.match(await read("AWS_ACCESS_KEY_ID"), /^ASIA/);
        assert.equal(await read("AWS_SSO_ROLE_ARN"), ADMIN);
        assert.equal(await read("AWS_REGION"), "eu-west-1");
        const files: string[] = [];
        for await (const e of Deno.readDir(work)) files.push(e.name);
        assert.ok(!files.includes("x") && !files.includes("y"), `nothing ran: ${files.join(",")}`);
      } finally {
        await Deno.remove(home, { recursive: true });
        await Deno.remove(work, { recursive: true });
        await Deno.remove(shellHome, { recursive: true });
      }
    },
  });
}

Deno.test({
  name:
    "eval prints json and dotenv that parse back to the same values (python-dotenv leaves ${HOME} alone), and picks the format from $SHELL",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { instanceYaml: TAG_YAML, topYaml: "EnvVarTags: [Note]" });
    try {
      const json = await cli(home, emu, ["eval", "--arn", ADMIN, "--format", "json"]);
      assert.equal(json.code, 0, json.stderr);
      const vars = JSON.parse(json.stdout);
      assert.equal(vars.AWS_SSO_TAG_NOTE, HOSTILE);
      assert.equal(vars.AWS_SSO_ROLE_ARN, ADMIN);
      assert.deepEqual(Object.keys(vars), Object.keys(vars).sort(), "sorted");

      const fish = await cli(home, emu, ["eval", "--arn", ADMIN], { SHELL: "/usr/bin/fish" });
      assert.match(fish.stdout, /^set -gx AWS_ACCESS_KEY_ID '/);
      const bash = await cli(home, emu, ["eval", "--arn", ADMIN], { SHELL: "/bin/bash" });
      assert.match(bash.stdout, /^export AWS_ACCESS_KEY_ID='/);
      assert.equal(
        bash.stdout.split("\n").find((l) => l.startsWith("export AWS_ACCESS_KEY_ID")),
        `export AWS_ACCESS_KEY_ID='${vars.AWS_ACCESS_KEY_ID}'`,
      );

      // A shell it cannot name gets no guessed syntax: an error listing the --format values.
      for (const env of [{ SHELL: "/bin/tcsh" }, {}] as Record<string, string>[]) {
        for (const args of [["eval", "--arn", ADMIN], ["eval", "--clear"]]) {
          const r = await cli(home, emu, args, env);
          assert.equal(r.code, 1, `${args.join(" ")} ${JSON.stringify(env)}: ${r.stderr}`);
          assert.equal(r.stdout, "");
          assert.match(r.stderr, env.SHELL ? /unknown shell \/bin\/tcsh/ : /\$SHELL is not set/);
          assert.match(
            r.stderr,
            /--format bash\|zsh\|fish\|powershell\|cmd\|nushell\|xonsh\|dotenv\|json/,
          );
        }
      }

      const dotenv = await cli(home, emu, ["eval", "--arn", ADMIN, "--format", "dotenv"]);
      assert.equal(dotenv.code, 0, dotenv.stderr);
      assert.ok(dotenv.stdout.includes(`AWS_ACCESS_KEY_ID=${vars.AWS_ACCESS_KEY_ID}\n`));
      assert.ok(dotenv.stdout.includes(`AWS_SSO_ROLE_ARN=${ADMIN}\n`));
      if (HAS_PYTHON_DOTENV) {
        // Loaded as a user loads it: ${HOME} and $HOME come back as written, not expanded.
        const file = `${home}/creds.env`;
        await Deno.writeTextFile(file, dotenv.stdout);
        const out = await new Deno.Command("python3", {
          args: [
            "-c",
            "import json,sys\nfrom dotenv import dotenv_values\n" +
            "print(json.dumps(dotenv_values(sys.argv[1])))",
            file,
          ],
          clearEnv: true,
          env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/EXPANDED" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(out.success, new TextDecoder().decode(out.stderr));
        const loaded = JSON.parse(new TextDecoder().decode(out.stdout));
        assert.equal(loaded.AWS_SSO_TAG_NOTE, HOSTILE);
        assert.equal(loaded.AWS_SECRET_ACCESS_KEY, vars.AWS_SECRET_ACCESS_KEY);
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "eval leaves the user's region alone unless -O, and sets none with -n",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { instanceYaml: "    DefaultRegion: eu-west-1" });
    try {
      const args = ["eval", "--arn", ADMIN, "--format", "json"];
      const user = { AWS_DEFAULT_REGION: "ap-south-1" };
      const kept = JSON.parse((await cli(home, emu, args, user)).stdout);
      assert.equal(kept.AWS_DEFAULT_REGION, undefined);
      assert.equal(kept.AWS_SSO_DEFAULT_REGION, null, "AWS_SSO_DEFAULT_REGION unset");
      const over = JSON.parse((await cli(home, emu, [...args, "-O"], user)).stdout);
      assert.equal(over.AWS_DEFAULT_REGION, "eu-west-1");
      // A region aws-sso set earlier (the sentinel matches) is replaced without -O.
      const managed = JSON.parse(
        (await cli(home, emu, args, {
          AWS_DEFAULT_REGION: "us-west-2",
          AWS_SSO_DEFAULT_REGION: "us-west-2",
        }))
          .stdout,
      );
      assert.equal(managed.AWS_REGION, "eu-west-1");
      const none = JSON.parse((await cli(home, emu, [...args, "-n"])).stdout);
      assert.equal(none.AWS_REGION, undefined);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "eval --clear unsets the variables without needing a session",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { token: false, topYaml: "EnvVarTags: [Team]" });
    try {
      const r = await cli(home, emu, ["eval", "--clear", "--format", "bash"], {
        AWS_DEFAULT_REGION: "eu-west-1",
        AWS_SSO_DEFAULT_REGION: "eu-west-1",
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.ok(lines.every((l) => /^unset AWS_[A-Z_]+$/.test(l)), r.stdout);
      for (
        const name of [
          "AWS_ACCESS_KEY_ID",
          "AWS_DEFAULT_REGION",
          "AWS_SSO_TAG_TEAM",
          "AWS_CREDENTIAL_EXPIRATION",
        ]
      ) {
        assert.ok(lines.includes(`unset ${name}`), name);
      }
      assert.deepEqual(emu.counters, {});
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "eval explains what is missing: a role, or AWS_SSO_ROLE_ARN for --refresh",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const none = await cli(home, emu, ["eval"]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /please specify --refresh, --clear/);
      const refresh = await cli(home, emu, ["eval", "--refresh"]);
      assert.equal(refresh.code, 1);
      assert.match(refresh.stderr, /unable to determine current IAM role/);
      const again = await cli(home, emu, ["eval", "--refresh", "--format", "json"], {
        AWS_SSO_ROLE_ARN: ADMIN,
      });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).AWS_SSO_ROLE_ARN, ADMIN);
      assert.deepEqual(stderrLines(again).filter((l) => !/not in the role cache/.test(l)), []);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "eval --format cmd refuses a tag value cmd cannot carry, naming the variable",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { instanceYaml: TAG_YAML, topYaml: "EnvVarTags: [Note]" });
    try {
      const r = await cli(home, emu, ["eval", "--arn", ADMIN, "--format", "cmd"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /AWS_SSO_TAG_NOTE/);
      assert.match(r.stderr, /--format powershell/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
