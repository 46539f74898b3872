/**
 * formatEnvExports(): golden files for every format, and round trips through the real shells
 * (bash, zsh, fish), python-dotenv and JSON with values built to break out of their quoting.
 */
import assert from "node:assert/strict";
import {
  defaultExportFormat,
  EXPORT_FORMATS,
  type ExportFormat,
  formatEnvExports,
  UnsafeValueError,
} from "../../../lib/creds/env_exports.ts";
import type { EnvVar } from "../../../lib/creds/env_vars.ts";

const GOLDEN_DIR = new URL("../../testdata/env_exports/", import.meta.url).pathname;

/** Values that must stay data in every format. */
const HOSTILE: string[] = [
  "a\"b$(touch x)`c'd",
  "$HOME",
  "${HOME}x",
  "%PATH%",
  "%%",
  "C:\\dir\\",
  "back\\\\slash\\'q",
  "line1\nline2",
  "crlf\r\nend",
  "trailing newline\n",
  "tab\there",
  "'",
  "''",
  "\\",
  "",
  "  spaced  out  ",
  "*glob?[ab]",
  "!bang !!",
  "it’s ‘curly’ ‚low‛",
  "ünïcødé ✓ 日本",
  "; touch y; #",
  "& touch z &",
  "| touch w",
  "$(touch v)",
  // python-dotenv expands ${NAME} and ${NAME:-default} in every kind of value.
  'it\'s ${HOME} and "$HOME"',
  "${HOME:-fallback}",
  "${HOME",
  "${a:b}",
  "${=:-$}{HOME}",
  "multi\n${HOME}\nline",
  "${HOME}\\",
];

const GOLDEN_VARS: EnvVar[] = [
  ["AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"],
  ["AWS_SECRET_ACCESS_KEY", "wJalr/K7+EXAMPLE=="],
  ["AWS_SSO_DEFAULT_REGION", undefined],
  ["AWS_SSO_PROFILE", "prod:Admin"],
  ["AWS_SSO_TAG_BACKSLASH", "C:\\dir\\"],
  ["AWS_SSO_TAG_EXPAND", "${HOME} it's $HOME"],
  ["AWS_SSO_TAG_MULTI", "line1\nline2"],
  ["AWS_SSO_TAG_NOTE", "a\"b$(touch x)`c'd"],
  ["AWS_SSO_TAG_PATH", "%PATH% & del *"],
  ["AWS_SSO_TAG_QUOTES", "it’s ‘curly’"],
  ["AWS_SSO_TAG_SPACES", "two  spaces"],
];

/** cmd cannot carry `"` or line breaks (those are tested to be refused). */
const CMD_VARS = GOLDEN_VARS.filter(([n]) => n !== "AWS_SSO_TAG_NOTE" && n !== "AWS_SSO_TAG_MULTI");

async function golden(name: string, actual: string): Promise<void> {
  const path = `${GOLDEN_DIR}${name}`;
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.mkdir(GOLDEN_DIR, { recursive: true });
    await Deno.writeTextFile(path, actual);
  }
  assert.equal(actual, await Deno.readTextFile(path), `golden file ${name}`);
}

for (const format of EXPORT_FORMATS) {
  Deno.test(`formatEnvExports() in ${format} matches its golden file`, async () => {
    const vars = format === "cmd" ? CMD_VARS : GOLDEN_VARS;
    await golden(`${format}.txt`, formatEnvExports(vars, format));
  });
}

Deno.test("formatEnvExports() sorts by name whatever the input order", () => {
  const text = formatEnvExports([["B", "2"], ["A", "1"], ["C", undefined]], "bash");
  assert.equal(text, "export A='1'\nexport B='2'\nunset C\n");
});

Deno.test("formatEnvExports() in cmd refuses a double quote or a line break", () => {
  for (const value of ['say "hi"', "a\nb", "a\rb"]) {
    assert.throws(
      () => formatEnvExports([["AWS_SSO_TAG_X", value]], "cmd"),
      (e: Error) => e instanceof UnsafeValueError && /AWS_SSO_TAG_X/.test(e.message),
    );
  }
});

Deno.test("formatEnvExports() in cmd doubles % so a batch file reads it literally", () => {
  assert.equal(
    formatEnvExports([["X", "%PATH% & ^ | <>"]], "cmd"),
    'set "X=%%PATH%% & ^ | <>"\r\n',
  );
});

Deno.test("formatEnvExports() in powershell keeps every statement on one line", () => {
  const text = formatEnvExports([["X", "a\nb'c\r\n"]], "powershell");
  assert.equal(text, "$Env:X = 'a' + \"`n\" + 'b''c' + \"`r\" + \"`n\"\r\n");
});

Deno.test("formatEnvExports() in dotenv refuses only a value it cannot quote for python-dotenv", () => {
  assert.throws(
    () => formatEnvExports([["X", " indented \\"]], "dotenv"),
    (e: Error) => e instanceof UnsafeValueError && /X/.test(e.message),
  );
  assert.equal(formatEnvExports([["X", "C:\\dir\\"]], "dotenv"), "X=C:\\dir\\\n");
});

Deno.test("formatEnvExports() rejects a variable name that is not one", () => {
  assert.throws(
    () => formatEnvExports([["A B", "x"]], "bash"),
    /invalid environment variable name/,
  );
  assert.throws(
    () => formatEnvExports([["$(x)", "x"]], "json"),
    /invalid environment variable name/,
  );
});

Deno.test("formatEnvExports() in json and dotenv round-trips through JSON.parse", () => {
  const vars: EnvVar[] = HOSTILE.map((v, i) => [`V${i}`, v]);
  const parsed = JSON.parse(formatEnvExports([...vars, ["GONE", undefined]], "json"));
  for (const [name, value] of vars) assert.equal(parsed[name], value);
  assert.equal(parsed.GONE, null);
});

Deno.test("defaultExportFormat() follows $SHELL, then Windows, then xonsh", () => {
  assert.equal(defaultExportFormat({ shell: "/bin/bash", os: "linux" }), "bash");
  assert.equal(defaultExportFormat({ shell: "/usr/bin/zsh", os: "darwin" }), "zsh");
  assert.equal(defaultExportFormat({ shell: "/usr/local/bin/fish", os: "linux" }), "fish");
  assert.equal(defaultExportFormat({ shell: "/bin/sh", os: "linux" }), "bash");
  assert.equal(defaultExportFormat({ shell: "C:\\Git\\bin\\bash.exe", os: "windows" }), "bash");
  assert.equal(defaultExportFormat({ shell: "/usr/bin/pwsh", os: "linux" }), "powershell");
  assert.equal(defaultExportFormat({ shell: "/usr/bin/nu", os: "linux" }), "nushell");
  assert.equal(defaultExportFormat({ os: "windows" }), "powershell");
  assert.equal(defaultExportFormat({ os: "linux", xonshVersion: "0.14" }), "xonsh");
});

Deno.test("defaultExportFormat() names no format when $SHELL is unset or unknown", () => {
  assert.equal(defaultExportFormat({ os: "linux" }), undefined);
  assert.equal(defaultExportFormat({ shell: "/bin/tcsh", os: "linux" }), undefined);
  assert.equal(defaultExportFormat({ shell: "", os: "darwin" }), undefined);
});

// --- real shells --------------------------------------------------------------------------------

function which(program: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) return `${dir}/${program}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface ShellCase {
  format: ExportFormat;
  program: string;
  /** Script that loads `env.txt` and writes each variable into `out/<name>`. */
  script: (names: string[]) => string;
  args: string[];
}

const posixDump = (names: string[]) =>
  names.map((n) => `printf '%s' "$${n}" > out/${n}`).join("\n") + "\n";

const SHELLS: ShellCase[] = [
  {
    format: "bash",
    program: "bash",
    args: ["--norc", "--noprofile"],
    script: (names) => `eval "$(cat env.txt)"\n${posixDump(names)}`,
  },
  {
    format: "zsh",
    program: "zsh",
    args: ["-f"],
    script: (names) => `eval "$(cat env.txt)"\n${posixDump(names)}`,
  },
  {
    format: "fish",
    program: "fish",
    args: ["--no-config"],
    script: (names) =>
      "source env.txt\n" + names.map((n) => `printf '%s' $${n} > out/${n}`).join("\n") + "\n",
  },
];

async function runShell(
  shell: ShellCase,
  path: string,
  dir: string,
  script: string,
): Promise<{ code: number; stderr: string }> {
  await Deno.writeTextFile(`${dir}/script`, script);
  // fish writes its own files under HOME: keep them out of the directory being watched.
  const home = await Deno.makeTempDir({ prefix: "aws-sso-shell-home-" });
  try {
    const out = await new Deno.Command(path, {
      args: [...shell.args, "script"],
      cwd: dir,
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", PRE_SET: "old" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

for (const shell of SHELLS) {
  const path = which(shell.program);
  const name =
    `${shell.format} output read by the real ${shell.program} gives back every hostile value and runs nothing`;
  Deno.test({
    name: path === undefined ? `${name} (skipped: ${shell.program} not installed)` : name,
    ignore: path === undefined,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: `aws-sso-${shell.format}-` });
      try {
        await Deno.mkdir(`${dir}/out`);
        const vars: EnvVar[] = HOSTILE.map((v, i) => [`V${i}`, v]);
        await Deno.writeTextFile(
          `${dir}/env.txt`,
          formatEnvExports([...vars, ["PRE_SET", undefined]], shell.format),
        );
        const names = [...vars.map(([n]) => n), "PRE_SET"];
        const result = await runShell(shell, path!, dir, shell.script(names));
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stderr, "");
        for (const [n, value] of vars) {
          assert.equal(
            await Deno.readTextFile(`${dir}/out/${n}`),
            value,
            `${n}: ${JSON.stringify(value)}`,
          );
        }
        assert.equal(await Deno.readTextFile(`${dir}/out/PRE_SET`), "", "PRE_SET was unset");
        assert.deepEqual(await entries(dir), ["env.txt", "out", "script"], "no file was created");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "bash output evaluated unquoted (eval $(aws-sso eval ...)) still runs nothing",
  ignore: which("bash") === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aws-sso-unquoted-" });
    try {
      const vars: EnvVar[] = HOSTILE.map((v, i) => [`V${i}`, v]);
      await Deno.writeTextFile(`${dir}/env.txt`, formatEnvExports(vars, "bash"));
      const result = await runShell(SHELLS[0]!, which("bash")!, dir, "eval $(cat env.txt)\n");
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(await entries(dir), ["env.txt", "script"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// --- dotenv through python-dotenv ---------------------------------------------------------------

function pythonDotenv(): boolean {
  try {
    const out = new Deno.Command("python3", {
      args: ["-c", "import dotenv"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}

const HAS_DOTENV = pythonDotenv();

Deno.test({
  name: HAS_DOTENV
    ? "dotenv output loaded by python-dotenv from a file gives back every hostile value, ${HOME} unexpanded"
    : "dotenv output parsed by python-dotenv (skipped: python3 with dotenv not installed)",
  ignore: !HAS_DOTENV,
  async fn() {
    const vars: EnvVar[] = HOSTILE.map((v, i) => [`V${i}`, v]);
    const text = formatEnvExports([...vars, ["GONE", undefined]], "dotenv");
    // As a user loads it: from a file (universal newlines), with the defaults of dotenv_values
    // and load_dotenv (interpolate=True; load_dotenv also overriding).
    const file = await Deno.makeTempFile({ suffix: ".env" });
    try {
      await Deno.writeTextFile(file, text);
      const script = "import json, os, sys\n" +
        "from dotenv import dotenv_values, load_dotenv\n" +
        "p = sys.argv[1]\n" +
        "literal = dotenv_values(p, interpolate=False)\n" +
        "default = dotenv_values(p)\n" +
        "load_dotenv(p, override=True)\n" +
        "loaded = {k: os.environ.get(k) for k in default}\n" +
        "print(json.dumps([literal, default, loaded]))\n";
      const out = await new Deno.Command("python3", {
        args: ["-c", script, file],
        stdout: "piped",
        stderr: "piped",
        clearEnv: true,
        // A HOME (and a variable named like the neutraliser's) that must never show up.
        env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/EXPANDED", a: "EXPANDED" },
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const [literal, ...interpolated] = JSON.parse(new TextDecoder().decode(out.stdout));
      for (const [n, value] of vars) {
        for (const got of interpolated) {
          assert.equal(got[n], value, `${n}: ${JSON.stringify(value)}`);
        }
        // Without interpolation the neutralised `${` shows; every other value reads back as is.
        if (!/\$\{[^}:]*(:-[^}]*)?\}/.test(value!)) {
          assert.equal(literal[n], value, `${n} (interpolate=False): ${JSON.stringify(value)}`);
        }
      }
      assert.equal("GONE" in literal, false);
    } finally {
      await Deno.remove(file);
    }
  },
});

Deno.test("formatEnvExports() in dotenv single-quotes values and keeps ${...} from expanding", () => {
  assert.equal(formatEnvExports([["X", "it's $HOME"]], "dotenv"), "X='it\\'s $HOME'\n");
  assert.equal(
    formatEnvExports([["X", "${HOME}/x"]], "dotenv"),
    "X='${=:-$}{HOME}/x'\n",
  );
  // One variable per line, whatever the value holds.
  assert.equal(
    formatEnvExports([["X", "a\nB=evil"]], "dotenv"),
    'X="a\\nB=evil"\n',
  );
});
