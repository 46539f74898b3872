/** The picker's pure side: typed `key value` pairs, suggestions with counts, matching, colours. */
import assert from "node:assert/strict";
import type { RoleFlat } from "../../../lib/roles/role.ts";
import {
  parsePickerInput,
  pickerColors,
  pickerTags,
  prefixSearch,
  RolePicker,
  type RolePickerOptions,
  textMatches,
} from "../../../lib/roles/role_picker.ts";

function role(alias: string, roleName: string, tags: Record<string, string> = {}): RoleFlat {
  const id = { prod: "111111111111", "prod-eu": "222222222222", dev: "333333333333" }[alias] ??
    "444444444444";
  return {
    Id: 0,
    AccountId: Number(id),
    AccountIdPad: id,
    AccountName: "",
    AccountAlias: alias,
    EmailAddress: "",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: `arn:aws:iam::${id}:role/${roleName}`,
    RoleName: roleName,
    Profile: "",
    DefaultRegion: "",
    SSO: "Default",
    SSORegion: "us-east-1",
    StartUrl: "https://example.awsapps.com/start",
    Tags: { AccountID: id, AccountAlias: alias, Role: roleName, ...tags },
    Via: "",
    ProfileName: `${alias}:${roleName}`,
  };
}

const ROLES = [
  role("prod", "AdministratorAccess", { Team: "blue" }),
  role("prod", "ReadOnlyAccess", { Team: "blue" }),
  role("prod-eu", "AdministratorAccess", { Team: "red", AccountName: "Prod Europe" }),
  role("dev", "AdministratorAccess", { Team: "red" }),
];
const FULL: RolePickerOptions = {
  fullTextSearch: true,
  accountPrimaryTag: ["AccountName", "AccountAlias"],
};
const picker = (options = FULL) => new RolePicker(ROLES, options, 0);

Deno.test("parsePickerInput() reads key value pairs from the start, then free text", () => {
  const keys = new Set(["AccountAlias", "Role"]);
  assert.deepEqual(parsePickerInput("AccountAlias prod Role Adm", keys), {
    pairs: [["AccountAlias", "prod"]],
    pendingValue: ["Role", "Adm"],
    free: "",
  });
  assert.deepEqual(parsePickerInput("accountalias  prod ", keys), {
    pairs: [["AccountAlias", "prod"]],
    free: "",
  });
  assert.deepEqual(parsePickerInput("AccountAlias prod Role ", keys), {
    pairs: [["AccountAlias", "prod"]],
    pendingKey: "Role",
    free: "",
  });
  assert.deepEqual(parsePickerInput("AccountAlias prod read only", keys), {
    pairs: [["AccountAlias", "prod"]],
    free: "read only",
  });
  assert.deepEqual(parsePickerInput("stag 0007 read", keys), { pairs: [], free: "stag 0007 read" });
  assert.deepEqual(parsePickerInput("Acc", keys), { pairs: [], partialKey: "Acc", free: "Acc" });
  assert.deepEqual(parsePickerInput("", keys), { pairs: [], free: "" });
});

Deno.test("RolePicker narrows by pairs: an exact value selects only it, a partial one matches as typed", () => {
  const p = picker();
  assert.deepEqual(p.candidates(p.parse("AccountAlias prod Role AdministratorAccess")), [0]);
  assert.deepEqual(p.candidates(p.parse("AccountAlias prod ")), [0, 1], "not prod-eu");
  assert.deepEqual(p.candidates(p.parse("AccountAlias pro")), [0, 1, 2]);
  assert.deepEqual(p.candidates(p.parse("AccountAlias ev")), [3], "substring");
  assert.deepEqual(p.candidates(p.parse("Team red Role Admin")), [2, 3]);
  const prefix = picker({ ...FULL, fullTextSearch: false });
  assert.deepEqual(prefix.candidates(prefix.parse("AccountAlias ev")), [], "prefix only");
  assert.deepEqual(prefix.candidates(prefix.parse("AccountAlias de")), [3]);
});

Deno.test("RolePicker.suggestions() offers values with role counts, keys with roles/choices, FirstTag first", () => {
  const p = picker({ ...FULL, firstTag: "Team" });
  assert.deepEqual(p.suggestions("AccountAlias "), [
    {
      text: "AccountAlias dev ",
      offer: "dev",
      description: "arn:aws:iam::333333333333:role/AdministratorAccess",
    },
    { text: "AccountAlias prod ", offer: "prod", description: "2 roles" },
    {
      text: "AccountAlias prod-eu ",
      offer: "prod-eu",
      description: "arn:aws:iam::222222222222:role/AdministratorAccess",
    },
  ]);
  assert.deepEqual(p.suggestions("AccountAlias prod Role ").map((s) => [s.text, s.description]), [
    [
      "AccountAlias prod Role AdministratorAccess ",
      "arn:aws:iam::111111111111:role/AdministratorAccess",
    ],
    ["AccountAlias prod Role ReadOnlyAccess ", "arn:aws:iam::111111111111:role/ReadOnlyAccess"],
  ]);
  assert.deepEqual(p.suggestions("Role read").map((s) => s.offer), ["ReadOnlyAccess"]);
  assert.deepEqual(p.suggestions("Role ReadOnlyAccess"), [], "an exact value needs no completion");
  // Keys: the typed word matches them; Team (FirstTag) first, then sorted.
  assert.deepEqual(p.suggestions("a").map((s) => s.offer), [
    "Team",
    "AccountAlias",
    "AccountID",
    "AccountName",
    "ProfileName",
  ]);
  assert.deepEqual(p.suggestions("Acc")[0], {
    text: "AccountAlias ",
    offer: "AccountAlias",
    description: "4 roles/3 choices",
  });
  // After a pair: only keys that still narrow the list.
  assert.deepEqual(p.suggestions("AccountAlias prod ").map((s) => s.offer), [
    "ProfileName",
    "Role",
  ]);
  assert.deepEqual(p.suggestions("AccountAlias prod Role ReadOnlyAccess "), [], "one role left");
  assert.deepEqual(p.suggestions(""), [], "the empty input lists roles");
  assert.deepEqual(p.suggestions("stag 0007 read"), []);
  const prefix = picker({ ...FULL, fullTextSearch: false });
  assert.deepEqual(prefix.suggestions("a").map((s) => s.offer), [
    "AccountAlias",
    "AccountID",
    "AccountName",
  ]);
  assert.deepEqual(prefix.suggestions("Role only").map((s) => s.offer), []);
  assert.deepEqual(prefix.suggestions("Role read").map((s) => s.offer), ["ReadOnlyAccess"]);
  assert.deepEqual(p.suggestions("Role only").map((s) => s.offer), ["ReadOnlyAccess"]);
});

Deno.test("RolePicker.describe() gives the first AccountPrimaryTag value not already typed", () => {
  const p = picker();
  assert.equal(p.describe(2), "AccountName:Prod_Europe");
  assert.equal(p.describe(2, ["AccountName"]), "AccountAlias:prod-eu");
  assert.equal(p.describe(0), "AccountAlias:prod");
  assert.equal(picker({ ...FULL, accountPrimaryTag: ["Email"] }).describe(0), "");
});

Deno.test("pickerTags() replaces spaces, shows History ages as the reference, adds ProfileName", () => {
  const r = role("prod", "Admin", { "Cost Center": "R and D", History: "prod:Admin,1700000000" });
  const tags = pickerTags(r, (1_700_000_000 + 5400) * 1000);
  assert.equal(tags["Cost_Center"], "R_and_D");
  assert.equal(tags.History, "[1h30m0s]_prod:Admin");
  assert.equal(tags.ProfileName, "prod:Admin");
});

Deno.test("textMatches() and prefixSearch(): substring or prefix, case-insensitive", () => {
  assert.ok(textMatches("AdministratorAccess", "ACCESS", true));
  assert.ok(!textMatches("AdministratorAccess", "access", false));
  assert.ok(textMatches("AdministratorAccess", "admin", false));
  assert.ok(prefixSearch(["staging-0007", "ReadOnlyAccess"], "stag read"));
  assert.ok(!prefixSearch(["staging-0007", "ReadOnlyAccess"], "stag 0007"));
  assert.ok(prefixSearch(["x"], ""));
});

Deno.test("pickerColors() maps go-prompt colours to styles and warns about unknown names", () => {
  const { colors, warnings } = pickerColors({
    InputTextColor: "Red",
    SelectedSuggestionBGColor: "DarkGray",
    SelectedSuggestionTextColor: "White",
    DescriptionBGColor: "Turquoise",
    PrefixTextColor: "DefaultColor",
    SuggestionBGColor: "Cyan",
    DescriptionTextColor: "Mauve",
    Sparkles: "Blue",
  });
  assert.deepEqual(colors, {
    input: ["redBright"],
    prefix: [],
    selected: ["bgGray", "whiteBright"],
    description: ["bgCyanBright"],
  });
  assert.deepEqual(warnings, [
    "PromptColors: unknown colour 'Mauve' for DescriptionTextColor ignored",
    "PromptColors: unknown option 'Sparkles' ignored",
  ]);
});
