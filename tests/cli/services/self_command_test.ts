import assert from "node:assert/strict";
import { chooseSelfCommand, mainModulePath } from "../../../cli/services/self_command.ts";

const base = { home: "/home/me", mainPath: "/src/aws-sso/main.ts" };

Deno.test("chooseSelfCommand() prefers ConfigProfilesBinaryPath, with ~ expanded", () => {
  const self = chooseSelfCommand({
    ...base,
    execPath: "/usr/bin/deno",
    configured: "~/bin/aws-sso",
  });
  assert.deepEqual(self, { argv: ["/home/me/bin/aws-sso"], fromSource: false });
});

Deno.test("chooseSelfCommand() uses the compiled binary's own path", () => {
  const self = chooseSelfCommand({ ...base, execPath: "/usr/local/bin/aws-sso" });
  assert.deepEqual(self, { argv: ["/usr/local/bin/aws-sso"], fromSource: false });
});

Deno.test("chooseSelfCommand() runs main.ts through deno when run from source", () => {
  for (const execPath of ["/usr/local/bin/deno", "C:\\deno\\deno.exe"]) {
    const self = chooseSelfCommand({ ...base, execPath });
    assert.deepEqual(self.argv, [execPath, "run", "-q", "-A", "/src/aws-sso/main.ts"]);
    assert.equal(self.fromSource, true);
  }
});

Deno.test("chooseSelfCommand() names the launcher of this checkout, not deno, when run through it", () => {
  const launcher = {
    path: "/home/me/.local/bin/aws-sso",
    text: "exec deno run '/src/aws-sso/main.ts'",
  };
  const self = chooseSelfCommand({ ...base, execPath: "/usr/local/bin/deno", launcher });
  assert.deepEqual(self, { argv: ["/home/me/.local/bin/aws-sso"], fromSource: false });
  // Another checkout's launcher (an inherited $AWS_SSO_LAUNCHER) is not this one.
  const other = { path: launcher.path, text: "exec deno run '/elsewhere/main.ts'" };
  const fallback = chooseSelfCommand({ ...base, execPath: "/usr/local/bin/deno", launcher: other });
  assert.equal(fallback.fromSource, true);
  // A compiled binary is itself, whatever the variable says.
  const binary = chooseSelfCommand({ ...base, execPath: "/usr/local/bin/aws-sso", launcher });
  assert.deepEqual(binary.argv, ["/usr/local/bin/aws-sso"]);
});

Deno.test("chooseSelfCommand() writes bare aws-sso for a Nix store binary, with a warning", () => {
  const self = chooseSelfCommand({ ...base, execPath: "/nix/store/abc-aws-sso/bin/aws-sso" });
  assert.deepEqual(self.argv, ["aws-sso"]);
  assert.match(self.warning ?? "", /NIX/);
});

Deno.test("mainModulePath() is the path of the running main module", async () => {
  const path = mainModulePath();
  assert.ok(path.startsWith("/") && path.endsWith(".ts"), path);
  assert.ok((await Deno.stat(path)).isFile);
});
