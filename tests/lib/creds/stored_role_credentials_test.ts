import assert from "node:assert/strict";
import {
  REFRESH_BEFORE_MS,
  reusableFromStore,
} from "../../../lib/creds/stored_role_credentials.ts";
import { REFRESH_BEFORE_MS as PROVIDER_LIMIT } from "../../../lib/creds/role_credentials.ts";

Deno.test("reusableFromStore() serves credentials with exactly 20 minutes left, not a ms less", () => {
  const now = Date.UTC(2025, 0, 1);
  assert.equal(REFRESH_BEFORE_MS, 20 * 60_000);
  assert.equal(reusableFromStore(now + REFRESH_BEFORE_MS, now), true);
  assert.equal(reusableFromStore(now + REFRESH_BEFORE_MS - 1, now), false);
  assert.equal(reusableFromStore(now - 1, now), false);
});

Deno.test("the role credential provider applies the same reuse limit", () => {
  assert.equal(PROVIDER_LIMIT, REFRESH_BEFORE_MS);
});
