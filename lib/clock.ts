/**
 * Time source for lib/: code that needs "now" takes a Clock so tests can control time.
 *
 * @module
 */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds (tests may make this instant). */
  sleep(ms: number): Promise<void>;
}
