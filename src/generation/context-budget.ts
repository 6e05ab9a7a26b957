import type { KullmTurn } from './kullm';

export interface ContextLimits {
  readonly contextWindow: number;
  readonly maxNewTokens: number;
}

/**
 * Tokens kept free for the answer: its length limit, but never more than half the window, so that a small
 * window (1,024 tokens, with the model card's answers of up to 1,024) still holds a question. An answer may
 * then run on until the window is full.
 */
export function answerReserve({ contextWindow, maxNewTokens }: ContextLimits): number {
  return Math.min(maxNewTokens, Math.floor(contextWindow / 2));
}

export type ContextFit =
  | {
      readonly kind: 'fits';
      readonly turns: readonly KullmTurn[];
      /** How many earlier turns (user and assistant) were left out to make room. */
      readonly droppedTurns: number;
      readonly promptTokens: number;
    }
  | { readonly kind: 'too-long'; readonly promptTokens: number; readonly limit: number };

/**
 * Keeps prompt tokens plus the answer's reserve ({@link answerReserve}) within the context window by leaving
 * out the oldest exchanges first, never the current message. A current message that does not fit alone is
 * `too-long`.
 */
export function fitToContext(
  turns: readonly KullmTurn[],
  countPromptTokens: (turns: readonly KullmTurn[]) => number,
  limits: ContextLimits,
): ContextFit {
  const limit = limits.contextWindow - answerReserve(limits);
  for (let start = 0; start < turns.length; start += 2) {
    const kept = turns.slice(start);
    const promptTokens = countPromptTokens(kept);
    if (promptTokens <= limit) return { kind: 'fits', turns: kept, droppedTurns: start, promptTokens };
    if (kept.length === 1) return { kind: 'too-long', promptTokens, limit };
  }
  return { kind: 'too-long', promptTokens: 0, limit };
}

export type ExchangeFit =
  | {
      readonly kind: 'fits';
      /** The oldest exchange kept: the exchanges before it (two turns each) are left out. */
      readonly first: number;
      readonly promptTokens: number;
    }
  | { readonly kind: 'too-long'; readonly promptTokens: number; readonly limit: number };

/**
 * Where a prompt that must leave out exchanges comes down to: half the tokens a prompt may take (the window
 * less the answer's reserve). The KV cache can only grow or be emptied, so each time the first exchange
 * kept moves, the whole prompt is read again. Coming down to the mark, that read is at most the mark, and the
 * next one waits until the conversation has grown by more than the rest of the limit: at half, what is read
 * again comes to at most one token per token the conversation gains, while answers still see between half
 * and all of the limit (three quarters on average). A mark at a third would read at most half a token again
 * per token gained, but answers would see two thirds of the limit on average; one at three quarters would
 * read up to three.
 */
export function lowWaterMark(limits: ContextLimits): number {
  return Math.floor((limits.contextWindow - answerReserve(limits)) / 2);
}

/**
 * {@link fitToContext} for a prompt made of one piece of ids per exchange, counted piece by piece:
 * `tokens(i, opens)` is exchange `i`'s question and answer (the last exchange, the current message, has
 * only its question) when it opens the prompt (`opens`, with BOS and the preamble) or follows an earlier one.
 * Keeps the oldest exchange it can, as `fitToContext` does (unless given `keptFrom`), but looks only at the
 * exchanges that might fit: from the newest back, until those after one alone exceed the window. So a long
 * conversation costs what the window holds, not the whole history once per exchange left out.
 *
 * `keptFrom`, when given, is the first exchange of the prompt this conversation was last fed as (0 if it was
 * fed whole, or is to be read as if it had been). That exchange stays first while the prompt from it fits,
 * so the prompt goes on continuing the KV cache; once it does not, the oldest exchanges are left out down to
 * the {@link lowWaterMark} (or down to the current message alone, if it takes more), so that the next turns
 * continue the cache again. A `keptFrom` that is not an exchange of this conversation counts as not fitting.
 */
export function fitExchanges(
  exchanges: number,
  tokens: (exchange: number, opens: boolean) => number,
  limits: ContextLimits,
  keptFrom?: number,
): ExchangeFit {
  const limit = limits.contextWindow - answerReserve(limits);
  const lowWater = lowWaterMark(limits);
  const last = exchanges - 1;
  let oldest: ExchangeFit = { kind: 'too-long', promptTokens: 0, limit };
  let belowLowWater: ExchangeFit | undefined;
  let following = 0;
  for (let first = last; first >= 0 && following <= limit; first -= 1) {
    const promptTokens = tokens(first, true) + following;
    if (promptTokens <= limit) {
      oldest = { kind: 'fits', first, promptTokens };
      if (first === keptFrom) return oldest;
      if (promptTokens <= lowWater || first === last) belowLowWater = oldest;
    } else if (first === last) return { kind: 'too-long', promptTokens, limit };
    following += tokens(first, false);
  }
  return keptFrom === undefined ? oldest : (belowLowWater ?? oldest);
}
