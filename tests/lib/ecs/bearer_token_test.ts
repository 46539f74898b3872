import assert from "node:assert/strict";
import {
  authorizationMatches,
  bearerTokenProblem,
  newBearerToken,
} from "../../../lib/ecs/bearer_token.ts";

Deno.test("newBearerToken() makes 43 URL-safe characters, different every time", () => {
  const tokens = new Set(Array.from({ length: 100 }, () => newBearerToken()));
  assert.equal(tokens.size, 100);
  for (const t of tokens) assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  for (const t of tokens) assert.equal(bearerTokenProblem(t), undefined);
});

Deno.test("bearerTokenProblem() refuses empty tokens, a Bearer prefix, spaces and control characters", () => {
  assert.equal(bearerTokenProblem(""), "no bearer token provided");
  assert.equal(bearerTokenProblem("Bearer abc"), "token should not start with 'Bearer '");
  for (const bad of ["a b", "abc\n", "a\r\nb", "tab\there", "nul\x00"]) {
    assert.match(bearerTokenProblem(bad) ?? "", /spaces, newlines or control characters/, bad);
  }
  assert.equal(bearerTokenProblem("s3cr3t-t0ken"), undefined);
});

Deno.test("authorizationMatches() accepts exactly 'Bearer <token>'", async () => {
  const token = "s3cr3t-t0ken";
  assert.equal(await authorizationMatches("Bearer s3cr3t-t0ken", token), true);
  for (
    const header of [
      null,
      undefined,
      "",
      "s3cr3t-t0ken",
      "bearer s3cr3t-t0ken",
      "Bearer s3cr3t",
      "Bearer s3cr3t-t0ken2",
      "Bearer  s3cr3t-t0ken",
      "Basic s3cr3t-t0ken",
    ]
  ) {
    assert.equal(await authorizationMatches(header, token), false, String(header));
  }
});
