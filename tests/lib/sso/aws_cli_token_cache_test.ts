import assert from "node:assert/strict";
import {
  awsCliTimestamp,
  awsCliTokenCacheDir,
  awsCliTokenCachePath,
  parseAwsCliTimestamp,
  parseAwsCliToken,
  renderAwsCliToken,
} from "../../../lib/sso/aws_cli_token_cache.ts";

/** Written by botocore's own serialiser (`botocore.tokens._sso_json_dumps`). */
const GOLDEN = new URL("../../testdata/aws_cli_sso_cache/botocore_token.json", import.meta.url);

Deno.test("awsCliTokenCachePath() names the file by the SHA-1 of the session name, as botocore does", async () => {
  const dir = awsCliTokenCacheDir("/home/me");
  assert.equal(dir, "/home/me/.aws/sso/cache");
  // The digest `sha1sum` prints for the same text.
  assert.equal(
    await awsCliTokenCachePath(dir, "my-sso"),
    `${dir}/${await sha1sum("my-sso")}.json`,
  );
  assert.notEqual(
    await awsCliTokenCachePath(dir, "https://my.awsapps.com/start"),
    await awsCliTokenCachePath(dir, "my-sso"),
  );
});

async function sha1sum(text: string): Promise<string> {
  const out = await new Deno.Command("sha1sum", { stdin: "piped", stdout: "piped" }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { stdout } = await out.output();
  return new TextDecoder().decode(stdout).split(" ")[0]!;
}

Deno.test("parseAwsCliToken() decodes the file botocore writes", async () => {
  const text = await Deno.readTextFile(GOLDEN);
  const token = parseAwsCliToken(text);
  assert.ok(token);
  assert.equal(token.accessToken, "aoa-access-token");
  assert.equal(token.expiresAtMs, Date.UTC(2030, 0, 2, 3, 4, 5));
  assert.equal(token.registrationExpiresAtMs, Date.UTC(2030, 2, 1));
  assert.equal(token.startUrl, "https://corp.awsapps.com/start");
  assert.equal(token.region, "eu-central-1");
  assert.equal(token.clientId, "client-id");
  assert.equal(token.clientSecret, "client/secret+with=chars");
  assert.equal(token.refreshToken, "réfresh-☃-token");
});

Deno.test("renderAwsCliToken() writes byte for byte what botocore writes", async () => {
  const text = await Deno.readTextFile(GOLDEN);
  assert.equal(renderAwsCliToken(parseAwsCliToken(text)!.fields), text);
});

Deno.test("renderAwsCliToken() keeps field order, drops undefined fields and keeps unknown ones", () => {
  const fields = { b: 1, a: "x", gone: undefined, nested: { list: [1, "é"], ok: true, n: null } };
  assert.equal(
    renderAwsCliToken(fields),
    '{"b": 1, "a": "x", "nested": {"list": [1, "\\u00e9"], "ok": true, "n": null}}',
  );
});

Deno.test("parseAwsCliToken() refuses what botocore would not load as a token", () => {
  assert.equal(parseAwsCliToken("not json"), undefined);
  assert.equal(parseAwsCliToken("[]"), undefined);
  assert.equal(parseAwsCliToken('{"accessToken": "t"}'), undefined);
  assert.equal(parseAwsCliToken('{"expiresAt": "2030-01-01T00:00:00Z"}'), undefined);
  assert.equal(parseAwsCliToken('{"accessToken": "t", "expiresAt": "soon"}'), undefined);
});

Deno.test("parseAwsCliTimestamp() reads every form AWS tools have written", () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5);
  assert.equal(parseAwsCliTimestamp("2024-01-02T03:04:05Z"), at);
  assert.equal(parseAwsCliTimestamp("2024-01-02T03:04:05UTC"), at);
  assert.equal(parseAwsCliTimestamp("2024-01-02T03:04:05+00:00"), at);
  assert.equal(parseAwsCliTimestamp("2024-01-02T04:04:05+01:00"), at);
  assert.equal(parseAwsCliTimestamp("2024-01-02T03:04:05.000Z"), at);
  assert.equal(parseAwsCliTimestamp("2024-01-02T03:04:05"), at);
  assert.equal(parseAwsCliTimestamp("yesterday"), undefined);
  assert.equal(parseAwsCliTimestamp(1704164645), undefined);
});

Deno.test("awsCliTimestamp() writes UTC whole seconds with Z", () => {
  assert.equal(awsCliTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), "2024-01-02T03:04:05Z");
});
