// Printing: printf verbs and how values print, as Go's fmt does. Expected outputs come from Go
// (see _fixtures.ts).
import assert from "node:assert/strict";
import { render } from "./_fixtures.ts";

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
