/**
 * The credential_process hot path snapshot: the few facts `process` needs on a warm cache that
 * would otherwise cost the YAML parser and the command graph (~60 ms): which config file it was
 * taken from (path, mtime, size — any edit invalidates it) and which secure store that config
 * resolved to. Nothing secret is in it. Written by the normal path, read by cli/fast_process.ts.
 *
 * @module
 */

/** The store part of the snapshot. */
export interface SnapshotStore {
  /** Backend kind the normal path opened (after auto-detection). */
  kind: string;
  /** `SecretServiceCollection`, for the secret-service store. */
  collection?: string;
  /** The `file` store's key-cache id (derived from its path; saves a hash per run). */
  keyCacheId?: string;
}

/** The snapshot file's content. */
export interface HotPathSnapshot {
  /** Format marker. */
  format: "aws-sso-hot-path";
  /** Format version. */
  version: 1;
  /** The config file the facts come from. */
  config: { path: string; mtimeMs: number; size: number };
  /** The store to read role credentials from. */
  store: SnapshotStore;
}

/** File name inside the config directory. */
export const HOT_PATH_SNAPSHOT_FILE = "hot-path.json";

/**
 * Parses a snapshot; returns undefined for anything that is not a valid version-1 snapshot.
 *
 * @example
 * ```ts
 * parseHotPathSnapshot("{}"); // undefined
 * ```
 */
export function parseHotPathSnapshot(text: string): HotPathSnapshot | undefined {
  try {
    const v = JSON.parse(text);
    if (
      v?.format === "aws-sso-hot-path" && v.version === 1 &&
      typeof v.config?.path === "string" && typeof v.config.mtimeMs === "number" &&
      typeof v.config.size === "number" && typeof v.store?.kind === "string"
    ) {
      return v as HotPathSnapshot;
    }
  } catch {
    // not JSON: ignore, the normal path rewrites it
  }
  return undefined;
}

/** Renders the snapshot file's text (stable, so unchanged facts mean an unchanged file). */
export function renderHotPathSnapshot(
  config: { path: string; mtimeMs: number; size: number },
  store: SnapshotStore,
): string {
  const snapshot: HotPathSnapshot = {
    format: "aws-sso-hot-path",
    version: 1,
    config,
    store: Object.fromEntries(
      Object.entries(store).filter(([, v]) => v !== undefined),
    ) as unknown as SnapshotStore,
  };
  return JSON.stringify(snapshot, null, 2) + "\n";
}
