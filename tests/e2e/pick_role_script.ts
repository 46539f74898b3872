/**
 * Test-only program: shows the role picker (cli/picker.ts) over generated roles and prints the
 * chosen role's ARN on stdout; errors go through cli/report.ts, so exit codes are the CLI's
 * (130 on Ctrl-C, 2 when stdin is not a terminal).
 *
 * Usage: deno run -A tests/e2e/pick_role_script.ts <role count> [recent role index ...]
 *
 * @module
 */
import { Context, systemClock } from "../../cli/context.ts";
import { SecretRegistry } from "../../cli/log.ts";
import { terminalOutput } from "../../cli/output.ts";
import { pickRole } from "../../cli/picker.ts";
import { reportError } from "../../cli/report.ts";
import { type RoleFlat, RoleSet } from "../../lib/roles/role.ts";

const WORDS = ["production", "staging", "development", "sandbox", "security", "logging"];
const ROLES = ["AdministratorAccess", "ReadOnlyAccess"];

/** `count` roles, two per account, with recognisable names. */
export function generatedRoles(count: number): RoleFlat[] {
  const roles: RoleFlat[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(i / 2);
    const id = String(100000000000 + n * 7919).padStart(12, "0");
    const alias = `${WORDS[n % WORDS.length]}-${String(n).padStart(4, "0")}`;
    const roleName = ROLES[i % 2]!;
    roles.push({
      Id: i,
      AccountId: Number(id),
      AccountIdPad: id,
      AccountName: "",
      AccountAlias: alias,
      EmailAddress: `aws+${alias}@example.com`,
      ExpiresEpoch: 0,
      Expires: "",
      Arn: `arn:aws:iam::${id}:role/${roleName}`,
      RoleName: roleName,
      Profile: "",
      DefaultRegion: "us-east-1",
      SSO: "Default",
      SSORegion: "us-east-1",
      StartUrl: "https://example.awsapps.com/start",
      Tags: {
        AccountID: id,
        AccountAlias: alias,
        Role: roleName,
        team: n % 3 === 0 ? "blue" : "red",
      },
      Via: "",
      ProfileName: `${alias}:${roleName}`,
    });
  }
  return roles;
}

if (import.meta.main) {
  const roles = generatedRoles(Number(Deno.args[0] ?? 10));
  const history = Deno.args.slice(1).map((i) => roles[Number(i)]!.Arn);
  const env = Deno.env.toObject();
  const output = terminalOutput(env);
  const secrets = new SecretRegistry();
  let code = 0;
  try {
    const ctx = new Context({ lines: false, stsRefresh: false }, {
      env,
      output,
      clock: systemClock,
      secrets,
    });
    const role = await pickRole(ctx, new RoleSet("Default", roles, history));
    output.out(`${role.Arn}\n`);
  } catch (e) {
    code = reportError(e, output, { debug: false, secrets });
  }
  Deno.exit(code);
}
