// Expected outputs in these tables were produced by Go's text/template with sprig v3 (camelcase
// as sprig v3.3.0 maps it, to xstrings v1.5 ToPascalCase) over an equivalent Go struct, and
// are compared byte for byte.
import assert from "node:assert/strict";
import { AwsSsoError } from "../../../lib/errors.ts";
import {
  goStruct,
  parseTemplate,
  profileTemplateFunctions,
  TemplateError,
} from "../../../lib/go_template/mod.ts";

const FRIENDLY = "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}";
const PADDED = "{{ .AccountIdPad }}:{{ .RoleName }}";

/** A flat role record like the one aws-sso renders ProfileFormat over. */
function role(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return goStruct({
    Id: 7,
    AccountId: 1234567,
    AccountIdPad: "000001234567",
    AccountName: "",
    AccountAlias: "My Account",
    EmailAddress: "root@example.com",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: "arn:aws:iam::000001234567:role/AdminRole",
    RoleName: "AdminRole",
    Profile: "",
    DefaultRegion: "eu-west-1",
    SSO: "Default",
    SSORegion: "us-east-1",
    StartUrl: "https://d-123.awsapps.com/start",
    Tags: { env: "prod", Color: "blue" },
    Via: "",
    ...overrides,
  }, "*sso.AWSRoleFlat");
}

function render(source: string, data: unknown = role()): string {
  return parseTemplate(source).execute(data);
}

/** Runs `fn` and returns the TemplateError it throws. */
function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  assert.fail("expected a TemplateError");
}

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

Deno.test("kebabcase, snakecase and camelcase split words like sprig", () => {
  // input, kebabcase, snakecase, camelcase
  const cases: [string, string, string, string][] = [
    ["http_server", "http-server", "http_server", "HttpServer"],
    ["_camel_case", "-camel-case", "_camel_case", "_CamelCase"],
    ["_complex__case_", "-complex--case-", "_complex__case_", "_Complex_Case_"],
    [
      "AWSAdministratorAccess",
      "aws-administrator-access",
      "aws_administrator_access",
      "AwsadministratorAccess",
    ],
    ["my-account name", "my-account-name", "my_account_name", "MyAccountName"],
    ["ABCDef", "abc-def", "abc_def", "Abcdef"],
    ["FirstName", "first-name", "first_name", "FirstName"],
    ["HTTPServer", "http-server", "http_server", "Httpserver"],
    ["NoHTTPS", "no-https", "no_https", "NoHTTPS"],
    ["GOLANG_IS_GREAT", "golang-is-great", "golang_is_great", "GolangIsGreat"],
    ["helloWORLD", "hello-world", "hello_world", "HelloWORLD"],
    ["Duration2m3s", "duration-2m3s", "duration_2m3s", "Duration2m3s"],
    ["Bld4Floor3rd", "bld4-floor-3rd", "bld4_floor_3rd", "Bld4Floor3rd"],
    ["HTTP2XX", "http2-xx", "http2_xx", "Http2XX"],
    ["http2xx", "http-2xx", "http_2xx", "Http2xx"],
    ["a__b", "a--b", "a__b", "A_B"],
    ["  sentence case  ", "--sentence-case--", "__sentence_case__", "  SentenceCase  "],
    ["Prod Account (EU)", "prod-account-(eu)", "prod_account_(eu)", "ProdAccount(EU)"],
    ["dev.admin-role", "dev.admin-role", "dev.admin_role", "Dev.adminRole"],
    ["_", "-", "_", "__"],
    ["", "", "", ""],
    ["é_été", "é-été", "é_été", "ÉÉté"],
    ["中文_测试ABC", "中文-测试-abc", "中文_测试_abc", "中文测试ABC"],
  ];
  for (const [input, kebab, snake, camel] of cases) {
    const data = { s: input };
    assert.equal(render("{{ kebabcase .s }}", data), kebab, `kebabcase ${JSON.stringify(input)}`);
    assert.equal(render("{{ snakecase .s }}", data), snake, `snakecase ${JSON.stringify(input)}`);
    assert.equal(render("{{ camelcase .s }}", data), camel, `camelcase ${JSON.stringify(input)}`);
  }
});

Deno.test("trunc and substr count bytes and clamp or fail like sprig", () => {
  const cases: [string, string][] = [
    ['{{ trunc 3 "abcdef" }}', "abc"],
    ['{{ trunc -2 "abcdef" }}', "ef"],
    ['{{ trunc 10 "abc" }}', "abc"],
    ['{{ trunc -10 "abc" }}', "abc"],
    ['{{ trunc 0 "abc" }}', ""],
    ['{{ substr 0 3 "abcdef" }}', "abc"],
    ['{{ substr 2 100 "abcdef" }}', "cdef"],
    ['{{ substr 1 -1 "abcdef" }}', "bcdef"],
    ['{{ substr -1 2 "abcdef" }}', "ab"],
    ['{{ substr 3 3 "abcdef" }}', ""],
    ['{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello world" }}', "he...|hello world"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);

  const panics: [string, string][] = [
    ['{{ substr 5 2 "abc" }}', "runtime error: slice bounds out of range [5:2]"],
    ['{{ substr -1 5 "abc" }}', "runtime error: slice bounds out of range [:5] with length 3"],
    ['{{ substr 4 10 "abc" }}', "runtime error: slice bounds out of range [4:3]"],
    ['{{ repeat -1 "x" }}', "strings: negative Repeat count"],
  ];
  for (const [source, message] of panics) {
    const e = templateError(() => render(source));
    assert.ok(e.message.endsWith(message), e.message);
  }
});

Deno.test("printf supports Go's verbs, widths and error forms", () => {
  const cases: [string, string][] = [
    [
      '{{ printf "%05d|%s|%v|%q|%x|%5s|%-5s|" 42 "s" .Tags "q\\"" 255 "ab" "cd" }}',
      '00042|s|map[Color:blue env:prod]|"q\\""|ff|   ab|cd   |',
    ],
    ['{{ printf "%012d" .AccountId }}', "000001234567"],
    [
      '{{ printf "%x %X %o %b %c %t %5.2f %e %g" 255 255 8 5 65 true 3.14159 1234.5678 0.000012 }}',
      "ff FF 10 101 A true  3.14 1.234568e+03 1.2e-05",
    ],
    ['{{ printf "%+d % d %05d %-5d|" 5 5 -42 3 }}', "+5  5 -0042 3    |"],
    ['{{ printf "%d" "a" }}', "%!d(string=a)"],
    ['{{ printf "%s %s" "a" }}', "a %!s(MISSING)"],
    ['{{ printf "%s" "a" "b" }}', "a%!(EXTRA string=b)"],
    ['{{ printf "100%%" }}', "100%"],
    ['{{ printf "%.1f %.0f" 0.25 2.5 }}', "0.2 2"],
    ['{{ printf "%v %v" 1.5 0.1 }}', "1.5 0.1"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("values print the way Go's fmt prints them", () => {
  const cases: [string, string][] = [
    [
      "{{ .Id }} {{ .AccountId }} {{ true }} {{ 1.5 }} {{ -3 }} {{ 0x1F }} {{ 'a' }}",
      "7 1234567 true 1.5 -3 31 97",
    ],
    ['{{ list 1 "a" nil true }}', "[1 a <nil> true]"],
    ['{{ split "," "a,b,c" }}', "map[_0:a _1:b _2:c]"],
    ["{{ .Tags }}", "map[Color:blue env:prod]"],
    ['{{ .Tags.nope }}|{{ print .Tags.nope }}|{{ coalesce "" }}', "<no value>|<nil>|<no value>"],
    ['{{ print 1 2 "a" 3 true }}', "1 2a3 true"],
    ['{{ println 1 "a" }}', "1 a\n"],
    ['{{ html "<a&b>" }} {{ js "a\'b" }} {{ urlquery "a b&c" }}', "&lt;a&amp;b&gt; a\\'b a+b%26c"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("default, empty and coalesce follow sprig's emptiness rules", () => {
  const cases: [string, string][] = [
    ['{{ default "x" .Missing }}', "x"],
    ['{{ default "x" .Tags.nope }}', "x"],
    [
      '{{ default "d" "" }}|{{ default "d" 0 }}|{{ default "d" false }}|{{ default "d" "v" }}|{{ default "d" }}',
      "d|d|d|v|d",
    ],
    [
      '{{ empty "" }} {{ empty 0 }} {{ empty .Tags }} {{ empty (list) }} {{ empty . }} {{ empty .Tags.nope }}',
      "true true false true false true",
    ],
    ['{{ coalesce .Tags.nope "" "b" }}', "b"],
    ['{{ ternary "yes" "no" true }}|{{ .Tags.env | eq "prod" | ternary "P" "N" }}', "yes|P"],
  ];
  const data = { ...role(), Missing: undefined, Tags: { env: "prod", Color: "blue" } };
  for (const [source, expected] of cases) {
    assert.equal(parseTemplate(source).execute(data), expected, source);
  }
});

Deno.test("a misspelt field of a struct fails as in Go, while a map yields <no value>", () => {
  const e = templateError(() => render("{{ .Nope }}"));
  assert.equal(
    e.message,
    'template: profile:1:3: executing "profile" at <.Nope>: can\'t evaluate field Nope in type *sso.AWSRoleFlat',
  );
  assert.equal(render("{{ .Nope }}", { RoleName: "x" }), "<no value>");
});

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

Deno.test("TemplateError is an AwsSsoError carrying the line and Go's column", () => {
  const e = templateError(() => parseTemplate("x\n  {{ nope }}"));
  assert.ok(e instanceof AwsSsoError);
  assert.deepEqual([e.templateName, e.line, e.column], ["profile", 2, 5]);
  const named = templateError(() => parseTemplate("{{ nope }}", { name: "ProfileFormat" }));
  assert.equal(named.message, 'template: ProfileFormat:1:3: function "nope" not defined');
});

Deno.test("nospace and initials keep goutils' byte-wise handling of non-ASCII text", () => {
  // goutils works on bytes: once it removes a space, each byte of "é" comes back on its own.
  const cases: [string, string][] = [
    ['{{ nospace "Café Prod" }}', "Caf\u00c3\u00a9Prod"],
    ['{{ nospace "Café" }}', "Café"],
    ['{{ initials "First Try" }}|{{ initials "élan vital" }}', "FT|\u00c3v"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("regular expression functions use Go's syntax and replacement rules", () => {
  const cases: [string, string][] = [
    ['{{ regexReplaceAll "(a)(b)" "abab" "$2$1a$1x${1}y" }}', "baybay"],
    ['{{ regexReplaceAll "a*" "baaac" "x" }}', "xbxcx"],
    [
      '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "John Smith" "${last}, $first" }}',
      "Smith, John",
    ],
    ['{{ regexReplaceAll "(?i)admin" "SuperADMINRole" "A" }}', "SuperARole"],
    ['{{ regexReplaceAllLiteral "b" "abc" "$1" }}', "a$1c"],
    ['{{ regexMatch "[" "x" }}|{{ regexFind "b+" "abbbc" }}', "false|bbb"],
    ['{{ regexFindAll "[0-9]+" "ab12cd345e6" 2 }}', "[12 345]"],
    ['{{ regexSplit "x*" "axbc" -1 }}', "[a b c]"],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

Deno.test("other sprig string and list functions match sprig", () => {
  const cases: [string, string][] = [
    [
      '{{ title "hello wORLD-foo_bar x.y" }}|{{ untitle "Hello World" }}|{{ upper "straße" }}',
      "Hello WORLD-Foo_bar X.Y|hello world|STRAßE",
    ],
    [
      '{{ trimAll "-" "--a-b--" }}|{{ trimPrefix "a" "aab" }}|{{ trimSuffix "b" "abb" }}|{{ trim "  x  " }}',
      "a-b|ab|ab|x",
    ],
    [
      '{{ quote "a" 1 nil }}|{{ squote "a" 1 nil }}|{{ cat "a" 1 nil "b" }}',
      "\"a\" \"1\"|'a' '1'|a 1 b",
    ],
    [
      '{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "c" "abc" }}',
      "true true true",
    ],
    ['{{ replace " " "_" "a b c" }}|{{ repeat 3 "ab" }}|{{ indent 2 "a" }}', "a_b_c|ababab|  a"],
    [
      '{{ atoi "12a" }} {{ int "010" }} {{ int "0x1f" }} {{ int "1.0" }} {{ int64 "  3" }} {{ int 3.9 }}',
      "0 8 31 1 0 3",
    ],
    [
      '{{ add 1 "2" 3.5 }} {{ sub 5 "x" }} {{ div 7 2 }} {{ mod -7 3 }} {{ max 1 5 3 }} {{ min 4 "2" }}',
      "6 5 3 -1 5 2",
    ],
    ['{{ join "-" (list "a" nil 1) }}|{{ join "," (splitList "/" "a/b/c") }}', "a-1|a,b,c"],
    [
      "{{ first (list 1 2) }}|{{ last (list 1 2) }}|{{ rest (list 1 2 3) }}|{{ uniq (list 1 1 2) }}",
      "1|2|[2 3]|[1 2]",
    ],
    [
      '{{ toString 12 }}|{{ toString .Tags }}|{{ b64enc "héllo" }}',
      "12|map[Color:blue env:prod]|aMOpbGxv",
    ],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
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
