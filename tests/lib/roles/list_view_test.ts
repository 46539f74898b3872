import assert from "node:assert/strict";
import { UsageError } from "../../../lib/errors.ts";
import { renderRoleList } from "../../../lib/roles/list_view.ts";
import { buildRoleSet } from "../../../lib/roles/role.ts";
import { DEFAULT_LIST_FIELDS, FRIENDLY_PROFILE_FORMAT } from "../../../lib/settings/settings.ts";
import { formatTable } from "../../../cli/table.ts";
import { NOW, plainInstance, sampleCache } from "./_fixtures.ts";

const golden = new URL("../../testdata/list/", import.meta.url);
// UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
const update = Deno.env.get("UPDATE_GOLDEN") === "1";

const roles = buildRoleSet(sampleCache(), {
  instance: plainInstance(),
  profileFormat: FRIENDLY_PROFILE_FORMAT,
  nowMs: NOW,
}).roles;

type Opts = Partial<Parameters<typeof renderRoleList>[1]>;

function render(opts: Opts): string {
  return renderRoleList(roles, {
    fields: DEFAULT_LIST_FIELDS,
    sso: "Default",
    nowMs: NOW,
    formatTable,
    ...opts,
  });
}

async function assertGolden(name: string, actual: string): Promise<void> {
  const file = new URL(name, golden);
  if (update) await Deno.writeTextFile(file, actual);
  assert.equal(actual, await Deno.readTextFile(file));
}

const goldenCases: [string, string, Opts][] = [
  ["the default fields as a table", "table_default.txt", {}],
  [
    "a table with the token's remaining time in the header",
    "table_token.txt",
    { tokenExpiresAtMs: NOW + 7 * 3600_000 + 59 * 60_000 + 30_000 },
  ],
  [
    "CSV without a header",
    "csv.txt",
    { csv: true, fields: ["AccountId", "AccountIdPad", "RoleName", "ExpiresEpoch", "Profile"] },
  ],
  ["roles whose field starts with --prefix", "prefix.txt", { prefix: "AccountAlias=prod" }],
  [
    "roles sorted by --sort Expires (no credentials last)",
    "sort_expires.txt",
    { sort: "Expires", fields: ["Id", "Arn", "Expires"] },
  ],
  [
    "roles sorted by RoleName in --reverse",
    "sort_reverse.txt",
    {
      sort: "RoleName",
      reverse: true,
      fields: ["Id", "RoleName", "AccountIdPad", "DefaultRegion"],
    },
  ],
  [
    "every field",
    "all_fields.txt",
    {
      fields: [
        "Id",
        "Arn",
        "AccountId",
        "AccountIdPad",
        "AccountName",
        "AccountAlias",
        "DefaultRegion",
        "EmailAddress",
        "Expires",
        "ExpiresEpoch",
        "RoleName",
        "SSO",
        "Via",
        "Profile",
      ],
    },
  ],
];

for (const [what, file, opts] of goldenCases) {
  Deno.test(`renderRoleList() prints ${what} (${file})`, async () => {
    await assertGolden(file, render(opts));
  });
}

Deno.test("renderRoleList() numbers rows after sorting and filtering", () => {
  const out = render({ csv: true, fields: ["Id", "RoleName"], sort: "RoleName" });
  assert.deepEqual(out.trim().split("\n").map((l) => l.split(",")[0]), ["0", "1", "2", "3", "4"]);
  const filtered = render({ csv: true, fields: ["Id"], prefix: "RoleName=Read" });
  assert.equal(filtered, "0\n1\n");
});

Deno.test("renderRoleList() pads no CSV cell: Expires as time prints it", () => {
  const out = render({
    csv: true,
    fields: ["RoleName", "Expires", "AccountIdPad"],
    sort: "Expires",
  });
  assert.deepEqual(out.trim().split("\n").slice(0, 3), [
    "ReadOnlyAccess,40m,123456789012",
    "AdministratorAccess,2h5m,012345678901",
    "AdministratorAccess,Expired,000001111111",
  ]);
});

Deno.test("renderRoleList() sorts account ids numerically, not as text", () => {
  const out = render({ csv: true, fields: ["AccountId"], sort: "AccountIdPad" });
  assert.deepEqual(out.trim().split("\n"), [
    "1111111",
    "1111111",
    "12345678901",
    "12345678901",
    "123456789012",
  ]);
});

function usage(opts: Opts, message: string): void {
  assert.throws(
    () => render(opts),
    (e: unknown) => e instanceof UsageError && e.message === message,
    message,
  );
}

Deno.test("renderRoleList() rejects unknown fields, bad --prefix and bad --sort with the reference's messages", () => {
  usage({ fields: ["AccountId", "Bogus"] }, "unsupported field: 'Bogus'");
  usage({ prefix: "AccountAlias" }, "--prefix must be in the format of <FieldName>=<Prefix>");
  usage({ prefix: "Bogus=x" }, "--prefix <FieldName> must be a valid field: Bogus");
  usage({ prefix: "Expires=1" }, "invalid field: Expires");
  usage({ prefix: "Tags=x" }, "invalid field: Tags");
  usage({ sort: "Tags" }, "unable to sort by `Tags`");
  usage({ sort: "Bogus" }, "invalid --sort: invalid field name: Bogus");
});

Deno.test("renderRoleList() escapes control characters from the portal in tables and CSV", () => {
  const hostile = roles.map((r, i) =>
    i === 0
      ? { ...r, AccountAlias: "prod\x1b]52;c;ZXZpbA==\x07\n999,Evil", RoleName: "R\x9b2J" }
      : r
  );
  for (const csv of [false, true]) {
    const text = renderRoleList(hostile, {
      fields: ["AccountAlias", "RoleName"],
      sso: "Default",
      nowMs: NOW,
      formatTable,
      csv,
    });
    // deno-lint-ignore no-control-regex -- control characters are what this test looks for
    assert.doesNotMatch(text.replaceAll("\n", ""), /[\x00-\x1f\x7f-\x9f]/);
    assert.equal(text.split("\n").length, roles.length + (csv ? 1 : 6), text);
    assert.ok(text.includes("prod\\x1b]52;c;ZXZpbA==\\x07\\n999,Evil"), text);
  }
});
