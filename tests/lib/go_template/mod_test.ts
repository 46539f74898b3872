// The public face of lib/go_template/: ProfileFormat's own templates and functions, errors,
// reuse and caller-chosen functions. Expected outputs come from Go (see _fixtures.ts).
import assert from "node:assert/strict";
import { AwsSsoError } from "../../../lib/errors.ts";
import { parseTemplate, profileTemplateFunctions } from "../../../lib/go_template/mod.ts";
import { render, role, templateError } from "./_fixtures.ts";

const FRIENDLY = "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}";
const PADDED = "{{ .AccountIdPad }}:{{ .RoleName }}";

Deno.test("the Friendly template prefers the configured account name", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ AccountName: "Production", AccountAlias: "prod alias" }, "Production:AdminRole"],
    [{ AccountName: "", AccountAlias: "My Account" }, "MyAccount:AdminRole"],
    [{ AccountName: "", AccountAlias: " spaced\tout  alias " }, "spacedoutalias:AdminRole"],
    [{ AccountName: "", AccountAlias: "" }, ":AdminRole"],
  ];
  const template = parseTemplate(FRIENDLY);
  for (const [overrides, expected] of cases) {
    assert.equal(template.execute(role(overrides)), expected, JSON.stringify(overrides));
  }
});

Deno.test("the padded template keeps leading zeros of account ids", () => {
  const cases: [string, string, string][] = [
    ["000001234567", "AdminRole", "000001234567:AdminRole"],
    ["012345678901", "ReadOnly", "012345678901:ReadOnly"],
    ["999999999999", "A", "999999999999:A"],
  ];
  const template = parseTemplate(PADDED);
  for (const [pad, roleName, expected] of cases) {
    assert.equal(template.execute(role({ AccountIdPad: pad, RoleName: roleName })), expected);
  }
});

Deno.test("the aws-sso custom functions behave like the reference's", () => {
  const cases: [string, string][] = [
    ["{{ AccountIdStr .AccountId }}:{{ .RoleName }}", "000001234567:AdminRole"],
    ["{{ AccountIdStr 12 }}", "000000000012"],
    ['{{ StringsJoin ":" .AccountName .AccountAlias .RoleName }}', "My Account:AdminRole"],
    ['{{ StringsJoin "-" "" "a" "" "b" "" }}', "a-b"],
    ['{{ StringsJoin "-" }}', ""],
    ['{{ .AccountAlias | StringReplace " " "_" }}:{{ .RoleName }}', "My_Account:AdminRole"],
    ['{{ StringReplace "" "-" "ab" }}', "-a-b-"],
    ["{{ EmptyString .AccountName }} {{ EmptyString .RoleName }}", "true false"],
    ['{{ FirstItem "" "" }}|{{ FirstItem "" "b" "c" }}', "|b"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("TemplateError is an AwsSsoError carrying the line and Go's column", () => {
  const e = templateError(() => parseTemplate("x\n  {{ nope }}"));
  assert.ok(e instanceof AwsSsoError);
  assert.deepEqual([e.templateName, e.line, e.column], ["profile", 2, 5]);
  const named = templateError(() => parseTemplate("{{ nope }}", { name: "ProfileFormat" }));
  assert.equal(named.message, 'template: ProfileFormat:1:3: function "nope" not defined');
});

Deno.test("a parsed template executes many times without state leaking between runs", () => {
  const template = parseTemplate(
    '{{ $n := .RoleName }}{{ range .L }}{{ $n = print $n "+" }}{{ end }}{{ $n }}',
  );
  assert.equal(template.execute({ RoleName: "a", L: [1, 2] }), "a++");
  assert.equal(template.execute({ RoleName: "b", L: [] }), "b");
  assert.equal(template.execute({ RoleName: "c", L: [1] }), "c+");
});

Deno.test("callers choose the functions: their own override, sprig can be left out", () => {
  const own = parseTemplate("{{ shout .RoleName }}", {
    functions: { shout: (s: unknown) => `${String(s).toUpperCase()}!` },
  });
  assert.equal(own.execute({ RoleName: "admin" }), "ADMIN!");

  const e = templateError(() => parseTemplate("{{ lower .RoleName }}", { functions: {} }));
  assert.match(e.message, /function "lower" not defined/);
  assert.equal(
    parseTemplate("{{ len .RoleName }}", { functions: {} }).execute({ RoleName: "ab" }),
    "2",
  );

  const failing = parseTemplate("{{ boom }}", {
    functions: {
      boom: () => {
        throw new Error("kaput");
      },
    },
  });
  const err = templateError(() => failing.execute({}));
  assert.equal(
    err.message,
    'template: profile:1:3: executing "profile" at <boom>: error calling boom: kaput',
  );
  assert.ok(Object.hasOwn(profileTemplateFunctions, "FirstItem"));
});
