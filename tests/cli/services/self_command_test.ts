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
