/** The clock and the one-shot timer the saver waits with; injected so tests control time. */
export interface SaverClock {
  now(): number;
  /** Calls `callback` once after `ms`; the returned function cancels it. */
  startTimer(callback: () => void, ms: number): () => void;
}

export const systemClock: SaverClock = {
  now: () => performance.now(),
  startTimer(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};

export interface ThrottledSaverOptions<T> {
  readonly save: (value: T) => Promise<void>;
  /** The shortest time between the starts of two saves. */
  readonly intervalMs?: number;
  readonly clock?: SaverClock;
  /** Told about every save that failed (default: `console.error`); a `flush` whose save failed rejects too. */
  readonly onError?: (error: unknown, value: T) => void;
  /** Told when every value that had failed has been saved since. */
  readonly onRecovered?: () => void;
  /**
   * How long after a failure its values are tried again, by how many tries in a row have failed (the last delay
   * repeats): a full disk is tried less and less often, never every interval, and what it refused is written
   * soon after the user frees space.
   */
  readonly retryDelaysMs?: readonly number[];
}

export interface ThrottledSaver<T> {
  /**
   * Saves `value` (replacing any unsaved value with the same id) now if no save started in the last interval,
   * else when the interval is over, with whatever is latest then.
   */
  schedule(value: T): void;
  /** Saves what is waiting now, after the save under way; rejects if one of these saves fails. */
  flush(): Promise<void>;
  /** Forgets the unsaved value with this id, and waits for a save of it under way (before deleting it). */
  discard(id: string): Promise<void>;
  /** Stops the timer and forgets what is unsaved; `flush` first to keep it. */
  dispose(): void;
}

interface Failure<T> {
  readonly error: unknown;
  readonly value: T;
}

export const DEFAULT_SAVE_INTERVAL_MS = 500;

export const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000];

/**
 * Saves values (conversations, by id) at most once per interval while they change quickly, as an answer
 * streams: the first change is saved at once, later ones wait for the end of the interval and only the latest
 * of them is saved. A crash then loses at most about an interval and a save of text.
 */
export function createThrottledSaver<T extends { readonly id: string }>({
  save,
  intervalMs = DEFAULT_SAVE_INTERVAL_MS,
  clock = systemClock,
  onError = (error) => console.error('Saving failed:', error),
  onRecovered = () => undefined,
  retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
}: ThrottledSaverOptions<T>): ThrottledSaver<T> {
  const waiting = new Map<string, T>();
  // Failed values are retried with the next save of anything, and on their own after a delay that grows
  // with each failure: a full disk must not turn into a save every interval forever.
  const failed = new Map<string, T>();
  let lastStart = Number.NEGATIVE_INFINITY;
  let cancelTimer: (() => void) | undefined;
  let cancelRetry: (() => void) | undefined;
  let failuresInARow = 0;
  let running: Promise<Failure<T>[]> | undefined;

  function stopTimer(): void {
    cancelTimer?.();
    cancelTimer = undefined;
  }

  function stopRetry(): void {
    cancelRetry?.();
    cancelRetry = undefined;
  }

  /** After a run: tries the failed values again later, or says they are all saved now. */
  function afterRun(failures: readonly Failure<T>[]): void {
    for (const { error, value } of failures) onError(error, value);
    // Counted even when nothing is kept to retry (a newer value of each waits, as while an answer streams):
    // the failure was told, so the save after it must say it is over.
    if (failures.length > 0) failuresInARow += 1;
    if (failed.size === 0) {
      stopRetry();
      if (failuresInARow > 0 && failures.length === 0) {
        failuresInARow = 0;
        onRecovered();
      }
      return;
    }
    if (cancelRetry) return;
    const delay = retryDelaysMs[Math.min(failuresInARow, retryDelaysMs.length) - 1] ?? 0;
    cancelRetry = clock.startTimer(() => {
      cancelRetry = undefined;
      if (running || failed.size === 0) return;
      void run();
    }, delay);
  }

  function run(): Promise<Failure<T>[]> {
    const batch = new Map([...failed, ...waiting]);
    failed.clear();
    waiting.clear();
    lastStart = clock.now();
    const saves = [...batch.values()].map((value) =>
      save(value).then(
        () => undefined,
        (error: unknown) => {
          if (!waiting.has(value.id)) failed.set(value.id, value);
          return { error, value };
        },
      ),
    );
    const done = Promise.all(saves).then((results) => {
      running = undefined;
      const failures = results.filter((result) => result !== undefined);
      afterRun(failures);
      wake();
      return failures;
    });
    running = done;
    return done;
  }

  function wake(): void {
    if (running || cancelTimer || waiting.size === 0) return;
    const wait = lastStart + intervalMs - clock.now();
    if (wait > 0) {
      cancelTimer = clock.startTimer(() => {
        cancelTimer = undefined;
        wake();
      }, wait);
      return;
    }
    // Its failures are told through `onError` (see `afterRun`).
    void run();
  }

  async function settle(): Promise<void> {
    // The end of one save can start the next (when the interval is already over); wait for that one too.
    while (running) await running;
  }

  return {
    schedule(value) {
      waiting.set(value.id, value);
      wake();
    },

    async flush() {
      stopTimer();
      await settle();
      stopTimer();
      // Another flush may have started the save of what was waiting: this one ends after it too.
      if (waiting.size === 0 && failed.size === 0) return settle();
      const [failure] = await run();
      if (failure) throw failure.error;
    },

    async discard(id) {
      waiting.delete(id);
      failed.delete(id);
      await settle();
      // What had failed is gone with it: nothing is left to try again.
      if (failed.size === 0 && failuresInARow > 0) afterRun([]);
    },

    dispose() {
      stopTimer();
      stopRetry();
      waiting.clear();
      failed.clear();
    },
  };
}
