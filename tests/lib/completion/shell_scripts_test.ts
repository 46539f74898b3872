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

Deno.test("isShell() knows bash, zsh and fish", () => {
  assert.ok(isShell("bash") && isShell("zsh") && isShell("fish"));
  assert.ok(!isShell("tcsh"));
});
