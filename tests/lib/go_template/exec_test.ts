// Execution: control flow, variables, pipelines, fields and Go's execution error messages.
// Expected outputs come from Go (see _fixtures.ts).
import assert from "node:assert/strict";
import { parseTemplate } from "../../../lib/go_template/mod.ts";
import { render, role, templateError } from "./_fixtures.ts";

Deno.test("tags drive if/else, with and eq, and a missing tag is falsy", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["{{ if .Tags.env }}{{ .Tags.env }}{{ else }}none{{ end }}", { env: "dev" }, "dev"],
    ["{{ if .Tags.env }}{{ .Tags.env }}{{ else }}none{{ end }}", {}, "none"],
    ['{{ if eq .Tags.env "prod" }}P{{ else if .Tags.Color }}C{{ else }}N{{ end }}', {
      env: "prod",
    }, "P"],
    ['{{ if eq .Tags.env "prod" }}P{{ else if .Tags.Color }}C{{ else }}N{{ end }}', {
      Color: "red",
    }, "C"],
    ['{{ if eq .Tags.env "prod" }}P{{ else if .Tags.Color }}C{{ else }}N{{ end }}', {}, "N"],
    ["{{ with .Tags.env }}{{ . | upper }}-{{ end }}{{ .RoleName }}", { env: "qa" }, "QA-AdminRole"],
    ["{{ with .Tags.env }}{{ . | upper }}-{{ end }}{{ .RoleName }}", {}, "AdminRole"],
    ["{{ .Tags.env }}", {}, "<no value>"],
    ['{{ index .Tags "env" }}|{{ index .Tags "nope" }}', { env: "x" }, "x|"],
    ['{{ .Tags.env | default "none" }}', {}, "none"],
  ];
  for (const [source, tags, expected] of cases) {
    assert.equal(
      render(source, role({ Tags: tags })),
      expected,
      `${source} ${JSON.stringify(tags)}`,
    );
  }
});

Deno.test("pipelines and nested parentheses pass values the way Go does", () => {
  const cases: [string, string][] = [
    [
      '{{ lower (printf "%s-%s" (FirstItem .AccountName .AccountAlias | nospace) .RoleName) }}',
      "myaccount-adminrole",
    ],
    ['{{ FirstItem (lower (upper .RoleName)) (print "x" (print "y")) }}', "adminrole"],
    ['{{ .AccountAlias | replace " " "-" | lower | trunc 5 }}', "my-ac"],
    ['{{ "a" | printf "%s%s" "b" }}', "ba"],
    ['{{ .RoleName | len | printf "%03d" }}', "009"],
    ["{{ $name := .AccountAlias | nospace }}{{ $name }}:{{ $.RoleName }}", "MyAccount:AdminRole"],
    ["{{ (.Tags).env }}|{{ $t := .Tags }}{{ $t.Color }}", "prod|blue"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("a misspelt field of a struct fails as in Go, while a map yields <no value>", () => {
  const e = templateError(() => render("{{ .Nope }}"));
  assert.equal(
    e.message,
    'template: profile:1:3: executing "profile" at <.Nope>: can\'t evaluate field Nope in type *sso.AWSRoleFlat',
  );
  assert.equal(render("{{ .Nope }}", { RoleName: "x" }), "<no value>");
});

Deno.test("range iterates lists in order and maps by sorted key, with else, break and continue", () => {
  const cases: [string, string][] = [
    ['{{ range $i, $e := list "a" "b" }}{{ $i }}={{ $e }};{{ end }}', "0=a;1=b;"],
    ["{{ range $k, $v := .Tags }}{{ $k }}={{ $v }};{{ end }}", "Color=blue;env=prod;"],
    ["{{ range list }}x{{ else }}empty{{ end }}", "empty"],
    ["{{ range $i, $e := list 1 2 3 }}{{ if eq $e 2 }}{{ break }}{{ end }}{{ $e }}{{ end }}", "1"],
    [
      "{{ range $i, $e := list 1 2 3 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}",
      "13",
    ],
    ['{{ $x := "a" }}{{ range list 1 2 }}{{ $x = print $x . }}{{ end }}{{ $x }}', "a12"],
    ['{{ $x := "a" }}{{ if true }}{{ $x := "b" }}{{ $x }}{{ end }}{{ $x }}', "ba"],
    ["{{ range 3 }}{{ . }}{{ end }}", "012"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("Go truthiness decides if", () => {
  const values: [unknown, boolean][] = [
    ["", false],
    ["x", true],
    [0, false],
    [2, true],
    [false, false],
    [true, true],
    [null, false],
    [undefined, false],
    [[], false],
    [[0], true],
    [{}, false],
    [{ a: 1 }, true],
  ];
  const template = parseTemplate("{{ if .v }}T{{ else }}F{{ end }}");
  for (const [v, truthy] of values) {
    assert.equal(template.execute({ v }), truthy ? "T" : "F", JSON.stringify(v));
  }
});

Deno.test("and, or and not return the deciding operand and short-circuit", () => {
  const cases: [string, string][] = [
    ['{{ and 1 0 2 }} {{ or 0 "" 3 }} {{ or 0 "" }} {{ not 0 }}', "0 3  true"],
    // The second operand would fail if evaluated.
    ['{{ or .RoleName (fail "boom") }}|{{ and .Tags.nope (fail "boom") }}', "AdminRole|<no value>"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("define, template and block work like Go's", () => {
  const cases: [string, string][] = [
    ['{{ define "acct" }}[{{ . }}]{{ end }}{{ template "acct" .RoleName }}', "[AdminRole]"],
    ['{{ block "b" .Tags.env }}<{{ . }}>{{ end }}', "<prod>"],
    ['{{ define "x" }}{{ end }}', ""],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("execution errors say where and what, as Go's do", () => {
  const cases: [string, string][] = [
    [
      '{{ "x" 1 }}',
      'template: profile:1:3: executing "profile" at <"x">: can\'t give argument to non-function "x"',
    ],
    [
      "{{ AccountIdStr }}",
      'template: profile:1:3: executing "profile" at <AccountIdStr>: wrong number of args for AccountIdStr: want 1 got 0',
    ],
    [
      "{{ AccountIdStr 1 2 }}",
      'template: profile:1:3: executing "profile" at <AccountIdStr>: wrong number of args for AccountIdStr: want 1 got 2',
    ],
    [
      "{{ FirstItem .Id }}",
      'template: profile:1:13: executing "profile" at <.Id>: wrong type for value; expected string; got int',
    ],
    [
      "{{ .Tags.nope | lower }}",
      'template: profile:1:16: executing "profile" at <lower>: invalid value; expected string',
    ],
    ["{{ nil }}", 'template: profile:1:3: executing "profile" at <nil>: nil is not a command'],
    [
      "{{ .RoleName 1 }}",
      'template: profile:1:3: executing "profile" at <.RoleName>: RoleName has arguments but cannot be invoked as function',
    ],
    [
      "{{ .RoleName.Foo }}",
      'template: profile:1:12: executing "profile" at <.RoleName.Foo>: can\'t evaluate field Foo in type string',
    ],
    [
      '{{ eq 1 "a" }}',
      'template: profile:1:3: executing "profile" at <eq 1 "a">: error calling eq: incompatible types for comparison',
    ],
    [
      "{{ div 1 0 }}",
      'template: profile:1:3: executing "profile" at <div 1 0>: error calling div: runtime error: integer divide by zero',
    ],
    [
      '{{ ternary "a" "b" 1 }}',
      'template: profile:1:19: executing "profile" at <1>: expected bool; found 1',
    ],
    [
      "{{ index .Tags 1 }}",
      'template: profile:1:3: executing "profile" at <index .Tags 1>: error calling index: value has type int; should be string',
    ],
    [
      "\n{{ range .RoleName }}{{ end }}",
      'template: profile:2:9: executing "profile" at <.RoleName>: range can\'t iterate over AdminRole',
    ],
    [
      '{{ template "missing" }}',
      'template: profile:1:12: executing "profile" at <{{template "missing"}}>: template "missing" not defined',
    ],
  ];
  for (const [source, message] of cases) {
    const template = parseTemplate(source);
    const e = templateError(() => template.execute(role()));
    assert.equal(e.message, message, source);
  }
});
