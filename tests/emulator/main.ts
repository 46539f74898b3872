/**
 * Runs the AWS emulator as a process (for `deno task demo`, benchmarks and tests that need it in
 * another process). Prints the `AWS_ENDPOINT_URL_*` map as JSON on stdout once listening, and
 * writes it to `--ready-file` too. Stops cleanly on SIGINT/SIGTERM.
 *
 *   deno run -A tests/emulator/main.ts [--port N] [--accounts N] [--roles N] [--latency MS]
 *     [--throttle RATE] [--errors RATE] [--token-lifetime S] [--credential-lifetime S]
 *     [--seed N] [--ready-file PATH] [--verbose]
 *
 * @module
 */

import { type EmulatorOptions, startEmulator } from "./emulator.ts";

const USAGE = `usage: deno run -A tests/emulator/main.ts [options]
  --port N                 listen on 127.0.0.1:N (default: a free port)
  --accounts N             generated accounts (default 3)
  --roles N                roles per account (default 3)
  --latency MS             added to every response
  --throttle RATE          0..1 fraction of API calls throttled
  --errors RATE            0..1 fraction of API calls answered 500/503
  --token-lifetime S       access token lifetime in seconds (default 3600)
  --credential-lifetime S  role credential lifetime in seconds (default 3600)
  --seed N                 fault sequence seed (default 1)
  --ready-file PATH        write the JSON endpoint map here once listening
  --verbose                log one line per request on stderr (never secrets)
`;

const NUMERIC: Record<string, keyof EmulatorOptions> = {
  "--port": "port",
  "--accounts": "accounts",
  "--roles": "rolesPerAccount",
  "--latency": "latencyMs",
  "--throttle": "throttleRate",
  "--errors": "serverErrorRate",
  "--token-lifetime": "tokenLifetimeSec",
  "--credential-lifetime": "credentialLifetimeSec",
  "--seed": "seed",
};

function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

function parseArgs(args: string[]): { options: EmulatorOptions; readyFile?: string } | string {
  const options: Record<string, number> = {};
  let readyFile: string | undefined;
  let verbose = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (name === "--help" || name === "-h") return USAGE;
    if (name === "--verbose") {
      verbose = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) return `${name} needs a value\n${USAGE}`;
    if (name === "--ready-file") {
      readyFile = value;
      continue;
    }
    const key = NUMERIC[name];
    const n = Number(value);
    if (key === undefined) return `unknown option ${name}\n${USAGE}`;
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      return `${name} needs a non-negative number, got "${value}"\n${USAGE}`;
    }
    if ((key === "throttleRate" || key === "serverErrorRate") && n > 1) {
      return `${name} must be between 0 and 1\n${USAGE}`;
    }
    options[key] = n;
  }
  const out: EmulatorOptions = { ...options };
  if (verbose) out.log = (line) => writeErr(line + "\n");
  return { options: out, readyFile };
}

async function main(): Promise<number> {
  const parsed = parseArgs(Deno.args);
  if (typeof parsed === "string") {
    writeErr(parsed);
    return parsed === USAGE ? 0 : 2;
  }
  const emu = await startEmulator(parsed.options);
  const envJson = JSON.stringify(emu.env);
  if (parsed.readyFile) {
    // Write then rename, so a reader polling for the file never sees half of it.
    const tmp = `${parsed.readyFile}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, envJson + "\n");
    await Deno.rename(tmp, parsed.readyFile);
  }
  await Deno.stdout.write(new TextEncoder().encode(envJson + "\n"));

  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const s of signals) Deno.removeSignalListener(s, stop);
      resolve();
    };
    for (const s of signals) Deno.addSignalListener(s, stop);
  });
  await emu.close();
  return 0;
}

if (import.meta.main) {
  Deno.exitCode = await main();
}
