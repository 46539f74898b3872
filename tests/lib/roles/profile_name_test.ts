import assert from "node:assert/strict";
import {
  assertUniqueProfileNames,
  compileProfileFormat,
  DuplicateProfileError,
  ProfileFormatError,
} from "../../../lib/roles/profile_name.ts";
import { flattenInstance, type RoleTemplateData } from "../../../lib/roles/role.ts";
import { FRIENDLY_PROFILE_FORMAT } from "../../../lib/settings/settings.ts";
import { NOW, sampleSection } from "./_fixtures.ts";

function roles(): RoleTemplateData[] {
  return flattenInstance("Default", sampleSection(), NOW);
}

function role(arn: string): RoleTemplateData {
  const r = roles().find((x) => x.Arn === arn);
  assert.ok(r, arn);
  return r;
}

const prodAdmin = "arn:aws:iam::012345678901:role/AdministratorAccess";
const devAdmin = "arn:aws:iam::000001111111:role/AdministratorAccess";
const stagingRo = "arn:aws:iam::123456789012:role/ReadOnlyAccess";

const cases: [string, string, string][] = [
  // [format, role, expected]
  ["", prodAdmin, "012345678901:AdministratorAccess"],
  ["{{ .AccountIdPad }}:{{ .RoleName }}", stagingRo, "123456789012:ReadOnlyAccess"],
  [FRIENDLY_PROFILE_FORMAT, prodAdmin, "Prod:AdministratorAccess"],
  [FRIENDLY_PROFILE_FORMAT, stagingRo, "staging:ReadOnlyAccess"],
  [
    "{{ .AccountId }}/{{ .RoleName | lower }}",
    "arn:aws:iam::000001111111:role/Developer",
    "1111111/developer",
  ],
  ["{{ AccountIdStr .AccountId }}-{{ .SSO }}", stagingRo, "123456789012-Default"],
  [
    '{{ StringsJoin "_" .AccountName .AccountAlias .RoleName }}',
    stagingRo,
    "staging_ReadOnlyAccess",
  ],
  ['{{ .AccountAlias | StringReplace "-" "_" | upper }}', stagingRo, "STAGING"],
  [
    "{{ .Tags.Role }}@{{ .DefaultRegion }}",
    "arn:aws:iam::000001111111:role/Developer",
    "Developer@ap-southeast-2",
  ],
  ["{{ if EmptyString .AccountName }}none{{ else }}{{ .AccountName }}{{ end }}", stagingRo, "none"],
];

for (const [format, arn, expected] of cases) {
  Deno.test(`compileProfileFormat() renders '${format || "(empty)"}' as '${expected}'`, () => {
    assert.equal(compileProfileFormat(format).profileName(role(arn)), expected);
  });
}

Deno.test("compileProfileFormat() lets an explicit Profile win over the template", () => {
  assert.equal(
    compileProfileFormat(FRIENDLY_PROFILE_FORMAT).profileName(role(devAdmin)),
    "dev-admin",
  );
});

Deno.test("compileProfileFormat() says where a template does not parse", () => {
  assert.throws(
    () => compileProfileFormat("{{ .AccountIdPad }}:{{ nope .RoleName }}"),
    (e: unknown) =>
      e instanceof ProfileFormatError &&
      /^unable to generate ProfileName: template: profile:1:\d+: function "nope" not defined/.test(
        e.message,
      ) && e.hints.some((h) => h.includes("ProfileFormat")),
  );
  assert.throws(
    () => compileProfileFormat("{{ .RoleName "),
    (e: unknown) =>
      e instanceof ProfileFormatError &&
      /unable to generate ProfileName: .*profile:1:/.test(e.message),
  );
});

Deno.test("compileProfileFormat() names the role and the place when rendering fails", () => {
  const namer = compileProfileFormat("{{ .RoleName }}-{{ .NoSuchField }}");
  assert.throws(
    () => namer.profileName(role(prodAdmin)),
    (e: unknown) =>
      e instanceof ProfileFormatError &&
      e.message.startsWith(
        `unable to generate ProfileName for ${prodAdmin}: template: profile:1:`,
      ) &&
      /can't evaluate field NoSuchField/.test(e.message),
  );
});

Deno.test("assertUniqueProfileNames() fails with the reference's message listing both ARNs", () => {
  const namer = compileProfileFormat("{{ .RoleName }}");
  const named = roles().map((r) => ({ Arn: r.Arn, ProfileName: namer.profileName(r) }));
  assert.throws(
    () => assertUniqueProfileNames(named),
    (e: unknown) =>
      e instanceof DuplicateProfileError &&
      e.message ===
        "duplicate profile name 'ReadOnlyAccess' for:\n" +
          "- arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
          "- arn:aws:iam::123456789012:role/ReadOnlyAccess",
  );
  assertUniqueProfileNames(
    roles().map((r) => ({ Arn: r.Arn, ProfileName: compileProfileFormat("").profileName(r) })),
  );
});
