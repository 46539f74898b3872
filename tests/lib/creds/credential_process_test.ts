import assert from "node:assert/strict";
import { formatCredentialProcess } from "../../../lib/creds/credential_process.ts";

const CREDS = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "se/cr+et=",
  sessionToken: "to/ken+==",
  expiration: Date.UTC(2024, 5, 4, 0, 56, 11),
  accountId: "012345678901",
};

Deno.test("formatCredentialProcess() prints version 1 JSON plus AccountId, compact, no newline", () => {
  const text = formatCredentialProcess(CREDS, { tzOffsetMinutes: -420 });
  assert.equal(
    text,
    '{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"se/cr+et=",' +
      '"SessionToken":"to/ken+==","Expiration":"2024-06-03T17:56:11-07:00",' +
      '"AccountId":"012345678901"}',
  );
  assert.ok(!text.endsWith("\n"));
});

Deno.test("formatCredentialProcess() keeps the account id's leading zero as a string", () => {
  const parsed = JSON.parse(formatCredentialProcess(CREDS, { tzOffsetMinutes: 0 }));
  assert.equal(parsed.AccountId, "012345678901");
  assert.equal(parsed.Expiration, "2024-06-04T00:56:11Z");
  assert.equal(Date.parse(parsed.Expiration), CREDS.expiration);
});
