import { answerReserve, type ContextLimits } from './context-budget';
import { formatKullmPrompt } from './kullm';

/**
 * A lower bound on the tokens `text` takes, in one pass over its UTF-16 code units: cheap enough for every
 * keystroke of a message and for a million-character paste, with no tokenizer and no layout.
 *
 * Llama-2-ko's tokenizer takes about one token per one or two Hangul syllables, so each syllable, and likewise
 * each other character outside ASCII (kana, hanja, emoji, which mostly fall back to bytes), counts as half a
 * token; digits and newlines (single digits and a byte token in Llama's vocabulary) count as half too, to be
 * safe. Other ASCII counts as an eighth: English averages about four characters a token, and no run of its
 * vocabulary is much longer. The scripted engine of the tests counts a token per code point, more than this.
 */
export function minimumTokens(text: string): number {
  let halves = 0;
  let eighths = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xdc00 && code <= 0xdfff) continue; // the second half of a pair, counted with the first
    if (code > 0x7f || code === 0x0a || (code >= 0x30 && code <= 0x39)) halves += 1;
    else eighths += 1;
  }
  return Math.ceil(halves / 2 + eighths / 8);
}

/** The tokens the prompt adds around a message of its own (the kullm preamble and headers, and BOS). */
export const PROMPT_TOKENS = minimumTokens(formatKullmPrompt([{ role: 'user', content: '' }])) + 1;

/**
 * Whether a message certainly cannot be answered: even alone (earlier turns give way first), its prompt
 * leaves no room for the answer's reserve in a `contextWindow` of tokens. `limit` is what a message may take.
 */
export function exceedsContext(
  text: string,
  limits: ContextLimits,
): { readonly exceeds: boolean; readonly tokens: number; readonly limit: number } {
  const tokens = minimumTokens(text);
  const limit = limits.contextWindow - answerReserve(limits) - PROMPT_TOKENS;
  return { exceeds: tokens > limit, tokens, limit };
}
