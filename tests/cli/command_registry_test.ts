import assert from "node:assert/strict";
import { COMMANDS, commandsFor } from "../../cli/command_registry.ts";

const names = (argv: string[]) => commandsFor(argv).map((c) => c.name);

Deno.test("commandsFor() loads only the command a command line names", () => {
  assert.deepEqual(names(["list", "--csv"]), ["list"]);
  assert.deepEqual(names(["-S", "Work", "-L", "debug", "process", "--arn", "x"]), ["process"]);
  assert.deepEqual(names(["--config", "/x/list", "exec", "--", "ls"]), ["exec"]);
  assert.deepEqual(names(["--lines", "--sts-refresh", "setup", "profiles"]), ["setup"]);
  assert.deepEqual(names(["config", "--diff"]), ["config"]);
});

Deno.test("commandsFor() runs list for the default command", () => {
  assert.deepEqual(names([]), ["list"]);
  assert.deepEqual(names(["-S", "Work"]), ["list"]);
});

Deno.test("commandsFor() loads version for --version without a command", () => {
  assert.deepEqual(names(["--version"]), ["version"]);
  assert.deepEqual(names(["-L", "debug", "--version"]), ["version"]);
  assert.deepEqual(names(["--version", "time"]), ["time"]);
});

Deno.test("commandsFor() loads every command for help, `help <cmd>` and unknown names", () => {
  const all = COMMANDS.map((c) => c.name);
  assert.deepEqual(names(["--help"]), all);
  assert.deepEqual(names(["-h", "list"]), all);
  assert.deepEqual(names(["help", "list"]), all);
  assert.deepEqual(names(["lsit"]), all);
});

Deno.test("every registered command module exports its factory", async () => {
  for (const entry of COMMANDS) {
    const mod = await import(new URL(entry.module, new URL("../../cli/", import.meta.url)).href);
    assert.equal(typeof mod[entry.factory], "function", `${entry.module} ${entry.factory}`);
  }
});
