import assert from "node:assert/strict";
import { parseCompLine } from "../../../lib/completion/comp_line.ts";
import {
  type CompletionCommand,
  completionTarget,
  matchCandidates,
} from "../../../lib/completion/completer.ts";

const global = [
  { flags: ["-S", "--sso"], takesValue: true, values: { kind: "dynamic" as const, name: "sso" } },
  {
    flags: ["-L", "--level"],
    takesValue: true,
    values: { kind: "choices" as const, choices: ["error", "info"] },
  },
];

const tree: CompletionCommand = {
  name: "aws-sso",
  options: global,
  subcommands: [
    {
      name: "exec",
      options: [
        {
          flags: ["-p", "--profile"],
          takesValue: true,
          values: { kind: "dynamic", name: "profiles" },
        },
        {
          flags: ["-A", "--account"],
          takesValue: true,
          values: { kind: "dynamic", name: "accounts" },
        },
        { flags: ["-R", "--role"], takesValue: true, values: { kind: "dynamic", name: "roles" } },
        { flags: ["-n", "--no-region"], takesValue: false },
        {
          flags: ["-S", "--sso"],
          takesValue: true,
          hidden: true,
          values: { kind: "dynamic", name: "sso" },
        },
      ],
      subcommands: [],
    },
    {
      name: "setup",
      options: [],
      subcommands: [
        { name: "profiles", options: [{ flags: ["--force"], takesValue: false }], subcommands: [] },
        { name: "wizard", options: [], subcommands: [] },
      ],
    },
    {
      name: "list",
      options: [],
      subcommands: [],
      positional: { kind: "dynamic", name: "fields" },
    },
    { name: "secret", hidden: true, options: [], subcommands: [] },
  ],
};

function target(line: string) {
  return completionTarget(tree, parseCompLine(line));
}

Deno.test("completionTarget() offers the visible sub-commands", () => {
  const t = target("aws-sso ");
  assert.deepEqual(t.source, { kind: "choices", choices: ["exec", "setup", "list"] });
  assert.deepEqual(matchCandidates(target("aws-sso se"), ["exec", "setup", "list"]), ["setup"]);
  assert.deepEqual(target("aws-sso setup ").source, {
    kind: "choices",
    choices: ["profiles", "wizard"],
  });
});

Deno.test("completionTarget() offers the long flags of the command, not hidden ones", () => {
  const t = target("aws-sso exec --");
  assert.deepEqual(t.source, {
    kind: "choices",
    choices: ["--profile", "--account", "--role", "--no-region", "--help"],
  });
  assert.deepEqual(t.path, ["exec"]);
});

Deno.test("completionTarget() asks for a flag's value after the flag", () => {
  const t = target("aws-sso exec -p prod:A");
  assert.deepEqual(t.source, { kind: "dynamic", name: "profiles" });
  assert.equal(t.partial, "prod:A");
  assert.equal(t.prefix, "");
  assert.deepEqual(target("aws-sso -L ").source, { kind: "choices", choices: ["error", "info"] });
});

Deno.test("completionTarget() completes --flag=value keeping the flag on every candidate", () => {
  const t = target("aws-sso exec --profile=prod:A");
  assert.equal(t.prefix, "--profile=");
  assert.equal(t.partial, "prod:A");
  assert.deepEqual(matchCandidates(t, ["prod:Admin", "dev:Admin", "prod:Audit"]), [
    "--profile=prod:Admin",
    "--profile=prod:Audit",
  ]);
});

Deno.test("completionTarget() skips flag values and records them for filtering", () => {
  const t = target("aws-sso -S Work exec -A 012345678901 --role=Admin -R ");
  assert.deepEqual(t.source, { kind: "dynamic", name: "roles" });
  assert.deepEqual(t.optionValues, { sso: "Work", account: "012345678901", role: "Admin" });
  assert.equal(target("aws-sso -LWork exec ").optionValues.level, "Work");
});

Deno.test("completionTarget() offers positional values and nothing after --", () => {
  assert.deepEqual(target("aws-sso list AccountId Ro").source, { kind: "dynamic", name: "fields" });
  assert.deepEqual(target("aws-sso exec -- ls -").source, { kind: "none" });
  assert.deepEqual(target("aws-sso exec ").source, { kind: "none" });
});

Deno.test("completionTarget() accepts a hidden command typed in full", () => {
  assert.deepEqual(target("aws-sso secret --").path, ["secret"]);
});

Deno.test("matchCandidates() keeps the order and drops duplicates", () => {
  const t = target("aws-sso exec -A 0");
  assert.deepEqual(matchCandidates(t, ["012", "1", "012", "000"]), ["012", "000"]);
});
