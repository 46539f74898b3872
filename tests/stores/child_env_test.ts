import assert from "node:assert/strict";
import { childEnv, SECRET_ENV_VARS } from "../../stores/child_env.ts";

Deno.test("childEnv() drops every secret variable of ours and keeps the rest", () => {
  const base: Record<string, string | undefined> = { PATH: "/bin", HOME: "/h", UNSET: undefined };
  for (const name of SECRET_ENV_VARS) base[name] = `value of ${name}`;
  assert.deepEqual(childEnv(base, { DISPLAY: ":0" }), { PATH: "/bin", HOME: "/h", DISPLAY: ":0" });
});

Deno.test("childEnv() matches names case-insensitively, as Windows does", () => {
  assert.deepEqual(childEnv({ aws_sso_file_password: "pw", Path: "C:\\" }), { Path: "C:\\" });
});

Deno.test("childEnv() lists the store password among the secrets", () => {
  assert.ok(SECRET_ENV_VARS.includes("AWS_SSO_FILE_PASSWORD"));
});
