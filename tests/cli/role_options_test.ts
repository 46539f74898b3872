import assert from "node:assert/strict";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { consoleCommand } from "../../cli/commands/console.ts";
import { ecsCommand } from "../../cli/commands/ecs.ts";
import { evalCommand } from "../../cli/commands/eval.ts";
import { execCommand } from "../../cli/commands/exec.ts";
import { processCommand } from "../../cli/commands/process.ts";
import type { App } from "../../cli/program.ts";
import { addRoleOptions, ROLE_OPTIONS, roleSelection } from "../../cli/role_options.ts";
import { addAwsProfileOptions } from "../../cli/services/aws_cli_profile.ts";
import { UsageError } from "../../lib/errors.ts";

const APP: App = {
  context: () => {
    throw new Error("not run");
  },
  setExitCode: () => {},
};

function sub(cmd: CommandUnknownOpts, name: string): CommandUnknownOpts {
  return cmd.commands.find((c) => c.name() === name)! as unknown as CommandUnknownOpts;
}

const COMMANDS: [string, CommandUnknownOpts, boolean][] = [
  ["process", processCommand(APP), false],
  ["eval", evalCommand(APP), false],
  ["exec", execCommand(APP), true],
  ["console", consoleCommand(APP), true],
  ["ecs load", sub(ecsCommand(APP), "load"), true],
];

Deno.test("every role-using command declares -a/-A/-R/-p with the same flags, help and bindings", () => {
  for (const [name, cmd, env] of COMMANDS) {
    for (const spec of ROLE_OPTIONS) {
      const option = cmd.options.find((o) => o.attributeName() === spec.key);
      assert.ok(option !== undefined, `${name} --${spec.key}`);
      assert.equal(option.flags, spec.flags, name);
      assert.equal(option.description, spec.help, name);
      assert.equal(option.envVar, env ? spec.env : undefined, `${name} --${spec.key} env`);
    }
  }
});

/** A command with the role options (and --aws-profile) that records the selection it parsed. */
function parser(env: boolean, exclusive = false) {
  const cmd = addAwsProfileOptions(
    addRoleOptions(new Command("t"), { env, exclusive }).exitOverride().configureOutput({
      writeErr: () => {},
    }),
  ) as unknown as CommandUnknownOpts;
  return cmd;
}

Deno.test("roleSelection() gives the flags of the command line, which beat values from the environment", () => {
  const cmd = parser(true);
  cmd.parse(["-A", "012345678901", "-R", "Admin"], { from: "user" });
  // As commander records a value it read from AWS_SSO_ROLE_ARN in an aws-sso shell.
  cmd.setOptionValueWithSource("arn", "arn:aws:iam::123456789012:role/Other", "env");
  assert.deepEqual(roleSelection(cmd), {
    args: { account: "012345678901", role: "Admin" },
    given: ["account", "role"],
    awsProfile: undefined,
  });

  const fromEnv = parser(true);
  fromEnv.parse([], { from: "user" });
  fromEnv.setOptionValueWithSource("arn", "arn:aws:iam::123456789012:role/Other", "env");
  assert.deepEqual(roleSelection(fromEnv), {
    args: { arn: "arn:aws:iam::123456789012:role/Other" },
    given: [],
    awsProfile: undefined,
  });
});

Deno.test("roleSelection() lists the given flags --profile first and parses --aws-profile", () => {
  const cmd = parser(false);
  cmd.parse(["-R", "Admin", "-p", "prod"], { from: "user" });
  assert.deepEqual(roleSelection(cmd).given, ["profile", "role"]);

  const aws = parser(false);
  aws.parse(["--aws-profile", " dev ", "-A", "012345678901", "--no-interactive"], {
    from: "user",
  });
  assert.deepEqual(roleSelection(aws).awsProfile, {
    name: "dev",
    flags: {
      accountId: "012345678901",
      roleName: undefined,
      startUrl: undefined,
      ssoRegion: undefined,
      interactive: false,
    },
  });

  const bad = parser(false);
  bad.parse(["--aws-profile", "dev", "-p", "prod"], { from: "user" });
  assert.throws(
    () => roleSelection(bad),
    (e) =>
      e instanceof UsageError && /--aws-profile cannot be combined with --profile/.test(e.message),
  );
});

Deno.test("addRoleOptions() exclusive: --arn excludes the others, --profile excludes --account/--role", () => {
  for (
    const args of [
      ["-a", "012345678901:Admin", "-p", "prod"],
      ["-a", "012345678901:Admin", "-R", "Admin"],
      ["-p", "prod", "-A", "012345678901"],
    ]
  ) {
    assert.throws(
      () => parser(false, true).parse(args, { from: "user" }),
      /cannot be used with/,
      args.join(" "),
    );
  }
  // Without `exclusive` the reference's priority decides (--profile > --arn > --account+--role).
  const cmd = parser(false);
  cmd.parse(["-a", "012345678901:Admin", "-p", "prod"], { from: "user" });
  assert.deepEqual(roleSelection(cmd).args, { arn: "012345678901:Admin", profile: "prod" });
  assert.throws(() => addRoleOptions(new Command("x"), { env: true, exclusive: true }));
});
