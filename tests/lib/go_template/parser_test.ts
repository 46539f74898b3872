// Lexing and parsing: trim markers, comments and Go's parse error messages. Expected outputs
// come from Go (see _fixtures.ts).
import assert from "node:assert/strict";
import { parseTemplate } from "../../../lib/go_template/mod.ts";
import { render, templateError } from "./_fixtures.ts";

Deno.test("trim markers and comments remove what Go removes", () => {
  const cases: [string, string][] = [
    ['a {{- "b" -}} c', "abc"],
    ["{{- .RoleName -}}  \n  {{- .AccountIdPad }}", "AdminRole000001234567"],
    ["a  {{- /* comment */ -}}  b", "ab"],
    ["{{/* c */}}x", "x"],
    ["x {{ 3 -}} \n y", "x 3y"],
    ["{{ .RoleName }}\n", "AdminRole\n"],
    ["{{-3}}", "-3"],
  ];
  for (const [source, expected] of cases) {
    assert.equal(render(source), expected, JSON.stringify(source));
  }
});

Deno.test("parse errors name the template, line and column", () => {
  const cases: [string, string][] = [
    [
      "{{ .AccountIdPad }}:{{ nope .RoleName }}",
      'template: profile:1:23: function "nope" not defined',
    ],
    [
      "line1\n{{ if .RoleName }}\n  {{ nope }}{{ end }}",
      'template: profile:3:5: function "nope" not defined',
    ],
    ["{{ .RoleName", "template: profile:1:12: unclosed action"],
    ["{{ end }}", "template: profile:1:3: unexpected {{end}}"],
    ["{{ if .RoleName }}x", "template: profile:1:19: unexpected EOF"],
    ["{{ }}", "template: profile:1:3: missing value for command"],
    ["{{ $y }}", 'template: profile:1:3: undefined variable "$y"'],
    ['{{ "abc }}', "template: profile:1:3: unterminated quoted string"],
    ['{{ .RoleName | "x" }}', "template: profile:1:19: non executable command in pipeline stage 2"],
    ["{{ break }}", "template: profile:1:3: {{break}} outside {{range}}"],
    ["{{/* c */ }}x", "template: profile:1:0: comment ends before closing delimiter"],
    // Columns are byte offsets: "é" takes two.
    ["é{{ nope }}", 'template: profile:1:5: function "nope" not defined'],
  ];
  for (const [source, message] of cases) {
    const e = templateError(() => parseTemplate(source));
    assert.equal(e.message, message, JSON.stringify(source));
  }
});
