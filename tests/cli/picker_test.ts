/** pickerEntries(): what the picker shows has no raw control characters. */
import assert from "node:assert/strict";
import { pickerEntries } from "../../cli/picker.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";

// deno-lint-ignore no-control-regex -- control characters are what this test looks for
const RAW = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function role(fields: Partial<RoleFlat>): RoleFlat {
  return {
    Id: 0,
    AccountId: 12345678901,
    AccountIdPad: "012345678901",
    AccountName: "",
    AccountAlias: "",
    EmailAddress: "",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: "arn:aws:iam::012345678901:role/Admin",
    RoleName: "Admin",
    Profile: "",
    DefaultRegion: "",
    SSO: "Default",
    SSORegion: "us-east-1",
    StartUrl: "https://example.awsapps.com/start",
    Tags: {},
    Via: "",
    ProfileName: "p",
    ...fields,
  };
}

Deno.test("pickerEntries() escapes control characters in every shown column", () => {
  const [entry] = pickerEntries([
    role({
      ProfileName: "p\x1b]0;title\x07",
      AccountAlias: "prod\x9b2J",
      AccountName: "n\u202eame",
      RoleName: "Dev\r\nx",
      Tags: { "Team\x1b": "a\x07b" },
    }),
  ], []);
  assert.doesNotMatch(entry!.label, RAW, entry!.label);
  assert.match(
    entry!.label,
    /^p\\x1b\]0;title\\x07 {2}012345678901 {2}prod\\x9b2J \(n\\u202eame\)/,
  );
  assert.match(entry!.label, /Dev\\r\\nx {2}Team\\x1b=a\\x07b$/);
});
