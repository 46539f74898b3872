/**
 * An in-memory {@link SecretBackend} for tests and fakes; nothing survives the process.
 *
 * @module
 */
import type { SecretBackend } from "./backend.ts";

/** Keeps secrets in a Map; values are copied in and out so callers cannot alias them. */
export class MemoryBackend implements SecretBackend {
  /** Always `memory`. */
  readonly kind = "memory" as const;
  readonly #items = new Map<string, Uint8Array>();

  /** Returns a copy of the value, or `undefined`. */
  get(key: string): Promise<Uint8Array | undefined> {
    const value = this.#items.get(key);
    return Promise.resolve(value === undefined ? undefined : value.slice());
  }

  /** Stores a copy of `value`. */
  set(key: string, value: Uint8Array): Promise<void> {
    this.#items.set(key, value.slice());
    return Promise.resolve();
  }

  /** Removes `key`; false when it was absent. */
  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.#items.delete(key));
  }

  /** The keys present, sorted. */
  keys(): Promise<string[]> {
    return Promise.resolve([...this.#items.keys()].sort());
  }
}
