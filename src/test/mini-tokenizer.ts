import type { Tokenizer } from '@mlc-ai/web-tokenizers';
import { loadWebTokenizersInNode } from '../../scripts/web-tokenizers-node';
import { wrapTokenizer, type HfTokenizer } from '../engine/web-llm/hf-tokenizer';
import { KULLM_INSTRUCTION_HEADER, KULLM_PREAMBLE, KULLM_RESPONSE_HEADER } from '../generation/kullm';

/** Words beyond the kullm prompt's fixed text, with merges, so tests have English and Korean whole words. */
const WORDS = '안녕하세요 한국어 hello world';

/** In rank order: BPE merges the adjacent pair that comes first here, again and again. */
const MERGES: readonly (readonly [string, string])[] = [
  ['#', '#'],
  ['##', '#'],
  ['명', '령'],
  ['명령', '어'],
  ['응', '답'],
  ['▁', '아'],
  ['▁아', '래'],
  ['▁', '명령어'],
  ['▁', '응답'],
  ['니', '다'],
  ['입', '니다'],
  ['하', '는'],
  ['▁', '작'],
  ['▁', '설'],
  ['▁', '요'],
  ['▁', '적'],
  ['▁', '완'],
  ['하', '세'],
  ['하세', '요'],
  ['안', '녕'],
  ['안녕', '하세요'],
  ['▁', '안녕하세요'],
  ['한', '국'],
  ['한국', '어'],
  ['h', 'e'],
  ['l', 'l'],
  ['he', 'll'],
  ['hell', 'o'],
  ['▁', 'hello'],
  ['w', 'o'],
  ['r', 'l'],
  ['wo', 'rl'],
  ['worl', 'd'],
  ['▁', 'world'],
];

const SPECIAL_TOKENS = ['<unk>', '<s>', '</s>'] as const;

function buildVocab(): Map<string, number> {
  const vocab = new Map<string, number>(SPECIAL_TOKENS.map((token, id) => [token, id]));
  const add = (piece: string) => {
    if (!vocab.has(piece)) vocab.set(piece, vocab.size);
  };
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
  add('▁');
  const text = KULLM_PREAMBLE + KULLM_INSTRUCTION_HEADER + KULLM_RESPONSE_HEADER + WORDS;
  for (const char of text) if (char !== ' ') add(char);
  for (const [left, right] of MERGES) {
    if (!vocab.has(left) || !vocab.has(right))
      throw new Error(`Merge "${left} ${right}" has a part not in the vocab.`);
    add(left + right);
  }
  return vocab;
}

const vocab = buildVocab();
const pieces = new Map([...vocab].map(([piece, id]) => [id, piece]));

/** The fixture's vocabulary, piece to id. */
export const MINI_VOCAB: ReadonlyMap<string, number> = vocab;

/** The id of a piece of the fixture's vocabulary, e.g. `miniTokenId('<0x0A>')` is 13. */
export function miniTokenId(piece: string): number {
  const id = vocab.get(piece);
  if (id === undefined) throw new Error(`"${piece}" is not in the mini tokenizer's vocab.`);
  return id;
}

/** The piece of an id of the fixture's vocabulary. */
export function miniTokenPiece(id: number): string {
  const piece = pieces.get(id);
  if (piece === undefined) throw new Error(`${id} is not an id of the mini tokenizer.`);
  return piece;
}

/**
 * A Llama-2-style `tokenizer.json` small enough to reason about: the structure of the real Llama-2 (and
 * kfkas/Llama-2-ko-7b-Chat) file, with `<unk>` 0, `<s>` 1, `</s>` 2, the byte tokens `<0x00>`…`<0xFF>` at
 * 3…258, `▁` at 259, then one token per character of the kullm prompt's fixed text and of a few words,
 * then the merged tokens in merge order.
 *
 * No newline token on purpose: like Llama's vocabulary, "\n" is left to byte fallback (`<0x0A>`, id 13).
 * Every word after a space in the fixed text has a `▁x` merge, so a standalone `▁` (259) in a prompt's
 * encoding comes only from the user's text or from encoding the prompt in pieces.
 *
 * `postProcessor: false` drops Llama's TemplateProcessing, to show that web-tokenizers' `encode` does not
 * run it anyway.
 */
export function miniTokenizerJson({ postProcessor = true }: { postProcessor?: boolean } = {}): string {
  const bos = { SpecialToken: { id: '<s>', type_id: 0 } };
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: postProcessor
      ? {
          type: 'TemplateProcessing',
          single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            bos,
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: '<s>', type_id: 1 } },
            { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
        }
      : null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab: Object.fromEntries(vocab),
      merges: MERGES.map(([left, right]) => `${left} ${right}`),
    },
  });
}

export { loadWebTokenizersInNode };

const toArrayBuffer = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer;

/** web-tokenizers' own tokenizer over the fixture, for tests that look below the adapter. */
export function loadMiniWebTokenizer(options: { postProcessor?: boolean } = {}): Promise<Tokenizer> {
  return loadWebTokenizersInNode().fromJSON(toArrayBuffer(miniTokenizerJson(options)));
}

/** The fixture as the generation code sees it, through the same adapter as the worker's tokenizer. */
export async function loadMiniTokenizer(): Promise<HfTokenizer> {
  return wrapTokenizer(await loadMiniWebTokenizer());
}
