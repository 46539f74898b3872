/**
 * The shape of a benchmark scenario: `setup()` prepares a world (temp HOME, caches, a running
 * emulator ...) and returns whole-process commands to time with hyperfine, the environment to
 * run them in, and how to tear the world down.
 *
 * @module
 */

/** One command to time. */
export interface BenchCommand {
  /** Label in the results. */
  name: string;
  /** Shell command line. */
  command: string;
}

/** A prepared scenario. */
export interface BenchSetup {
  /** Commands to time, in this world. */
  commands: BenchCommand[];
  /** Environment for the commands (HOME, DENO_DIR, AWS_ENDPOINT_URL_* ...). */
  env: Record<string, string>;
  /** Stops servers and removes files. */
  cleanup(): Promise<void>;
}

/** A benchmark scenario. */
export interface BenchScenario {
  /** Name in the results. */
  name: string;
  /** Prepares the world. */
  setup(): Promise<BenchSetup>;
}
