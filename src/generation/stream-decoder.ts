import type { StopRule } from './kullm';
import type { TextTokenizer } from './tokens';

const REPLACEMENT = '\uFFFD';

/**
 * The text `ids` add after `anchor`: decoded together, the anchor's own text removed. Llama's decoder strips
 * one leading space at the start of a decode, and that space belongs to the text after a prompt.
 */
export function decodeAfter(
  tokenizer: TextTokenizer,
  anchor: readonly number[],
  ids: readonly number[],
  anchorText: string = tokenizer.decode(anchor),
): string {
  const full = tokenizer.decode([...anchor, ...ids]);
  return full.startsWith(anchorText) ? full.slice(anchorText.length) : full;
}

/** No stop sequence: the text streams as it comes. */
const NO_STOP: StopRule = {
  find: () => undefined,
  pending: (text) => text.length,
  dropsAtEnd: () => false,
};

/**
 * Turns an answer's token ids into text as they arrive, without ever showing a broken character or a part of
 * a stop sequence.
 *
 * A Hangul syllable is three UTF-8 bytes and may come as several byte-fallback tokens; decoding a prefix that
 * stops inside it ends in U+FFFD. The decoder holds such a tail back until the bytes are complete. The answer
 * is decoded after a few prompt ids (the anchor), so the text keeps the leading space that Llama's decoder
 * strips from the start of a sequence: the answer is exactly "the decoded text after the prompt".
 *
 * With a stop rule (the kullm turn headers), text that may be the beginning of a stop sequence is held back
 * the same way, and once a stop sequence is complete the answer ends before it: {@link stopped} turns true
 * and the sequence is never emitted, wherever the token boundaries fell inside it.
 */
export class StreamDecoder {
  private readonly ids: number[] = [];
  private readonly anchorText: string;
  private emitted = '';
  private hasStopped = false;

  constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly anchor: readonly number[],
    private readonly stop: StopRule = NO_STOP,
  ) {
    this.anchorText = tokenizer.decode(anchor);
  }

  /** The text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Whether a stop sequence completed: the answer is over, and nothing after it will be emitted. */
  get stopped(): boolean {
    return this.hasStopped;
  }

  /** Adds one id; returns the text that became certain with it (often empty, never a broken character). */
  push(id: number): string {
    if (this.hasStopped) return '';
    this.ids.push(id);
    return this.advance(false);
  }

  /**
   * Ends the answer: whatever complete text is left. Bytes that never formed a character are dropped, and so
   * is a beginning of a stop sequence the rule drops at the end.
   */
  finish(): string {
    return this.hasStopped ? '' : this.advance(true);
  }

  private advance(final: boolean): string {
    let text = decodeAfter(this.tokenizer, this.anchor, this.ids, this.anchorText);
    let end = text.length;
    // Mid-stream a trailing U+FFFD may be an unfinished character; at the end it is garbage either way.
    while (end > 0 && text[end - 1] === REPLACEMENT) end -= 1;
    text = text.slice(0, end);
    const stopAt = this.stop.find(text, this.emitted.length);
    if (stopAt !== undefined) {
      this.hasStopped = true;
      end = stopAt;
    } else {
      const held = this.stop.pending(text);
      end = final && !this.stop.dropsAtEnd(text.slice(held)) ? text.length : held;
    }
    text = text.slice(0, end);
    if (!text.startsWith(this.emitted)) return '';
    const delta = text.slice(this.emitted.length);
    this.emitted = text;
    return delta;
  }
}
