/**
 * aws-sso entry point: the only caller of Deno.exit.
 *
 * A warm `process --arn` (the credential_process line in ~/.aws/config) is answered by the hot
 * path without loading the command graph; everything else goes through cli/app.ts.
 *
 * @module
 */
import { fastProcessPayload } from "./cli/fast_process.ts";
import { terminalOutput } from "./cli/output.ts";

if (Deno.args.includes("process")) {
  const env = Deno.env.toObject();
  const payload = await fastProcessPayload(Deno.args, env, Date.now());
  if (payload !== undefined) {
    terminalOutput(env).out(payload);
    Deno.exit(0);
  }
}
// A variable specifier: `deno run` would otherwise load the whole command graph (commander,
// YAML, every command) before the hot path even starts (~7 ms measured). The compile task lists
// this module with --include so the binary still contains it.
const app = "./cli/app.ts";
const { run }: typeof import("./cli/app.ts") = await import(app);
Deno.exit(await run(Deno.args));
