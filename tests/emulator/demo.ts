/**
 * `deno task demo`: try aws-sso in one minute without an AWS account. Starts the local Identity
 * Center emulator with a small directory, writes a private HOME with a config.yaml that points at
 * it (the "browser" is simulated, so logins complete unattended), writes `env.sh`, prints exactly
 * what to run next, and keeps the emulator up until Ctrl-C.
 *
 *   deno task demo [--accounts N] [--roles N] [--dir PATH]
 *
 * @module
 */
import { installLauncher } from "../../.github/scripts/install.ts";
import { startEmulator } from "./emulator.ts";

const repo = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

function out(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  const v = i >= 0 ? Deno.args[i + 1] : undefined;
  return v ?? fallback;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

const accounts = Number(flag("--accounts", "3"));
const roles = Number(flag("--roles", "3"));
if (!Number.isInteger(accounts) || accounts < 1 || !Number.isInteger(roles) || roles < 1) {
  Deno.stderr.writeSync(
    new TextEncoder().encode("usage: deno task demo [--accounts N] [--roles N] [--dir PATH]\n"),
  );
  Deno.exit(2);
}
const ownDir = !Deno.args.includes("--dir");
const dir = !ownDir ? flag("--dir", "") : await Deno.makeTempDir({ prefix: "aws-sso-demo-" });
const home = `${dir}/home`;
const configDir = `${home}/.config/aws-sso`;
await Deno.mkdir(configDir, { recursive: true, mode: 0o700 });

const emu = await startEmulator({ accounts, rolesPerAccount: roles, deviceCodeIntervalSec: 1 });
const denoDir = Deno.env.get("DENO_DIR") ??
  JSON.parse(new TextDecoder().decode(
    new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).outputSync()
      .stdout,
  )).denoDir;

const config =
  `# aws-sso demo configuration: one Identity Center instance served by the local emulator.
SSOConfig:
  Default:
    SSORegion: ${emu.region}
    StartUrl: ${emu.startUrl}
    DefaultRegion: eu-west-1
    Accounts:
      "012345678901":
        Name: demo-prod
        Tags:
          env: prod
DefaultRegion: us-east-1
# The encrypted file store; its password comes from AWS_SSO_FILE_PASSWORD in env.sh.
SecureStore: file
# The emulator's "browser": a script that visits the login URL as a signed-in user would.
UrlAction: exec
UrlExecCommand:
  - ${Deno.execPath()}
  - run
  - -A
  - --quiet
  - ${repo}/tests/emulator/browser.ts
  - "%s"
`;
await Deno.writeTextFile(`${configDir}/config.yaml`, config, { mode: 0o600 });

// A real executable on PATH (not a shell function), so aws-sso also works in the shells
// `aws-sso exec` starts and in credential_process lines.
const binDir = `${dir}/bin`;
await installLauncher({ binDir, deno: Deno.execPath() });

const envLines = [
  `export HOME=${shellQuote(home)}`,
  `export DENO_DIR=${shellQuote(denoDir)}`,
  `unset XDG_CONFIG_HOME AWS_SSO_CONFIG AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`,
  ...Object.entries(emu.env).sort().map(([k, v]) => `export ${k}=${shellQuote(v)}`),
  `export AWS_SSO_FILE_PASSWORD=${shellQuote("demo-password")}`,
  `export PATH=${shellQuote(binDir)}:"$PATH"`,
];
await Deno.writeTextFile(`${dir}/env.sh`, envLines.join("\n") + "\n");

out(
  `aws-sso demo: a local IAM Identity Center with ${accounts} accounts x ${roles} roles is running at ${emu.url}

Config written to ${configDir}/config.yaml (a private HOME: ${home})

In another terminal, run:

  source ${dir}/env.sh     # the emulator endpoints, a private HOME, aws-sso on PATH
  aws-sso --help                 # every command
  cat "$HOME/.config/aws-sso/config.yaml"
  aws-sso login                  # the simulated browser approves at once
  aws-sso list                   # your accounts and roles
  aws-sso exec -p demo-prod:AdministratorAccess -- env | grep ^AWS_
  aws-sso exec -p demo-prod:AdministratorAccess   # a shell with the role; aws-sso time in it
  aws-sso eval -p demo-prod:ReadOnlyAccess
  aws-sso setup profiles --print # credential_process profiles for ~/.aws/config

Press Ctrl-C here to stop the emulator (this also removes ${ownDir ? dir : "nothing"}).
`,
);

const stop = async () => {
  await emu.close();
  if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
