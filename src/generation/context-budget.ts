import type { KullmTurn } from './kullm';

export interface ContextLimits {
  readonly contextWindow: number;
  readonly maxNewTokens: number;
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
 * Keeps prompt tokens plus `maxNewTokens` within the context window by leaving out the oldest exchanges first,
 * never the current message. A current message that does not fit alone is `too-long`.
 */
export function fitToContext(
  turns: readonly KullmTurn[],
  countPromptTokens: (turns: readonly KullmTurn[]) => number,
  { contextWindow, maxNewTokens }: ContextLimits,
): ContextFit {
  const limit = contextWindow - maxNewTokens;
  for (let start = 0; start < turns.length; start += 2) {
    const kept = turns.slice(start);
    const promptTokens = countPromptTokens(kept);
    if (promptTokens <= limit) return { kind: 'fits', turns: kept, droppedTurns: start, promptTokens };
    if (kept.length === 1) return { kind: 'too-long', promptTokens, limit };
  }
  return { kind: 'too-long', promptTokens: 0, limit };
}
