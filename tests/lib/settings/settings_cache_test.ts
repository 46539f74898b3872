import assert from "node:assert/strict";
import { loadSettings } from "../../../lib/settings/load_settings.ts";
import {
  readSettingsCache,
  renderSettingsCache,
  type SettingsCacheKey,
} from "../../../lib/settings/settings_cache.ts";

const key: SettingsCacheKey = {
  version: "1.0.0+abc",
  path: "/home/me/.config/aws-sso/config.yaml",
  size: 120,
  mtimeMs: 1_700_000_000_123,
  file: "~/.config/aws-sso/config.yaml",
  configDir: "/home/me/.config/aws-sso",
  home: "/home/me",
  remoteSession: false,
};
const loaded = loadSettings(
  "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://x.awsapps.com/start\nOops: 1\n",
  { file: key.file, configDir: key.configDir, home: key.home, remoteSession: false },
);

Deno.test("readSettingsCache() returns what renderSettingsCache() stored for the same key", () => {
  const text = renderSettingsCache(key, loaded);
  // Undefined fields are absent after the round trip, which means the same to every reader.
  assert.deepEqual(readSettingsCache(text, key), JSON.parse(JSON.stringify(loaded)));
  assert.equal(loaded.warnings.length, 1, "warnings are cached so they show on every run");
});

for (
  const [what, change] of [
    ["the file's size", { size: 121 }],
    ["the file's modification time", { mtimeMs: key.mtimeMs + 1 }],
    ["the file's path", { path: "/elsewhere/config.yaml" }],
    ["the aws-sso version", { version: "1.0.1+def" }],
    ["an SSH session (AuthWorkflow default)", { remoteSession: true }],
    ["the home directory", { home: "/home/other" }],
  ] as const
) {
  Deno.test(`readSettingsCache() misses when ${what} changed`, () => {
    const text = renderSettingsCache(key, loaded);
    assert.equal(readSettingsCache(text, { ...key, ...change }), undefined);
  });
}

Deno.test("readSettingsCache() ignores damaged or foreign files", () => {
  assert.equal(readSettingsCache("", key), undefined);
  assert.equal(readSettingsCache("{not json", key), undefined);
  assert.equal(readSettingsCache(JSON.stringify({ format: 99, key }), key), undefined);
  assert.equal(readSettingsCache(JSON.stringify({ format: 1, key }), key), undefined);
});
