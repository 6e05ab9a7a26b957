import { ANSWER_UPDATE_MS } from '../../engine/protocol';

/** Runs a callback later (or at once) and returns a function that cancels it. */
export type Schedule = (run: () => void) => () => void;

/**
 * Runs a turn at once (before returning), or, when the last turn of this schedule ran less than `intervalMs`
 * ago, once that much time has passed since it. A timer and not an animation frame: the text goes to the
 * Markdown worker before it changes the page, so a frame of its own would paint nothing (and cost the page one
 * more frame per update), and a hidden tab, which gets no frames, must still grow and save its answer. At
 * once, in the task of the worker's message, since a task of its own would cost the page one more.
 */
export function paced(
  intervalMs: number = ANSWER_UPDATE_MS,
  now: () => number = () => performance.now(),
): Schedule {
  let lastRun = Number.NEGATIVE_INFINITY;
  return (run) => {
    const turn = (): void => {
      lastRun = now();
      run();
    };
    const wait = lastRun + intervalMs - now();
    if (wait <= 0) {
      turn();
      return () => undefined;
    }
    const timer = setTimeout(turn, wait);
    return () => clearTimeout(timer);
  };
}

/** Text that arrives in pieces, applied at most once per scheduled turn. */
export interface TextBatch {
  readonly push: (text: string) => void;
  /** Applies what is waiting now (the stream ended, or was stopped). */
  readonly flush: () => void;
}

/**
 * Joins the pieces of a stream that arrive between two turns into one update: the page then lays out an
 * answer once per turn however fast tokens come, and when the main thread is slow it takes more text per
 * update instead of falling behind.
 */
export function textBatch(apply: (text: string) => void, schedule: Schedule = paced()): TextBatch {
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
      if (cancel) return;
      // A schedule may run the turn before it returns: its canceller then cancels nothing, and is not kept.
      const turn = { ran: false };
      const stop = schedule(() => {
        turn.ran = true;
        flush();
      });
      if (!turn.ran) cancel = stop;
    },
    flush,
  };
}
