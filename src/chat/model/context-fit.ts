import { modelCatalog } from '../../engine/model-records';
import { answerReserve } from '../../generation/context-budget';
import { exceedsContext } from '../../generation/token-estimate';
import type { ModelSlice } from './model-slice';

/** Before the device check has chosen a window, the smallest the app offers is the one to respect. */
const SMALLEST_WINDOW = Math.min(...modelCatalog.contextWindows);

/** The context window a message must fit: the loaded model's, else the first the device check plans. */
export function contextWindowOf(state: Pick<ModelSlice, 'model' | 'preflight'>): number {
  if (state.model.kind === 'ready') return state.model.model.contextWindow;
  if (state.preflight.kind === 'ready') return state.preflight.plan[0];
  return SMALLEST_WINDOW;
}

/**
 * Past this many characters, a message that cannot fit is not put in a text box at all: it could never be
 * sent, and Chromium lays a text box's whole content out at once (100,000 spaced Hangul characters take
 * about a second without a Korean font, a million several minutes).
 */
export const BOX_CHARACTERS = 10_000;

export type MessageFit =
  | { readonly kind: 'fits' }
  | {
      readonly kind: 'too-long';
      /** At least this many tokens (see `minimumTokens`), where `limit` fit with the prompt and the answer. */
      readonly tokens: number;
      readonly limit: number;
      readonly contextWindow: number;
      /** The tokens kept for the answer (`answerReserve`). */
      readonly answerTokens: number;
    };

/** Whether a message can be answered at all, measured cheaply: certainly too long, or possibly fine. */
export function messageFit(text: string, contextWindow: number, maxNewTokens: number): MessageFit {
  const { exceeds, tokens, limit } = exceedsContext(text, { contextWindow, maxNewTokens });
  return exceeds
    ? {
        kind: 'too-long',
        tokens,
        limit,
        contextWindow,
        answerTokens: answerReserve({ contextWindow, maxNewTokens }),
      }
    : { kind: 'fits' };
}

/** A message no text box should hold: long, and too long to be sent anyway. */
export function tooBigForBox(text: string, contextWindow: number, maxNewTokens: number): boolean {
  return text.length > BOX_CHARACTERS && messageFit(text, contextWindow, maxNewTokens).kind === 'too-long';
}
