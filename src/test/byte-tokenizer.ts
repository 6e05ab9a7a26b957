import type { TextTokenizer } from '../generation/tokens';

/**
 * A tokenizer where every UTF-8 byte is its own token (id = byte + 3, after <unk>, <s>, </s>), decoded the
 * way a byte-fallback decoder does: a prefix that stops inside a character ends in U+FFFD. Enough to test
 * streaming and sessions without a model's vocabulary.
 */
export const byteTokenizer: TextTokenizer = {
  encode: (text) => Array.from(new TextEncoder().encode(text), (byte) => byte + 3),
  decode: (ids) => new TextDecoder().decode(new Uint8Array(ids.filter((id) => id >= 3).map((id) => id - 3))),
  vocabSize: 3 + 256,
};
