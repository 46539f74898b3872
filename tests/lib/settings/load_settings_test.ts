import assert from "node:assert/strict";
import { loadSettings } from "../../../lib/settings/load_settings.ts";
import { selectInstanceName } from "../../../lib/settings/select_instance.ts";
import { ConfigError } from "../../../lib/errors.ts";
import { assertSettingsUsable, instanceProblemKeys } from "../../../lib/settings/settings.ts";

const dir = new URL("../../testdata/config/", import.meta.url);
const opts = { file: "config.yaml", configDir: "/cfg", home: "/home/me", remoteSession: false };

function load(text: string, extra: Partial<typeof opts> = {}) {
  return loadSettings(text, { ...opts, ...extra });
}

function errorOf(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const base =
  "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://x.awsapps.com/start\n";

Deno.test("loadSettings() reads a real-world config with odd account keys", async () => {
  const text = await Deno.readTextFile(new URL("real_world.yaml", dir));
  const { settings, warnings } = load(text);
  assert.equal(settings.defaultSso, "Work");
  assert.deepEqual(Object.keys(settings.ssoConfig).sort(), ["Personal", "Work"]);
  const work = settings.ssoConfig.Work!;
  assert.deepEqual(Object.keys(work.accounts).sort(), [
    "000123456789",
    "012345678901",
    "012345678912",
    "258234615182",
  ]);
  const legacy = work.accounts["000123456789"]!;
  assert.equal(legacy.name, "Legacy Unquoted");
  assert.deepEqual(legacy.tags, { env: "prod", team: "platform" });
  assert.deepEqual(Object.keys(legacy.roles).sort(), ["AdministratorAccess", "Deploy", "ReadOnly"]);
  assert.equal(
    legacy.roles.AdministratorAccess!.arn,
    "arn:aws:iam::000123456789:role/AdministratorAccess",
  );
  assert.equal(legacy.roles.Deploy!.profile, "legacy-deploy");
  assert.deepEqual(legacy.roles.Deploy!.tags, { Color: "red" });
  const quoted = work.accounts["012345678901"]!;
  assert.equal(quoted.tags["cost-center"], "1234");
  assert.equal(quoted.roles.Chained!.via, "arn:aws:iam::012345678901:role/AdministratorAccess");
  assert.equal(quoted.roles.Chained!.sourceIdentity, "me@example.com");
  assert.equal(quoted.roles.Chained!.externalId, "abc");
  assert.equal(work.authUrlAction, "print");
  assert.equal(settings.configProfilesUrlAction, "open");
  assert.deepEqual(settings.listFields, ["AccountIdPad", "Expires", "Arn"]);
  assert.deepEqual(settings.configVariables, {
    output: "json",
    cli_pager: "",
    "s3.max_concurrency": "20",
  });
  assert.equal(settings.historyLimit, 5);
  assert.ok(warnings.some((w) => /config\.yaml:56:1: unknown key 'SomethingNew'/.test(w.message)));
  assert.ok(warnings.some((w) => /AccountIdStr/.test(w.message)));
});

Deno.test("loadSettings() applies the reference's defaults", () => {
  const { settings, warnings } = load(base);
  assert.equal(warnings.length, 0);
  assert.equal(settings.defaultRegion, "us-east-1");
  assert.equal(settings.authWorkflow, "pkce");
  assert.equal(settings.cacheRefresh, 168);
  assert.equal(settings.threads, 5);
  assert.equal(settings.maxRetry, 10);
  assert.equal(settings.maxBackoff, 5);
  assert.equal(settings.urlAction, "open");
  assert.equal(settings.consoleDuration, 60);
  assert.equal(
    settings.profileFormat,
    "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}",
  );
  assert.deepEqual(settings.listFields, [
    "AccountIdPad",
    "AccountAlias",
    "RoleName",
    "Profile",
    "Expires",
  ]);
  assert.deepEqual(settings.accountPrimaryTag, ["AccountName", "AccountAlias", "Email"]);
  assert.equal(settings.jsonStore, "/cfg/store.json");
  assert.equal(settings.historyMinutes, 1440);
  assert.equal(settings.secureStore, undefined);
});

Deno.test("loadSettings() defaults to device code on remote sessions unless AuthWorkflow is set", () => {
  assert.equal(load(base, { remoteSession: true }).settings.authWorkflow, "device_code");
  assert.equal(
    load(base + "AuthWorkflow: pkce\n", { remoteSession: true }).settings.authWorkflow,
    "pkce",
  );
});

Deno.test("loadSettings() matches keys case-insensitively like the reference's decoder", () => {
  const { settings, warnings } = load(
    "ssoconfig:\n  Default:\n    ssoregion: us-east-1\n    starturl: https://x.awsapps.com/start\ndefaultregion: eu-west-2\n",
  );
  assert.equal(warnings.length, 0);
  assert.equal(settings.defaultRegion, "eu-west-2");
  assert.equal(settings.ssoConfig.Default!.ssoRegion, "us-east-1");
});

Deno.test("loadSettings() rewrites deprecated keys", () => {
  const { settings, warnings } = load(
    base + "FirefoxOpenUrlInContainer: true\nUrlExecCommand: [firefox, '%s']\n" +
      "ConfigUrlAction: clip\nProfileFormat: '{{ AccountIdStr .AccountId }}:{{ .RoleName }}'\n",
  );
  assert.equal(settings.urlAction, "open-url-in-container");
  assert.equal(settings.configProfilesUrlAction, "clip");
  assert.equal(settings.profileFormat, "{{ .AccountIdPad }}:{{ .RoleName }}");
  assert.equal(warnings.length, 2);
});

Deno.test("loadSettings() reports a tab used for indentation with its line", async () => {
  const text = await Deno.readTextFile(new URL("tab_line7.yaml", dir));
  const e = errorOf(text);
  assert.equal(e.line, 7);
  assert.match(e.message, /^config\.yaml:7:\d+: YAML syntax error: .*tab/i);
});

const cases: [string, string, RegExp][] = [
  ["wrong type", base + "AutoLogin: maybe\n", /:5:12: AutoLogin must be true or false/],
  [
    "bad account id",
    base + "    Accounts:\n      12345678901234:\n        Name: x\n",
    /:6:7: invalid account id '12345678901234'/,
  ],
  [
    "Via that is not a role ARN",
    base +
    "    Accounts:\n      '123456789012':\n        Roles:\n          A:\n            Via: arn:aws:iam::123456789012:user/bob\n",
    /:9:18: Via 'arn:aws:iam::123456789012:user\/bob' is not a role ARN/,
  ],
  ["bad AuthWorkflow", base + "AuthWorkflow: magic\n", /invalid AuthWorkflow 'magic'/],
  ["no SSOConfig", "DefaultRegion: us-east-1\n", /SSOConfig is missing/],
  ["a list at the top", "- a\n- b\n", /top level must be a map/],
  [
    "exec mixed with a container action",
    base +
    "UrlAction: exec\nConfigProfilesUrlAction: open-url-in-container\nUrlExecCommand: [a, '%s']\n",
    /must not mix 'exec' with a Firefox container/,
  ],
  ["duplicate keys", base + "DefaultRegion: a\nDefaultRegion: b\n", /YAML syntax error: .*unique/i],
];

for (const [name, text, expected] of cases) {
  Deno.test(`loadSettings() rejects ${name} with the file and position`, () => {
    assert.match(errorOf(text).message, expected);
  });
}

Deno.test("selectInstanceName() honours --sso, then DefaultSSO, then a single instance", async () => {
  const text = await Deno.readTextFile(new URL("real_world.yaml", dir));
  const { settings } = load(text);
  assert.deepEqual(selectInstanceName(settings, undefined), { name: "Work" });
  assert.deepEqual(selectInstanceName(settings, "Personal"), { name: "Personal" });
  const bad = selectInstanceName(settings, "Nope");
  assert.ok("error" in bad && /'Nope' is not a valid AWS SSO instance/.test(bad.error));
  const single = load(base + "DefaultSSO: Other\n").settings;
  assert.deepEqual(selectInstanceName(single, undefined), { name: "Default" });
});

// Checked where the setting is used (the reference validates only exec vs container actions and
// AuthWorkflow at load): the config loads, and the command using the setting gets the error.
const deferred: [string, string, string, RegExp][] = [
  [
    "unknown UrlAction",
    base + "UrlAction: launch\n",
    "UrlAction",
    /:5:12: invalid UrlAction 'launch'/,
  ],
  [
    "unknown UrlAction (for logins of an instance without AuthUrlAction)",
    base + "UrlAction: launch\n",
    "SSOConfig.Default.AuthUrlAction",
    /:5:12: invalid UrlAction 'launch'/,
  ],
  [
    "unknown AuthUrlAction",
    base + "    AuthUrlAction: nope\n",
    "SSOConfig.Default.AuthUrlAction",
    /:5:20: invalid AuthUrlAction 'nope'/,
  ],
  [
    "missing StartUrl",
    "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n",
    "SSOConfig.Default.StartUrl",
    /:2:3: SSO instance 'Default' is missing StartUrl/,
  ],
  [
    "a StartUrl that is not a URL",
    "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: example\n",
    "SSOConfig.Default.StartUrl",
    /:4:15: StartUrl 'example' of SSO instance 'Default' is not a URL/,
  ],
  [
    "missing SSORegion",
    "SSOConfig:\n  Default:\n    StartUrl: https://x.awsapps.com/start\n",
    "SSOConfig.Default.SSORegion",
    /:2:3: SSO instance 'Default' is missing SSORegion/,
  ],
  [
    "an SSORegion that is not a region name",
    "SSOConfig:\n  Default:\n    StartUrl: https://x.awsapps.com/start\n    SSORegion: US East\n",
    "SSOConfig.Default.SSORegion",
    /:4:16: SSORegion 'US East' of SSO instance 'Default' is not an AWS region name/,
  ],
  [
    "bad SecureStore",
    base + "SecureStore: vault\n",
    "SecureStore",
    /:5:14: invalid SecureStore 'vault'/,
  ],
];

for (const [name, text, key, expected] of deferred) {
  Deno.test(`loadSettings() loads ${name} and reports it where ${key} is used`, () => {
    const { settings } = load(text);
    assert.throws(() => assertSettingsUsable(settings, key), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, expected);
      assert.ok(e.hints.length > 0);
      return true;
    });
  });
}

Deno.test("loadSettings() loads exec and container URL actions without UrlExecCommand", () => {
  for (
    const yaml of [
      "UrlAction: exec\n",
      "UrlAction: open-url-in-container\n",
      "FirefoxOpenUrlInContainer: true\n",
    ]
  ) {
    const { settings } = load(base + yaml);
    assert.deepEqual(settings.urlExecCommand, []);
    assert.deepEqual(settings.problems, {}, yaml);
  }
  const { settings, warnings } = load(base + "FirefoxOpenUrlInContainer: true\n");
  assert.equal(settings.urlAction, "open-url-in-container");
  assert.equal(settings.configProfilesUrlAction, "open-url-in-container");
  assert.match(warnings[0]!.message, /FirefoxOpenUrlInContainer is deprecated/);
});

Deno.test("loadSettings() migrates ConfigUrlAction into ConfigProfilesUrlAction", () => {
  const { settings, warnings } = load(base + "ConfigUrlAction: open\nUrlAction: print\n");
  assert.equal(settings.configProfilesUrlAction, "open");
  assert.equal(settings.urlAction, "print");
  assert.match(warnings[0]!.message, /ConfigUrlAction is deprecated/);
  assert.equal(load(base + "ConfigUrlAction: clip\n").settings.configProfilesUrlAction, "clip");
});

Deno.test("loadSettings() loads every partition's SSORegion and warns on an unknown one", () => {
  for (const region of ["eusc-de-east-1", "us-gov-west-1", "cn-northwest-1", "ap-southeast-7"]) {
    const text =
      `SSOConfig:\n  Default:\n    SSORegion: ${region}\n    StartUrl: https://x.awsapps.com/start\n`;
    const { settings, warnings } = load(text);
    assert.equal(settings.ssoConfig.Default!.ssoRegion, region);
    assert.deepEqual(warnings, [], region);
    assert.doesNotThrow(() => assertSettingsUsable(settings, ...instanceProblemKeys("Default")));
  }
  const { settings, warnings } = load(
    "SSOConfig:\n  Default:\n    SSORegion: xx-mars-1\n    StartUrl: https://x.awsapps.com/start\n",
  );
  assert.equal(settings.ssoConfig.Default!.ssoRegion, "xx-mars-1");
  assert.match(
    warnings[0]!.message,
    /:3:16: SSORegion 'xx-mars-1' is not a region this aws-sso knows/,
  );
  assert.deepEqual(settings.problems, {});
});

Deno.test("loadSettings() keeps another instance's broken StartUrl away from this one", () => {
  const { settings } = load(
    base + "  Other:\n    SSORegion: eu-west-1\n" + "DefaultSSO: Default\n",
  );
  assert.doesNotThrow(() => assertSettingsUsable(settings, ...instanceProblemKeys("Default")));
  assert.throws(
    () => assertSettingsUsable(settings, ...instanceProblemKeys("Other")),
    /SSO instance 'Other' is missing StartUrl/,
  );
});

Deno.test("loadSettings() ignores values the reference ignores, with a warning", () => {
  const { settings, warnings } = load(
    base + "MaxRetry: 0\nMaxBackoff: -1\nThreads: 0\nLogLevel: loud\nHistoryLimit: -3\n",
  );
  assert.equal(settings.maxRetry, 10);
  assert.equal(settings.maxBackoff, 5);
  assert.equal(settings.threads, 5);
  assert.equal(settings.threadsConfigured, undefined);
  assert.equal(settings.logLevel, "info");
  assert.equal(settings.historyLimit, 10);
  assert.deepEqual(
    warnings.map((w) => w.message.replace(/^config\.yaml:\d+:\d+: /, "")),
    [
      "MaxBackoff -1 is not greater than 0; using the default",
      "Threads 0 is not greater than 0; using the default",
      "invalid LogLevel 'loud' is ignored: must be one of error, warn, info, debug, trace",
      "HistoryLimit -3 is less than 0; using 10",
    ],
  );
});

Deno.test("loadSettings() reads ConsolePortal at the top level and per instance", () => {
  const none = load(base).settings;
  assert.equal(none.consolePortal, false);
  assert.equal(none.ssoConfig.Default!.consolePortal, undefined);
  const top = load(`ConsolePortal: true\n${base}`).settings;
  assert.equal(top.consolePortal, true);
  assert.equal(top.ssoConfig.Default!.consolePortal, undefined, "inherits the top level");
  const own = load(`ConsolePortal: yes\n${base}    ConsolePortal: false\n`).settings;
  assert.equal(own.consolePortal, true);
  assert.equal(own.ssoConfig.Default!.consolePortal, false);
  const e = errorOf(`ConsolePortal: sometimes\n${base}`);
  assert.match(e.message, /ConsolePortal must be true or false/);
  assert.equal(e.line, 1);
});
