import type { TextTokenizer } from './tokens';

const REPLACEMENT = '\uFFFD';

/**
 * Turns an answer's token ids into text as they arrive, without ever showing a broken character.
 *
 * A Hangul syllable is three UTF-8 bytes and may come as several byte-fallback tokens; decoding a prefix that
 * stops inside it ends in U+FFFD. The decoder holds such a tail back until the bytes are complete. The answer
 * is decoded after a few prompt ids (the anchor), so the text keeps the leading space that Llama's decoder
 * strips from the start of a sequence: the answer is exactly "the decoded text after the prompt".
 */
export class StreamDecoder {
  private readonly ids: number[] = [];
  private readonly anchorText: string;
  private emitted = '';

  constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly anchor: readonly number[],
  ) {
    this.anchorText = tokenizer.decode(anchor);
  }

  /** The text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Adds one id; returns the text that became certain with it (often empty, never a broken character). */
  push(id: number): string {
    this.ids.push(id);
    return this.advance(false);
  }

  /** Ends the answer: whatever complete text is left. Bytes that never formed a character are dropped. */
  finish(): string {
    return this.advance(true);
  }

  private advance(final: boolean): string {
    const full = this.tokenizer.decode([...this.anchor, ...this.ids]);
    let text = full.startsWith(this.anchorText) ? full.slice(this.anchorText.length) : full;
    let end = text.length;
    while (end > 0 && text[end - 1] === REPLACEMENT) end -= 1;
    // Mid-stream a trailing U+FFFD may be an unfinished character; at the end it is garbage either way.
    if (end < text.length || final) text = text.slice(0, end);
    if (!text.startsWith(this.emitted)) return '';
    const delta = text.slice(this.emitted.length);
    this.emitted = text;
    return delta;
  }
}
