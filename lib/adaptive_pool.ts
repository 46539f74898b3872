/**
 * A worker pool whose concurrency adapts to throttling: it starts at `initial`, doubles after
 * each clean round until the first sign of throttling, then grows by one per clean round, and
 * halves when a recent window of responses shows sustained throttling (a quarter or more were
 * throttled). Scattered throttles — a few percent — are left to the per-request retries and do
 * not shrink the pool.
 *
 * @module
 */

/** Pool bounds. */
export interface AdaptivePoolOptions {
  /** Concurrency to start with. */
  initial: number;
  /** Upper bound (an explicit `Threads` setting). */
  max: number;
  /** Lower bound (default 1). */
  min?: number;
}

/** Throttled fraction of a window at which the pool halves. */
const SHRINK_FRACTION = 0.25;
/** Throttled fraction of a round below which the pool may grow. */
const GROW_FRACTION = 0.1;

/**
 * Runs tasks with adaptive concurrency; report throttled responses with {@link AdaptivePool.throttled}.
 *
 * @example
 * ```ts
 * declare const accountIds: string[];
 * declare function listAccountRoles(accountId: string): Promise<string[]>; // calls pool.throttled() on a 429
 * const pool = new AdaptivePool({ initial: 5, max: 32 });
 * const roles = await pool.run(accountIds, (id) => listAccountRoles(id));
 * ```
 */
export class AdaptivePool {
  readonly #min: number;
  readonly #max: number;
  #limit: number;
  #active = 0;
  #peak = 0;
  #slowStart = true;
  #throttles = 0;
  #completions = 0;
  #shrinks = 0;

  /** Creates the pool. */
  constructor(options: AdaptivePoolOptions) {
    this.#min = Math.max(1, Math.floor(options.min ?? 1));
    this.#max = Math.max(this.#min, Math.floor(options.max));
    this.#limit = Math.min(this.#max, Math.max(this.#min, Math.floor(options.initial)));
  }

  /** Current concurrency limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Highest number of tasks that ran at once. */
  get peak(): number {
    return this.#peak;
  }

  /** How many times the pool halved because of throttling. */
  get shrinks(): number {
    return this.#shrinks;
  }

  /** Reports one throttled response (HTTP 429 or a throttling error code). */
  throttled(): void {
    this.#throttles++;
    const samples = this.#throttles + this.#completions;
    if (
      samples >= Math.max(4, Math.ceil(this.#limit / 2)) &&
      this.#throttles / samples >= SHRINK_FRACTION
    ) {
      this.#limit = Math.max(this.#min, Math.floor(this.#limit / 2));
      this.#slowStart = false;
      this.#shrinks++;
      this.#resetWindow();
    }
  }

  #completed(): void {
    this.#completions++;
    if (this.#completions < this.#limit) return;
    const samples = this.#throttles + this.#completions;
    if (this.#throttles / samples < GROW_FRACTION && this.#limit < this.#max) {
      this.#limit = Math.min(this.#max, this.#slowStart ? this.#limit * 2 : this.#limit + 1);
    }
    this.#resetWindow();
  }

  #resetWindow(): void {
    this.#throttles = 0;
    this.#completions = 0;
  }

  /**
   * Runs `worker` over `items` (an array, or an async iterable that is pulled as capacity frees
   * up), at most {@link AdaptivePool.limit} at a time, and returns the results in item order. On
   * the first failure no new task starts; the promise rejects with that error once the running
   * tasks have settled.
   */
  async run<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    worker: (item: T, index: number) => Promise<R>,
  ): Promise<R[]> {
    const results: R[] = [];
    const running = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let index = 0;
    try {
      for await (const item of items) {
        while (this.#active >= this.#limit && failure === undefined) {
          await Promise.race(running);
        }
        if (failure !== undefined) break;
        const i = index++;
        this.#active++;
        this.#peak = Math.max(this.#peak, this.#active);
        let task: Promise<R>;
        try {
          task = worker(item, i);
        } catch (e) {
          task = Promise.reject(e);
        }
        const settled: Promise<void> = task.then(
          (value) => {
            results[i] = value;
            this.#completed();
          },
          (error) => {
            failure ??= { error };
          },
        ).finally(() => {
          this.#active--;
          running.delete(settled);
        });
        running.add(settled);
      }
    } catch (e) {
      // The item source failed (e.g. listing the next page): let running tasks finish first.
      failure ??= { error: e };
    }
    await Promise.all(running);
    if (failure !== undefined) throw failure.error;
    return results;
  }
}
