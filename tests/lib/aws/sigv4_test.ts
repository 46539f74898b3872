import assert from "node:assert/strict";
import { amzDate, signRequest, sigv4Encode } from "../../../lib/aws/sigv4.ts";

// The AWS Signature Version 4 test suite's credentials and time.
const SUITE_CREDS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const SUITE_TIME = Date.UTC(2015, 7, 30, 12, 36, 0);

function suiteRequest(method: string) {
  return {
    method,
    url: "https://example.amazonaws.com/",
    headers: {},
    body: new Uint8Array(),
    service: "service",
    region: "us-east-1",
    nowMs: SUITE_TIME,
  };
}

Deno.test("signRequest() reproduces the SigV4 test suite's get-vanilla signature", async () => {
  const headers = await signRequest(suiteRequest("GET"), SUITE_CREDS);
  assert.equal(headers["x-amz-date"], "20150830T123600Z");
  assert.equal(
    headers["authorization"],
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
      "SignedHeaders=host;x-amz-date, " +
      "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  );
  assert.equal(headers["host"], undefined, "fetch sets Host itself");
});

Deno.test("signRequest() reproduces the SigV4 test suite's post-vanilla signature", async () => {
  const headers = await signRequest(suiteRequest("POST"), SUITE_CREDS);
  assert.match(
    headers["authorization"]!,
    /Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b$/,
  );
});

Deno.test("signRequest() signs the session token of temporary credentials", async () => {
  const headers = await signRequest(suiteRequest("GET"), { ...SUITE_CREDS, sessionToken: "tok" });
  assert.equal(headers["x-amz-security-token"], "tok");
  assert.match(headers["authorization"]!, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
});

Deno.test("sigv4Encode() leaves only unreserved characters unencoded", () => {
  assert.equal(sigv4Encode("a-b_c.d~e f*g'h(i)!/"), "a-b_c.d~e%20f%2Ag%27h%28i%29%21%2F");
  assert.equal(amzDate(SUITE_TIME), "20150830T123600Z");
});
