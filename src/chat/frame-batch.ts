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
