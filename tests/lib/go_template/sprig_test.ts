// The sprig v3 functions: case conversion, strings, defaults, lists, arithmetic and regular
// expressions. Expected outputs come from Go (see _fixtures.ts).
import assert from "node:assert/strict";
import { parseTemplate } from "../../../lib/go_template/mod.ts";
import { render, role, templateError } from "./_fixtures.ts";

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
