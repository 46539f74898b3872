import assert from "node:assert/strict";
import {
  authorizeEndpoint,
  authorizeUrl,
  checkCallback,
  codeChallenge,
  constantTimeEqual,
  createCodeVerifier,
  createState,
} from "../../../lib/sso/pkce.ts";

Deno.test("codeChallenge() matches the S256 example of RFC 7636 appendix B", async () => {
  assert.equal(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("createCodeVerifier() is base64url of 48 random bytes: 64 characters, no padding", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const v = createCodeVerifier();
    assert.match(v, /^[A-Za-z0-9_-]{64}$/);
    seen.add(v);
  }
  assert.equal(seen.size, 20);
  const fixed = createCodeVerifier((n) => new Uint8Array(n).fill(0xff));
  assert.equal(fixed, "_".repeat(64));
});

Deno.test("createState() is base64url of 24 random bytes", () => {
  assert.match(createState(), /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(createState(), createState());
});

Deno.test("authorizeEndpoint() follows the region, the registration, and an endpoint override", () => {
  assert.equal(
    authorizeEndpoint(undefined, "us-east-1"),
    "https://oidc.us-east-1.amazonaws.com/authorize",
  );
  assert.equal(
    authorizeEndpoint(undefined, "cn-north-1"),
    "https://oidc.cn-north-1.amazonaws.com.cn/authorize",
  );
  assert.equal(
    authorizeEndpoint(undefined, "us-east-1", { fips: true }),
    "https://oidc-fips.us-east-1.amazonaws.com/authorize",
  );
  assert.equal(
    authorizeEndpoint("https://oidc.eu-west-1.amazonaws.com/", "us-east-1"),
    "https://oidc.eu-west-1.amazonaws.com/authorize",
  );
  assert.equal(
    authorizeEndpoint("https://oidc.eu-west-1.amazonaws.com/authorize", "us-east-1"),
    "https://oidc.eu-west-1.amazonaws.com/authorize",
  );
  assert.equal(
    authorizeEndpoint("https://oidc.eu-west-1.amazonaws.com/authorize", "us-east-1", {
      overrides: { oidc: "http://127.0.0.1:9999/" },
    }),
    "http://127.0.0.1:9999/authorize",
  );
});

Deno.test("authorizeUrl() carries every parameter, keys sorted, values form-encoded", () => {
  const url = authorizeUrl({
    endpoint: "https://oidc.us-east-1.amazonaws.com/authorize",
    clientId: "abc",
    codeChallenge: "ch-al_lenge",
    redirectUri: "http://127.0.0.1:4321",
    state: "st",
  });
  assert.equal(
    url,
    "https://oidc.us-east-1.amazonaws.com/authorize?client_id=abc&code_challenge=ch-al_lenge" +
      "&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A4321" +
      "&response_type=code&scope=sso%3Aaccount%3Aaccess&state=st",
  );
});

Deno.test("constantTimeEqual() compares whole strings of any length", () => {
  assert.equal(constantTimeEqual("abc", "abc"), true);
  assert.equal(constantTimeEqual("abc", "abd"), false);
  assert.equal(constantTimeEqual("abc", "abcd"), false);
  assert.equal(constantTimeEqual("", "a"), false);
  assert.equal(constantTimeEqual("", ""), true);
});

Deno.test("checkCallback() tells codes, refusals, foreign requests and noise apart", () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.deepEqual(checkCallback(q("code=c1&state=s1"), "s1"), { kind: "code", code: "c1" });
  assert.deepEqual(checkCallback(q(""), "s1"), { kind: "ignore" });
  assert.deepEqual(checkCallback(q("code=c1"), "s1"), {
    kind: "foreign",
    message: "returned state is empty",
  });
  assert.deepEqual(checkCallback(q("code=c1&state=other"), "s1"), {
    kind: "foreign",
    message: "state mismatch",
  });
  assert.deepEqual(checkCallback(q("state=s1"), "s1"), {
    kind: "invalid",
    message: "missing authorization code",
  });
  const denied = checkCallback(q("error=access_denied&error_description=no&state=s1"), "s1");
  assert.equal(denied.kind, "refused");
  assert.match((denied as { message: string }).message, /denied in the browser/);
  // An error for another login does not abort this one.
  assert.equal(checkCallback(q("error=access_denied&state=zz"), "s1").kind, "foreign");
  assert.equal(checkCallback(q("error=access_denied"), "s1").kind, "foreign");
});
