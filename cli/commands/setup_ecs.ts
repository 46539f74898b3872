/**
 * `aws-sso setup ecs auth|ssl` (docs/design.md §2.5): the ECS server's bearer token and TLS
 * certificate, kept in the SecureStore.
 *
 * `setup ecs auth` with no flag prints the stored token on stdout (so a container's
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer $(aws-sso setup ecs auth)"` works); `--rotate`
 * stores a new random one; `--bearer-token <tok>` stores the given one — but a value on the
 * command line is visible to other processes, so `--bearer-token -` reads it from stdin, and
 * `--bearer-token` alone asks for it on the terminal without echo.
 *
 * The admin credential (loading and unloading slots) is never printed or set by hand: `--rotate`
 * replaces it along with the token, and `--delete` deletes it too (the next `ecs server` or `ecs
 * load` creates a new one).
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { bearerTokenProblem, newBearerToken } from "../../lib/ecs/bearer_token.ts";
import { AwsSsoError, errorMessage, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

// Loaded on use: the command graph is built on every run, and node:crypto (tls_pem.ts) and the
// store modules cost start-up time.
async function secureStore(ctx: Context) {
  const { secureStore } = await import("../services/store.ts");
  return await secureStore(ctx);
}

const RESTART_NOTE = "a running ECS server keeps the credentials it started with until restarted";

/** The token from `--bearer-token [value]`: the value, stdin (`-`), or a prompt (no value). */
async function tokenFromFlag(
  ctx: Context,
  value: string | true,
  readStdin: () => Promise<string>,
): Promise<string> {
  if (typeof value === "string" && value !== "-") {
    ctx.logger.secret(value);
    ctx.logger.warn(
      "A token on the command line is visible to other processes and kept in shell history; " +
        "prefer --bearer-token - (stdin) or --bearer-token alone (prompt)",
    );
    return value;
  }
  if (value === true && ctx.output.stdinIsTerminal) {
    const { promptTerminal } = await import("../tty.ts");
    const answer = await promptTerminal(ctx).readSecret("ECS bearer token: ");
    if (answer === undefined) throw new AwsSsoError("no bearer token provided");
    ctx.logger.secret(answer);
    return answer;
  }
  const text = await readStdin();
  const token = text.replace(/\r?\n$/, "");
  ctx.logger.secret(token);
  return token;
}

/** What `setup ecs auth` was asked to do (no flag: print the stored token). */
export interface EcsAuthInput {
  /** `--bearer-token [token]`: store this token; `-` reads stdin, `true` (no value) prompts. */
  bearerToken?: string | true;
  /** `--delete`: delete the token and the admin credential. */
  delete?: boolean;
  /** `--rotate`: replace both with new random ones. */
  rotate?: boolean;
  /** Reads all of stdin (for `--bearer-token -`; default: the process's stdin). */
  readStdin?: () => Promise<string>;
}

function readProcessStdin(): Promise<string> {
  return new Response(Deno.stdin.readable).text();
}

/** Shows, stores, rotates or deletes the ECS server's bearer token. */
export async function runSetupEcsAuth(input: EcsAuthInput, ctx: Context): Promise<void> {
  const store = await secureStore(ctx);
  if (input.bearerToken !== undefined) {
    const token = await tokenFromFlag(ctx, input.bearerToken, input.readStdin ?? readProcessStdin);
    const problem = bearerTokenProblem(token);
    if (problem !== undefined) throw new UsageError(problem);
    await store.putEcsBearerToken(token);
    ctx.logger.info(`Stored the ECS bearer token; ${RESTART_NOTE}`);
    return;
  }
  if (input.delete === true) {
    await store.deleteEcsAdminToken();
    const had = await store.deleteEcsBearerToken();
    ctx.logger.info(
      had
        ? "Deleted the ECS bearer token and admin credential; the next ecs server creates new ones (use " +
          "--disable-auth to run without)"
        : "No ECS bearer token was stored",
    );
    return;
  }
  if (input.rotate === true) {
    const token = newBearerToken();
    const admin = newBearerToken();
    ctx.logger.secret(token);
    ctx.logger.secret(admin);
    await store.putEcsBearerToken(token);
    await store.updateEcsAdminToken(() => admin);
    ctx.logger.info(
      `Stored a new random ECS bearer token and admin credential; ${RESTART_NOTE}. Show the ` +
        'token with "aws-sso setup ecs auth"',
    );
    return;
  }
  const token = await store.getEcsBearerToken();
  if (token === undefined) {
    throw new AwsSsoError("no ECS bearer token is stored", {
      hints: [
        'run "aws-sso ecs server" (it creates one), or "aws-sso setup ecs auth --rotate"',
      ],
    });
  }
  ctx.output.out(`${token}\n`);
}

function authCommand(app: App): CommandUnknownOpts {
  return new Command("auth")
    .description(
      "show, set, rotate or delete the ECS server's bearer token (no option: print it)",
    )
    .addOption(
      new Option(
        "-t, --bearer-token [token]",
        "store this token; '-' reads it from stdin, no value asks on the terminal",
      ).conflicts(["delete", "rotate"]),
    )
    .addOption(
      new Option(
        "-d, --delete",
        "delete the token and the admin credential (the next ecs server creates new ones)",
      ).conflicts(["rotate"]),
    )
    .option("--rotate", "replace the token and the admin credential with new random ones")
    .action(async (opts, cmd) => await runSetupEcsAuth(opts, app.context(cmd)));
}

async function readPem(ctx: Context, path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new AwsSsoError(`Cannot read the ${what} ${ctx.display(path)}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
}

/** What `setup ecs ssl` was asked to do. */
export interface EcsSslInput {
  /** `--certificate <file>`: TLS certificate (chain), PEM. */
  certificate?: string;
  /** `--private-key <file>`: its private key, PEM PKCS#8, unencrypted. */
  privateKey?: string;
  /** `--delete`: delete the certificate and the key. */
  delete?: boolean;
  /** `--print`: print the stored certificate. */
  print?: boolean;
  /** `--force`: store the certificate despite the warnings. */
  force?: boolean;
}

/** Stores, prints or deletes the ECS server's TLS certificate and private key. */
export async function runSetupEcsSsl(input: EcsSslInput, ctx: Context): Promise<void> {
  if (input.delete === true) {
    const store = await secureStore(ctx);
    const hadCert = await store.deleteEcsCertChain();
    const hadKey = await store.deleteEcsPrivateKey();
    const removed = hadCert || hadKey;
    ctx.logger.info(
      removed
        ? "Deleted the ECS server's TLS certificate and key: it serves plain http from its next start"
        : "No TLS certificate or key was stored",
    );
    return;
  }
  if (input.print === true) {
    const cert = await (await secureStore(ctx)).getEcsCertChain();
    if (cert === undefined) throw new AwsSsoError("no certificate found");
    ctx.output.out(cert.endsWith("\n") ? cert : `${cert}\n`);
    return;
  }
  if (input.certificate === undefined) {
    if (input.privateKey !== undefined) {
      throw new UsageError("--private-key needs --certificate");
    }
    throw new UsageError(
      "please specify --certificate (with --private-key), --print or --delete",
    );
  }
  const { checkCertificatePem, checkPrivateKeyPem } = await import(
    "../../lib/ecs/tls_pem.ts"
  );
  const cert = await readPem(ctx, input.certificate, "certificate");
  const certCheck = checkCertificatePem(cert);
  if (!certCheck.ok) {
    throw new AwsSsoError(
      `${ctx.display(input.certificate)} is not a usable certificate: ${certCheck.problem}`,
    );
  }
  const key = input.privateKey === undefined
    ? undefined
    : await readPem(ctx, input.privateKey, "private key");
  if (key !== undefined) {
    ctx.logger.secret(key);
    const keyCheck = checkPrivateKeyPem(key, cert);
    if (!keyCheck.ok) {
      throw new AwsSsoError(
        `${ctx.display(input.privateKey!)} is not a usable private key: ${keyCheck.problem}`,
      );
    }
  }
  if (input.force !== true) {
    ctx.logger.warn(
      "TLS for the ECS server is experimental: the AWS SDKs and CLI only trust certificates " +
        "from public CAs for this endpoint (aws-sso-cli issue #936, aws/aws-sdk#774)",
    );
    ctx.logger.warn(
      "With TLS on, most AWS clients will fail to get credentials from the ECS server; " +
        "aws-sso's own ecs commands trust the stored certificate",
    );
    throw new AwsSsoError("Use `--force` to continue anyways.");
  }
  if (certCheck.notAfterMs <= ctx.clock.now()) {
    ctx.logger.warn("The certificate has expired");
  }
  if (certCheck.ca) {
    ctx.logger.warn(
      "The certificate is a CA certificate (basicConstraints CA:TRUE): TLS clients, aws-sso's " +
        "included, refuse it as a server certificate; make one with CA:FALSE",
    );
  }
  const store = await secureStore(ctx);
  if (key !== undefined) await store.putEcsPrivateKey(key);
  await store.putEcsCertChain(cert);
  if (key === undefined) {
    const stored = await store.getEcsPrivateKey();
    if (stored === undefined) {
      ctx.logger.warn(
        "No private key is stored: TLS stays off until you add one with --private-key",
      );
    } else if (!checkPrivateKeyPem(stored, cert).ok) {
      ctx.logger.warn("The stored private key does not belong to this certificate");
    }
  }
  ctx.logger.info("Stored the ECS server's TLS certificate" + (key ? " and key" : ""));
}

function sslCommand(app: App): CommandUnknownOpts {
  return new Command("ssl")
    .description("store, print or delete the ECS server's TLS certificate and private key")
    .option("-c, --certificate <file>", "TLS certificate (chain) in PEM format")
    .option("-k, --private-key <file>", "its private key in PEM PKCS#8 format (unencrypted)")
    .addOption(
      new Option("-d, --delete", "delete the certificate and the key").conflicts([
        "print",
        "certificate",
        "privateKey",
      ]),
    )
    .addOption(
      new Option("-p, --print", "print the stored certificate").conflicts([
        "certificate",
        "privateKey",
      ]),
    )
    .addOption(new Option("--force", "store the certificate despite the warnings").hideHelp())
    .action(async (opts, cmd) => await runSetupEcsSsl(opts, app.context(cmd)));
}

/** Builds the `setup ecs` group. */
export function setupEcsCommand(app: App): CommandUnknownOpts {
  return new Command("ecs")
    .description("set up the ECS server: bearer token (auth) and TLS certificate (ssl)")
    .addCommand(authCommand(app))
    .addCommand(sslCommand(app)) as unknown as CommandUnknownOpts;
}
