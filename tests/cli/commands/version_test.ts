import assert from "node:assert/strict";
import buildInfo from "../../../cli/build_info.json" with { type: "json" };
import { runVersion } from "../../../cli/commands/version.ts";
import { recordingOutput } from "../../../cli/output.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { runArgv } from "./_signed_in.ts";

Deno.test("runVersion() prints the version, commit, build date and platform on stdout", () => {
  const output = recordingOutput();
  runVersion({ output });
  assert.equal(
    output.stdout.split("\n")[0],
    `aws-sso ${buildInfo.version} (commit ${buildInfo.commit}, built ${buildInfo.date}) ` +
      `on ${Deno.build.target}, Deno ${Deno.version.deno}`,
  );
  assert.match(output.stdout, /\nDrop-in compatible with AWS SSO CLI 2\.3 .*\n$/);
  assert.equal(output.stderr, "");
});

Deno.test("version and --version are wired to runVersion", async () => {
  for (const argv of [["version"], ["--version"]]) {
    await using t = await commandServices();
    assert.equal(await runArgv(t, argv), 0);
    assert.match(t.output.stdout, /^aws-sso \S+ \(commit /, argv.join(" "));
  }
});
