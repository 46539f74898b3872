/**
 * aws-sso entry point: the only caller of Deno.exit.
 *
 * A warm `process --arn` (the credential_process line in ~/.aws/config) is answered by the hot
 * path without loading the command graph; everything else goes through cli/app.ts.
 *
 * @module
 */
import { fastProcessPayload } from "./cli/fast_process.ts";

if (Deno.args.includes("process")) {
  const env = Deno.env.toObject();
  const payload = await fastProcessPayload(Deno.args, env, Date.now());
  if (payload !== undefined) {
    const { terminalOutput } = await import("./cli/output.ts");
    terminalOutput(env).out(payload);
    Deno.exit(0);
  }
}
const { run } = await import("./cli/app.ts");
Deno.exit(await run(Deno.args));
