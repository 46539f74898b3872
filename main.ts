/**
 * aws-sso entry point: the only caller of Deno.exit.
 *
 * @module
 */
const { run } = await import("./cli/app.ts");
Deno.exit(await run(Deno.args));
