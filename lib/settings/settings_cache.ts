/**
 * A cache of the validated settings, so that commands do not pay the YAML parser (~35 ms to
 * load, measured here) while config.yaml is unchanged. The key is everything the result depends
 * on: the file's path, size and modification time, the inputs of the loader, and the loader's
 * format version; anything else means a miss and a fresh parse. Not secret: config.yaml holds
 * no secrets.
 *
 * @module
 */
import type { SettingsWarning } from "./load_settings.ts";
import type { Settings } from "./settings.ts";

/**
 * Bump when `Settings` or the loader's output changes shape or meaning, so caches written by
 * an older aws-sso are ignored.
 */
export const SETTINGS_CACHE_FORMAT = 3;

/** File name inside the config directory. */
export const SETTINGS_CACHE_FILE = "settings-cache.json";

/** What the loaded settings depend on. */
export interface SettingsCacheKey {
  /** aws-sso version (a new build never trusts an old cache). */
  version: string;
  /** Absolute path of config.yaml. */
  path: string;
  /** Its size in bytes. */
  size: number;
  /** Its modification time, epoch ms. */
  mtimeMs: number;
  /** Loader inputs. */
  file: string;
  /** Loader input: the config directory. */
  configDir: string;
  /** Loader input: the home directory. */
  home: string;
  /** Loader input: SSH/WSL session (changes the AuthWorkflow default). */
  remoteSession: boolean;
}

/** The cached result. */
export interface CachedSettings {
  /** Validated settings. */
  settings: Settings;
  /** Warnings to show again on every run, as a fresh parse would. */
  warnings: SettingsWarning[];
}

function sameKey(a: SettingsCacheKey, b: unknown): boolean {
  if (typeof b !== "object" || b === null) return false;
  const o = b as Record<string, unknown>;
  return (Object.keys(a) as (keyof SettingsCacheKey)[]).every((k) => o[k] === a[k]) &&
    Object.keys(o).length === Object.keys(a).length;
}

/**
 * Returns the cached settings when `text` was written for exactly `key`, else undefined.
 *
 * @example
 * ```ts
 * declare const key: SettingsCacheKey;
 * readSettingsCache("not json", key); // undefined
 * ```
 */
export function readSettingsCache(text: string, key: SettingsCacheKey): CachedSettings | undefined {
  try {
    const doc = JSON.parse(text);
    if (doc?.format !== SETTINGS_CACHE_FORMAT || !sameKey(key, doc.key)) return undefined;
    if (typeof doc.settings !== "object" || !Array.isArray(doc.warnings)) return undefined;
    return { settings: doc.settings as Settings, warnings: doc.warnings as SettingsWarning[] };
  } catch {
    return undefined;
  }
}

/** Renders the cache file for `key`. */
export function renderSettingsCache(key: SettingsCacheKey, loaded: CachedSettings): string {
  return JSON.stringify({
    format: SETTINGS_CACHE_FORMAT,
    key,
    settings: loaded.settings,
    warnings: loaded.warnings,
  });
}
