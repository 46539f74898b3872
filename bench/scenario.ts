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
  /** Command line (split on spaces: no shell syntax, so hyperfine runs it without a shell). */
  command: string;
  /** A goal checked against the median, e.g. `{ maxMedianMs: 150 }`. */
  goal?: BenchGoal;
}

/** What a command's timing should achieve. */
export interface BenchGoal {
  /** Median at most this many ms. */
  maxMedianMs?: number;
  /** Median at most this multiple of the scenario's baseline median. */
  maxRatioToBaseline?: number;
  /** Median at least this many times faster than the named command's median. */
  fasterThan?: { command: string; factor: number };
}

/** A prepared scenario. */
export interface BenchSetup {
  /** Commands to time, in this world. */
  commands: BenchCommand[];
  /** Environment for the commands (HOME, DENO_DIR, AWS_ENDPOINT_URL_* ...). */
  env: Record<string, string>;
  /** Stops servers and removes files. */
  cleanup(): Promise<void>;
  /** Name of the command others are compared with (ratio column). */
  baseline?: string;
  /** Timed runs per command (default 30). */
  runs?: number;
}

/** A benchmark scenario. */
export interface BenchScenario {
  /** Name in the results. */
  name: string;
  /** Prepares the world. */
  setup(): Promise<BenchSetup>;
}
