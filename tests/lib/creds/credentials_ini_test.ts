import assert from "node:assert/strict";
import { formatCredentialsIni, type IniProfile } from "../../../lib/creds/credentials_ini.ts";

const GOLDEN = new URL("../../testdata/credentials/two_profiles.ini", import.meta.url).pathname;

const PROFILES: IniProfile[] = [
  {
    profile: "production:AdministratorAccess",
    accessKeyId: "ASIAFIRST",
    secretAccessKey: "first/secret+key=",
    sessionToken: "first-token==",
    expiration: Date.UTC(2024, 5, 4, 0, 56, 11),
    tzOffsetMinutes: -420,
  },
  {
    profile: "staging:ReadOnly",
    accessKeyId: "ASIASECOND",
    secretAccessKey: "second-secret",
    sessionToken: "second-token",
    expiration: Date.UTC(2024, 5, 4, 1, 0, 0),
    tzOffsetMinutes: 0,
  },
];

Deno.test("formatCredentialsIni() writes one section per profile with its expiry (golden)", async () => {
  const text = formatCredentialsIni(PROFILES);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(GOLDEN, text);
  assert.equal(text, await Deno.readTextFile(GOLDEN));
  assert.ok(text.startsWith("\n[production:AdministratorAccess]\n"));
  assert.ok(text.endsWith("aws_session_token = second-token\n\n"));
});

Deno.test("formatCredentialsIni() refuses a profile name that would break the INI file", () => {
  for (const profile of ["a]b", "a\n[evil]", ""]) {
    assert.throws(() => formatCredentialsIni([{ ...PROFILES[0]!, profile }]), /INI section/);
  }
});
