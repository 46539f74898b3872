import assert from "node:assert/strict";
import { editConfigText, newConfigText, yamlScalar } from "../../../lib/settings/edit_config.ts";
import { loadSettings } from "../../../lib/settings/load_settings.ts";

const load = (text: string) =>
  loadSettings(text, { file: "config.yaml", configDir: "/c", home: "/h", remoteSession: false })
    .settings;

const USER_FILE = `# My aws-sso settings
SSOConfig:
    Default:
        SSORegion: us-east-1   # Identity Center lives here
        StartUrl: https://example.awsapps.com/start
        Accounts:
            000001111111:
                Name: legacy    # leading zeros, unquoted

urlaction: open # lower-case key, comment after the value
UrlExecCommand:
    - /usr/bin/firefox
    - "%s"
Empty:
LogLevel: warn
`;

Deno.test("editConfigText() changes only the edited values and keeps comments and account ids", () => {
  const edited = editConfigText(USER_FILE, { UrlAction: "print", LogLevel: "error" });
  assert.equal(
    edited,
    USER_FILE.replace("urlaction: open #", "urlaction: print #").replace(
      "LogLevel: warn",
      "LogLevel: error",
    ),
  );
  const settings = load(edited);
  assert.equal(settings.urlAction, "print");
  assert.ok(settings.ssoConfig.Default?.accounts["000001111111"] !== undefined);
});

Deno.test("editConfigText() appends new keys at the end", () => {
  const edited = editConfigText(USER_FILE, {
    ProfileFormat: "{{ .AccountIdPad }}:{{ .RoleName }}",
    HistoryLimit: 5,
  });
  assert.ok(edited.startsWith(USER_FILE));
  assert.equal(
    edited.slice(USER_FILE.length),
    "ProfileFormat: '{{ .AccountIdPad }}:{{ .RoleName }}'\nHistoryLimit: 5\n",
  );
  assert.equal(load(edited).profileFormat, "{{ .AccountIdPad }}:{{ .RoleName }}");
});

Deno.test("editConfigText() replaces a list and fills an empty value", () => {
  const edited = editConfigText(USER_FILE, {
    UrlExecCommand: ["/opt/browser", "--new", "%s"],
    Empty: true,
  });
  assert.ok(
    edited.includes("UrlExecCommand:\n    [/opt/browser, '--new', '%s']\nEmpty: true\n"),
    edited,
  );
  const doc = load(edited.replace(/^Empty: true\n/m, ""));
  assert.deepEqual(doc.urlExecCommand, ["/opt/browser", "--new", "%s"]);
});

Deno.test("editConfigText() removes a key with undefined", () => {
  const edited = editConfigText(USER_FILE, { urlAction: undefined, Missing: undefined });
  assert.equal(
    edited,
    USER_FILE.replace("urlaction: open # lower-case key, comment after the value\n", ""),
  );
});

Deno.test("editConfigText() adds a newline before appending to a file without one", () => {
  assert.equal(editConfigText("A: 1", { B: "x" }), "A: 1\nB: x\n");
});

Deno.test("newConfigText() writes a config that loads, 4-space indented", () => {
  const text = newConfigText(
    {
      name: "Work",
      startUrl: "https://w.awsapps.com/start",
      ssoRegion: "eu-west-1",
      defaultRegion: "eu-central-1",
    },
    {
      DefaultSSO: "Work",
      ProfileFormat: "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}",
      UrlAction: "open",
      Skipped: undefined,
      FullTextSearch: true,
    },
  );
  assert.match(text, /^SSOConfig:\n {4}Work:\n {8}SSORegion: eu-west-1\n/m);
  assert.ok(!text.includes("Skipped"));
  const settings = load(text);
  assert.equal(settings.defaultSso, "Work");
  assert.equal(settings.ssoConfig.Work?.startUrl, "https://w.awsapps.com/start");
  assert.equal(settings.ssoConfig.Work?.defaultRegion, "eu-central-1");
  assert.equal(
    settings.profileFormat,
    "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}",
  );
});

Deno.test("yamlScalar() quotes what YAML would read as something else", () => {
  for (
    const value of [
      "true",
      "no",
      "123",
      "0x1f",
      "1e3",
      "",
      " x",
      "a: b",
      "#x",
      "@x",
      "it's",
      "%s",
      "x:",
    ]
  ) {
    const doc = load(
      `SSOConfig:\n  D:\n    SSORegion: us-east-1\n    StartUrl: https://x/start\nFirstTag: ${
        yamlScalar(value)
      }\n`,
    );
    assert.equal(doc.firstTag ?? "", value, `${value} → ${yamlScalar(value)}`);
  }
  assert.equal(yamlScalar("us-east-1"), "us-east-1");
  assert.equal(yamlScalar(720), "720");
  assert.equal(yamlScalar(false), "false");
});
