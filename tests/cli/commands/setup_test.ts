import assert from "node:assert/strict";
import { setupCommand } from "../../../cli/commands/setup.ts";
import type { App } from "../../../cli/program.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { scriptedPrompts } from "../../fakes/scripted_prompts.ts";

const CONFIG = `SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: https://d-1.awsapps.com/start
ProfileFormat: "{{ .AccountIdPad }}:{{ .RoleName }}"
UrlAction: open
`;

Deno.test("setup groups wizard, profiles, completions and ecs", () => {
  const app: App = { context: () => assert.fail("nothing runs"), setExitCode: () => {} };
  assert.deepEqual(setupCommand(app).commands.map((c) => c.name()), [
    "wizard",
    "profiles",
    "completions",
    "ecs",
  ]);
});

Deno.test("setup wizard --advanced reaches runWizard with every question", async () => {
  const p = scriptedPrompts([
    [/Back up/, false],
    [/ProfileFormat/, "Account id"],
    [/DefaultRegion/, "(not set: us-east-1)"],
    [/CacheRefresh/, "168"],
    [/AutoConfigCheck/, false],
    [/FullTextSearch/, true],
    [/UrlAction/, "open:"],
    [/Browser to open URLs with/, ""],
    [/ConsoleDuration/, "60"],
    [/HistoryLimit/, "10"],
    [/HistoryMinutes/, "1440"],
    [/LogLevel/, "info"],
  ]);
  await using t = await commandServices({ config: CONFIG, terminal: true, prompts: p });
  const app: App = { context: () => t.services, setExitCode: () => {} };
  await setupCommand(app).exitOverride().parseAsync(["wizard", "--advanced"], { from: "user" });
  p.assertDone();
  assert.match(t.output.stderr, /No changes/);
});
