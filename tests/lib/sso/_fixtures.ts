/**
 * Shared fixtures of the SSO login tests: a recording logger, real time, HTTP dependencies for
 * an emulator and a secure store over the in-memory backend.
 *
 * @module
 */
import type { HttpDeps } from "../../../lib/aws/json_client.ts";
import type { Clock } from "../../../lib/clock.ts";
import type { Logger } from "../../../lib/logger.ts";
import { SecureStore } from "../../../lib/secure_store.ts";
import type { SecretBackend } from "../../../stores/backend.ts";
import { MemoryBackend } from "../../../stores/memory.ts";

export { RecordingLogger } from "../../fakes/recording_logger.ts";

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
