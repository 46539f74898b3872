import assert from "node:assert/strict";
import { encodeLoadRequest, parseLoadRequest } from "../../../lib/ecs/load_request.ts";
import type { RoleCredentials } from "../../../lib/creds/role_credentials.ts";

const CREDS: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret",
  sessionToken: "session",
  expiration: 1717462571000,
  roleChaining: true,
  accountId: "012345678901",
  roleName: "Admin",
  arn: "arn:aws:iam::012345678901:role/Admin",
};

Deno.test("encodeLoadRequest() writes the reference's body with a numeric accountId", () => {
  assert.equal(
    encodeLoadRequest("prod:Admin", CREDS),
    '{"ProfileName":"prod:Admin","Creds":{"roleName":"Admin","accountId":12345678901,' +
      '"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"secret","sessionToken":"session",' +
      '"expiration":1717462571000,"roleChaining":true}}',
  );
});

Deno.test("parseLoadRequest() reads what encodeLoadRequest() writes, with the 12-digit account and ARN", () => {
  assert.deepEqual(parseLoadRequest(encodeLoadRequest("prod:Admin", CREDS)), {
    request: { profileName: "prod:Admin", creds: CREDS },
  });
});

Deno.test("parseLoadRequest() accepts the account id as a string and a missing roleChaining", () => {
  const body = JSON.parse(encodeLoadRequest("p", CREDS));
  body.Creds.accountId = "012345678901";
  delete body.Creds.roleChaining;
  const parsed = parseLoadRequest(JSON.stringify(body));
  assert.ok("request" in parsed);
  assert.equal(parsed.request.creds.accountId, "012345678901");
  assert.equal(parsed.request.creds.roleChaining, false);
});

Deno.test("parseLoadRequest() names the first missing or invalid field", () => {
  const base = JSON.parse(encodeLoadRequest("p", CREDS));
  const without = (field: string, value?: unknown) =>
    JSON.stringify({ ...base, Creds: { ...base.Creds, [field]: value } });
  assert.deepEqual(parseLoadRequest("[1]"), { error: "parsing json: expected an object" });
  assert.match((parseLoadRequest("{") as { error: string }).error, /^parsing json: /);
  assert.deepEqual(parseLoadRequest('{"ProfileName":""}'), { error: "missing ProfileName" });
  assert.deepEqual(parseLoadRequest('{"ProfileName":"p","Creds":[]}'), {
    error: "missing Creds block",
  });
  for (const field of ["roleName", "accessKeyId", "secretAccessKey", "sessionToken"]) {
    assert.deepEqual(parseLoadRequest(without(field)), { error: `missing ${field}` });
  }
  assert.deepEqual(parseLoadRequest(without("accountId", "x")), { error: "missing accountId" });
  assert.deepEqual(parseLoadRequest(without("accountId", -1)), { error: "missing accountId" });
  assert.deepEqual(parseLoadRequest(without("expiration", 0)), { error: "missing expiration" });
  assert.deepEqual(parseLoadRequest(without("roleName", "a/b")), { error: "invalid roleName" });
});
