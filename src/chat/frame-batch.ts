/** Runs a callback later and returns a function that cancels it. */
export type Schedule = (run: () => void) => () => void;

/** How long a hidden tab, which gets no animation frames, waits before its answer grows anyway. */
const HIDDEN_TAB_MS = 100;

/**
 * The next animation frame, or {@link HIDDEN_TAB_MS} if no frame comes first (a hidden tab gets none, and
 * its answer must still grow and be saved).
 */
export const nextFrame: Schedule = (run) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cancel();
    run();
  };
  const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(once) : undefined;
  const timer = setTimeout(once, HIDDEN_TAB_MS);
  function cancel(): void {
    done = true;
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
  }
  return cancel;
};

/**
 * The shortest time between two updates of a streaming answer. Every update costs the page a render, a
 * layout and a paint, whatever the text it adds; at 100 tokens/s a frame would carry one or two tokens, and
 * 50 ms carries about five, while the text still moves twenty times a second.
 */
export const STREAM_INTERVAL_MS = 50;

/**
 * {@link nextFrame}, but never sooner than `intervalMs` after the last turn this schedule ran: a turn asked
 * for early waits out the rest of the interval first.
 */
export function pacedFrames(
  intervalMs: number = STREAM_INTERVAL_MS,
  now: () => number = () => performance.now(),
): Schedule {
  let lastRun = Number.NEGATIVE_INFINITY;
  return (run) => {
    let cancelFrame: (() => void) | undefined;
    const onFrame = (): void => {
      lastRun = now();
      run();
    };
    const wait = lastRun + intervalMs - now();
    const timer = wait > 0 ? setTimeout(() => (cancelFrame = nextFrame(onFrame)), wait) : undefined;
    if (timer === undefined) cancelFrame = nextFrame(onFrame);
    return () => {
      clearTimeout(timer);
      cancelFrame?.();
    };
  };
}

/** Text that arrives in pieces, applied at most once per scheduled turn. */
export interface TextBatch {
  readonly push: (text: string) => void;
  /** Applies what is waiting now (the stream ended, or was stopped). */
  readonly flush: () => void;
}

/**
 * Joins the pieces of a stream that arrive between two frames into one update: the page then lays out an
 * answer once per frame however fast tokens come, and when the main thread is slow it takes more text per
 * update instead of falling behind.
 */
export function textBatch(apply: (text: string) => void, schedule: Schedule = nextFrame): TextBatch {
  let waiting = '';
  let cancel: (() => void) | undefined;
  const flush = (): void => {
    cancel?.();
    cancel = undefined;
    if (waiting === '') return;
    const text = waiting;
    waiting = '';
    apply(text);
  };
  return {
    push(text) {
      waiting += text;
      cancel ??= schedule(flush);
    },
    flush,
  };
}
