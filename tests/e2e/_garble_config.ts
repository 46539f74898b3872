/**
 * Makes config.yaml unreadable while the credential_process hot-path snapshot still matches it:
 * after this only the hot path can answer `process`. Importable, or run as a script with the
 * config file as its argument (inside another session, e.g. under dbus-run-session).
 *
 * @module
 */
import { SETTINGS_CACHE_FILE } from "../../lib/settings/settings_cache.ts";

/**
 * Replaces config.yaml by text that is not YAML, keeping its size and mtime (the snapshot's key),
 * and drops the parsed-settings cache next to it (keyed the same way).
 */
export function garbleKeepingStat(configFile: string): void {
  const stat = Deno.statSync(configFile);
  Deno.writeTextFileSync(configFile, "!".repeat(stat.size));
  Deno.utimeSync(configFile, stat.atime!, stat.mtime!);
  Deno.removeSync(`${configFile.slice(0, configFile.lastIndexOf("/"))}/${SETTINGS_CACHE_FILE}`);
}

if (import.meta.main) garbleKeepingStat(Deno.args[0]!);
