import { describe, expect, test, vi } from 'vitest';
import {
  formatKullmPrompt,
  KULLM_BLOCK_SEPARATOR,
  KULLM_HEADER_SEPARATOR,
  KULLM_INSTRUCTION_HEADER,
  KULLM_PREAMBLE,
  KULLM_RESPONSE_HEADER,
} from '../../generation/kullm';
import { BOS_ID, EOS_ID, promptTokenIds, type TextTokenizer } from '../../generation/tokens';
import {
  loadMiniTokenizer,
  loadMiniWebTokenizer,
  MINI_VOCAB,
  miniTokenId,
  miniTokenizerJson,
  miniTokenPiece,
} from '../../test/mini-tokenizer';
import { EngineError } from '../chat-engine';
import { loadHfTokenizer, wrapTokenizer, type WebTokenizer } from './hf-tokenizer';

// Node cannot import the package itself (see loadWebTokenizersInNode); this hands loadHfTokenizer the very
// same library, loaded from a `.cjs` copy.
vi.mock('@mlc-ai/web-tokenizers', async () => {
  const { loadWebTokenizersInNode } = await import('../../test/mini-tokenizer');
  return { Tokenizer: loadWebTokenizersInNode() };
});

const SPACE_PIECE = miniTokenId('▁');
const NEWLINE = miniTokenId('<0x0A>');

const ids = (...pieces: string[]): number[] => pieces.map(miniTokenId);

/**
 * The text the BPE model worked on, rebuilt from the pieces: byte tokens back to bytes. For one encoding
 * of `text` it is `▁` + `text` with every space as `▁` (Llama's normalizer).
 */
function modelText(tokenIds: readonly number[]): string {
  const bytes = tokenIds.flatMap((id) => {
    const piece = miniTokenPiece(id);
    const byte = /^<0x([0-9A-F]{2})>$/.exec(piece)?.[1];
    return byte === undefined ? [...new TextEncoder().encode(piece)] : [parseInt(byte, 16)];
  });
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const normalized = (text: string): string => '▁' + text.replaceAll(' ', '▁');

const userPrompt = (content: string): string => formatKullmPrompt([{ role: 'user', content }]);

describe('web-tokenizers over a Llama tokenizer.json', () => {
  test('encode runs no post-processor: no BOS, the same ids as with TemplateProcessing removed', async () => {
    const withTemplate = await loadMiniWebTokenizer();
    const withoutTemplate = await loadMiniWebTokenizer({ postProcessor: false });
    expect(Array.from(withTemplate.encode(''))).toEqual([]);
    for (const text of ['', '아래는', userPrompt('안녕하세요 hello'), '\n', '<s>']) {
      const encoded = Array.from(withTemplate.encode(text));
      expect(encoded).toEqual(Array.from(withoutTemplate.encode(text)));
      expect(encoded.filter((id) => id === BOS_ID)).toHaveLength(text === '<s>' ? 1 : 0);
    }
  });

  test('the adapter passes the ids through unchanged, as numbers', async () => {
    const raw = await loadMiniWebTokenizer();
    const tokenizer = wrapTokenizer(raw);
    const prompt = userPrompt('한국어 hello 😀');
    expect(tokenizer.encode(prompt)).toEqual(Array.from(raw.encode(prompt)));
    expect(Array.isArray(tokenizer.encode(prompt))).toBe(true);
  });
});

describe('the first turn fed to the model', () => {
  test('is BOS, then one encoding of the whole prompt string, as derived by hand from the fixture', async () => {
    const tokenizer = await loadMiniTokenizer();
    // "▁" + the prompt with spaces as "▁", merged by rank: "명 령" < "명령 어" < "▁ 명령어", "니 다" < "입 니다",
    // "하 세" < "하세 요" < "안 녕" < "안녕 하세요"; "\n" is not in the vocab and falls back to <0x0A>.
    const expected = [
      BOS_ID,
      ...ids('▁아래', '는', '▁작', '업', '을', '▁설', '명', '하는', '▁명령어', '입니다', '.'),
      ...ids(
        '▁요',
        '청',
        '을',
        '▁적',
        '절',
        '히',
        '▁완',
        '료',
        '하는',
        '▁응답',
        '을',
        '▁작',
        '성',
        '하세요',
        '.',
      ),
      ...ids('<0x0A>', '<0x0A>', '###', '▁명령어', ':', '<0x0A>'),
      ...ids('안녕하세요'),
      ...ids('<0x0A>', '<0x0A>', '###', '▁응답', ':'),
    ];
    expect(promptTokenIds(tokenizer, userPrompt('안녕하세요'))).toEqual(expected);
    // <s>, ▁아래, 는, ▁작 in the fixture's numbering: special tokens, 256 bytes, ▁, characters, merges.
    expect(expected.slice(0, 4)).toEqual([1, 305, 262, 311]);
    expect(NEWLINE).toBe(13);
    expect(SPACE_PIECE).toBe(259);
  });

  test('has one BOS and one leading ▁; encoding the prompt in segments adds a ▁ to each segment', async () => {
    const tokenizer = await loadMiniTokenizer();
    const user = '안녕하세요';
    const prompt = userPrompt(user);
    // How a conversation template would encode it: system text, role header, message, role header.
    const segments = [
      KULLM_PREAMBLE,
      KULLM_BLOCK_SEPARATOR + KULLM_INSTRUCTION_HEADER + KULLM_HEADER_SEPARATOR,
      user,
      KULLM_BLOCK_SEPARATOR + KULLM_RESPONSE_HEADER,
    ];
    expect(segments.join('')).toBe(prompt);

    const whole = promptTokenIds(tokenizer, prompt);
    const segmented = [BOS_ID, ...segments.flatMap((segment) => tokenizer.encode(segment))];

    expect(whole.filter((id) => id === BOS_ID)).toHaveLength(1);
    expect(modelText(whole.slice(1))).toBe(normalized(prompt));
    expect(whole).not.toContain(SPACE_PIECE);

    expect(segmented).not.toEqual(whole);
    expect(modelText(segmented.slice(1))).toBe(segments.map(normalized).join(''));
    expect(segmented.filter((id) => id === SPACE_PIECE)).toHaveLength(2);
    expect(segmented).toContain(miniTokenId('▁안녕하세요'));
  });

  test('Korean, English, emoji, newlines and ### in the content', async () => {
    const tokenizer = await loadMiniTokenizer();
    const user = '한국어 hello world 😀\n### 응답:';
    const prompt = userPrompt(user);
    const encoded = tokenizer.encode(prompt);

    expect(modelText(encoded)).toBe(normalized(prompt));
    const instruction = ids('<0x0A>', '<0x0A>', '###', '▁명령어', ':', '<0x0A>');
    const content = [
      ...ids('한국어', '▁hello', '▁world', '▁'),
      // 😀 is not in the vocab: its four UTF-8 bytes.
      ...ids('<0xF0>', '<0x9F>', '<0x98>', '<0x80>'),
      ...ids('<0x0A>', '###', '▁응답', ':'),
    ];
    const response = ids('<0x0A>', '<0x0A>', '###', '▁응답', ':');
    expect(encoded.slice(-(instruction.length + content.length + response.length))).toEqual([
      ...instruction,
      ...content,
      ...response,
    ]);
    expect(tokenizer.decode(encoded)).toBe(prompt);
  });

  test('a literal special token in the text is encoded as that token', async () => {
    const tokenizer = await loadMiniTokenizer();
    // The Rust tokenizers crate matches added tokens before normalizing, as transformers' `tokenizer(prompt)`
    // does: a user who types "</s>" puts an EOS into the prompt.
    expect(tokenizer.encode('hello</s>world')).toEqual([...ids('▁hello'), EOS_ID, ...ids('▁world')]);
  });
});

describe('decode', () => {
  test('undoes encode, leading spaces included: the normalizer adds one ▁ and the decoder strips one', async () => {
    const tokenizer = await loadMiniTokenizer();
    for (const text of [
      '',
      '아래는',
      ' 아래는',
      '  hello\n',
      'x ',
      '한국어 😀\n\n### 응답:',
      userPrompt('a b'),
    ]) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  test('of ids that continue a sequence drops the first one’s leading space, which an anchor keeps', async () => {
    const tokenizer = await loadMiniTokenizer();
    const promptIds = tokenizer.encode(userPrompt('안녕'));
    const answer = ids('▁hello', '▁world');
    expect(tokenizer.encode(userPrompt('안녕') + ' hello world')).toEqual([...promptIds, ...answer]);
    expect(tokenizer.decode(answer)).toBe('hello world');
    const anchor = promptIds.slice(-1);
    expect(tokenizer.decode([...anchor, ...answer]).slice(tokenizer.decode(anchor).length)).toBe(
      ' hello world',
    );
  });

  test('keeps special tokens as text', async () => {
    const tokenizer = await loadMiniTokenizer();
    expect(tokenizer.decode([BOS_ID, ...ids('▁아래')])).toBe('<s> 아래');
    expect(tokenizer.decode([...ids('안녕'), EOS_ID])).toBe('안녕</s>');
  });

  test('a syllable split over byte tokens: a prefix that ends inside it gives U+FFFD per byte so far', async () => {
    const tokenizer = await loadMiniTokenizer();
    expect(MINI_VOCAB.has('뷁')).toBe(false);
    const encoded = tokenizer.encode('안녕뷁');
    // 뷁 is U+BDC1, UTF-8 EB B7 81.
    expect(encoded).toEqual(ids('▁', '안녕', '<0xEB>', '<0xB7>', '<0x81>'));
    expect(encoded.map((_, index) => tokenizer.decode(encoded.slice(0, index + 1)))).toEqual([
      '',
      '안녕',
      '안녕\uFFFD',
      '안녕\uFFFD\uFFFD',
      '안녕뷁',
    ]);
    expect(tokenizer.decode(ids('<0xB7>', '<0x81>', '안녕'))).toBe('\uFFFD\uFFFD안녕');
  });
});

describe('wrapTokenizer', () => {
  const fakeWith = (raw: WebTokenizer, added: { before?: number[]; after?: number[] }): WebTokenizer => ({
    encode: (text) => Int32Array.from([...(added.before ?? []), ...raw.encode(text), ...(added.after ?? [])]),
    decode: (tokenIds) => raw.decode(tokenIds),
    getVocabSize: () => raw.getVocabSize(),
    dispose: () => undefined,
  });

  test('strips the BOS of a tokenizer that runs the post-processor, and only that one', async () => {
    const raw = await loadMiniWebTokenizer();
    const tokenizer: TextTokenizer = wrapTokenizer(fakeWith(raw, { before: [BOS_ID] }));
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.encode(userPrompt('hello'))).toEqual(Array.from(raw.encode(userPrompt('hello'))));
    expect(tokenizer.encode('<s>hello')).toEqual([BOS_ID, ...ids('▁hello')]);
  });

  test('rejects a tokenizer that adds special tokens after the text', async () => {
    const raw = await loadMiniWebTokenizer();
    expect(() => wrapTokenizer(fakeWith(raw, { after: [EOS_ID] }))).toThrow(
      expect.objectContaining({ name: 'EngineError', code: 'model-files-corrupt' }),
    );
  });
});

describe('loadHfTokenizer', () => {
  const toArrayBuffer = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer;

  test('loads a tokenizer.json', async () => {
    const tokenizer = await loadHfTokenizer(toArrayBuffer(miniTokenizerJson()));
    expect(promptTokenIds(tokenizer, '아래는')).toEqual([BOS_ID, ...ids('▁아래', '는')]);
    // Ids from elsewhere (a stored answer) are checked against it before they are decoded.
    expect(tokenizer.vocabSize).toBe(MINI_VOCAB.size);
    tokenizer.dispose();
  });

  test('fails with model-files-corrupt on a file that is not a tokenizer, and the next load still works', async () => {
    // The Rust side panics (printed to stderr) and the wasm module aborts; later loads are unaffected.
    for (const text of ['<!doctype html>', '{}']) {
      const failure = loadHfTokenizer(toArrayBuffer(text));
      await expect(failure).rejects.toBeInstanceOf(EngineError);
      await expect(failure).rejects.toMatchObject({ code: 'model-files-corrupt' });
    }
    const tokenizer = await loadHfTokenizer(toArrayBuffer(miniTokenizerJson()));
    expect(tokenizer.encode('hello world')).toEqual(ids('▁hello', '▁world'));
  });
});
