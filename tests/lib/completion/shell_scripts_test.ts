import assert from "node:assert/strict";
import {
  completionScripts,
  completionSource,
  isShell,
} from "../../../lib/completion/shell_scripts.ts";

const binary = { command: ["/usr/local/bin/aws-sso"], fromSource: false };
const source = {
  command: ["/opt/deno", "run", "-q", "-A", "/src/aws sso/main.ts"],
  fromSource: true,
};

Deno.test("completionScripts() for bash registers the binary as its own completer", () => {
  const [rc] = completionScripts("bash", binary);
  assert.equal(rc?.file, "rc");
  assert.match(rc!.text, /^complete -o default -C \/usr\/local\/bin\/aws-sso aws-sso$/m);
  assert.match(rc!.text, /^complete -C \/usr\/local\/bin\/aws-sso aws-sso-profile$/m);
  assert.match(rc!.text, /^aws-sso-profile\(\) \{$/m);
  assert.match(rc!.text, /^aws-sso-clear\(\) \{$/m);
  assert.match(rc!.text, /eval --format bash -p "\$_profile"/);
  assert.ok(!rc!.text.includes("aws-sso() {"), "no wrapper function for a binary");
});

Deno.test("completionScripts() from source defines an aws-sso function and quotes paths twice for -C", () => {
  const [rc] = completionScripts("bash", source);
  assert.ok(rc!.text.includes(`aws-sso() { /opt/deno run -q -A '/src/aws sso/main.ts' "$@"; }`));
  assert.ok(
    rc!.text.includes(
      `complete -o default -C '/opt/deno run -q -A '\\''/src/aws sso/main.ts'\\''' aws-sso`,
    ),
    rc!.text,
  );
});

Deno.test("completionScripts() for zsh loads bashcompinit and splits the helper args", () => {
  const [rc] = completionScripts("zsh", binary);
  assert.match(rc!.text, /bashcompinit/);
  assert.match(rc!.text, /compinit/);
  assert.ok(rc!.text.includes("${=AWS_SSO_HELPER_ARGS:--L error}"));
  assert.match(rc!.text, /eval --format zsh -p/);
});

Deno.test("completionScripts() for fish writes the reference's four files", () => {
  const files = completionScripts("fish", binary).map((f) => f.file);
  assert.deepEqual(files, [
    "completions/aws-sso.fish",
    "functions/aws-sso-profile.fish",
    "completions/aws-sso-profile.fish",
    "functions/aws-sso-clear.fish",
  ]);
  const fromSource = completionScripts("fish", source).map((f) => f.file);
  assert.ok(fromSource.includes("functions/aws-sso.fish"));
  const profile = completionScripts("fish", binary)[1]!.text;
  assert.match(profile, /eval --format fish -p \$profile/);
});

Deno.test("completionSource() gives fish the functions before the completions", () => {
  const text = completionSource("fish", binary);
  assert.ok(text.indexOf("function aws-sso-profile") < text.indexOf("complete -c aws-sso "));
  assert.equal(text.split("# Written by").length - 1, 1, "one header");
});

Deno.test("isShell() knows bash, zsh, fish and powershell", () => {
  assert.ok(isShell("bash") && isShell("zsh") && isShell("fish") && isShell("powershell"));
  assert.ok(!isShell("tcsh"));
});

// PowerShell is not installed here: its script is held by golden files (tests/testdata/completion/),
// and .github/workflows/ci.yml runs a real completion with pwsh on the Windows runner.
const windowsBinary = { command: ["C:\\Program Files\\aws-sso\\aws-sso.exe"], fromSource: false };

async function golden(name: string, actual: string): Promise<void> {
  const path = new URL(`../../testdata/completion/${name}`, import.meta.url);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(path, actual);
  assert.equal(actual, await Deno.readTextFile(path), `golden file ${name}`);
}

Deno.test("completionScripts() for powershell matches its golden file (a binary in a path with spaces and a quote)", async () => {
  const files = completionScripts("powershell", {
    command: ["C:\\Users\\O'Brien\\Program Files\\aws-sso.exe"],
    fromSource: false,
  });
  assert.deepEqual(files.map((f) => f.file), ["rc"]);
  await golden("powershell.ps1", files[0]!.text);
});

Deno.test("completionScripts() for powershell from source matches its golden file", async () => {
  await golden("powershell_from_source.ps1", completionScripts("powershell", source)[0]!.text);
});

Deno.test("completionScripts() for powershell: a native completer handing COMP_LINE/COMP_POINT to the binary, helpers through eval --format powershell", () => {
  const text = completionScripts("powershell", windowsBinary)[0]!.text;
  assert.match(text, /^Register-ArgumentCompleter -Native -CommandName aws-sso -ScriptBlock \{$/m);
  assert.match(text, /-CommandName aws-sso-profile -ParameterName Name /);
  assert.match(text, /\$env:COMP_LINE = \$Line$/m);
  // COMP_POINT is a UTF-8 byte offset, as parseCompLine() reads it.
  assert.match(text, /\$env:COMP_POINT = \[string\]\[System\.Text\.Encoding\]::UTF8\.GetByteCount/);
  // The binary is called with no arguments, so it prints whole words (a profile keeps its ':').
  assert.match(text, /^ {8}& 'C:\\Program Files\\aws-sso\\aws-sso\.exe' 2>\$null \|/m);
  assert.match(
    text,
    /& 'C:\\Program Files\\aws-sso\\aws-sso\.exe' @\(__aws_sso_helper_args\) @sso eval --format powershell -p \$Name$/m,
  );
  assert.match(text, /eval --format powershell --clear$/m);
  assert.match(text, /^function aws-sso-profile \{$/m);
  assert.match(text, /^function aws-sso-clear \{$/m);
  assert.match(text, /'Unable to assume a role while AWS_PROFILE is set'/);
  assert.ok(!text.includes("function aws-sso {"), "no wrapper function for a binary");
  assert.ok(
    completionScripts("powershell", source)[0]!.text.includes(
      "function aws-sso { & '/opt/deno' 'run' '-q' '-A' '/src/aws sso/main.ts' @args }",
    ),
  );
});
