/**
 * Shared fixtures of the SSO login tests: a recording logger, real time, HTTP dependencies for
 * an emulator and a secure store over the in-memory backend.
 *
 * @module
 */
import type { HttpDeps } from "../../../lib/aws/json_client.ts";
import type { Clock } from "../../../lib/clock.ts";
import type { LogFields, Logger, LogLevel } from "../../../lib/logger.ts";
import { SecureStore } from "../../../lib/secure_store.ts";
import type { SecretBackend } from "../../../stores/backend.ts";
import { MemoryBackend } from "../../../stores/memory.ts";

/** A logger that keeps every line and every registered secret. */
export class RecordingLogger implements Logger {
  readonly level: LogLevel = "trace";
  readonly lines: string[] = [];
  readonly secrets = new Set<string>();

  #log(level: LogLevel, message: string, fields?: LogFields) {
    const extra = Object.entries(fields ?? {}).map(([k, v]) => ` ${k}=${v}`).join("");
    this.lines.push(`${level.toUpperCase()} ${message}${extra}`);
  }
  error(m: string, f?: LogFields): void {
    this.#log("error", m, f);
  }
  warn(m: string, f?: LogFields): void {
    this.#log("warn", m, f);
  }
  info(m: string, f?: LogFields): void {
    this.#log("info", m, f);
  }
  debug(m: string, f?: LogFields): void {
    this.#log("debug", m, f);
  }
  trace(m: string, f?: LogFields): void {
    this.#log("trace", m, f);
  }
  secret(value: string | undefined): void {
    if (value !== undefined) this.secrets.add(value);
  }
  enabled(): boolean {
    return true;
  }
}

/** Real time. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** HTTP dependencies with few, fast retries. */
export function httpDeps(logger: Logger, clock: Clock = realClock): HttpDeps {
  return { fetch, clock, logger, retry: { maxAttempts: 3, maxBackoffMs: 50 } };
}

/** A secure store over `backend` (default: a fresh in-memory one) locked in `dir`. */
export function memoryStore(
  dir: string,
  logger: Logger,
  backend: SecretBackend = new MemoryBackend(),
): SecureStore {
  return new SecureStore({ backend, lockPath: `${dir}/storage.lock`, clock: realClock, logger });
}
