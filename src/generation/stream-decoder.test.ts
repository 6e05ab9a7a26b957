import { describe, expect, it } from 'vitest';
import { byteTokenizer } from '../test/byte-tokenizer';
import { KULLM_TURN_HEADERS } from './kullm';
import { StreamDecoder } from './stream-decoder';

const anchor = byteTokenizer.encode('응답:');

function stream(text: string): { pieces: string[]; decoder: StreamDecoder } {
  const decoder = new StreamDecoder(byteTokenizer, anchor);
  const pieces = byteTokenizer.encode(text).map((id) => decoder.push(id));
  return { pieces, decoder };
}

describe('StreamDecoder', () => {
  it('never shows a broken character while a syllable’s bytes arrive one by one', () => {
    const { pieces, decoder } = stream(' 안녕하세요, 반가워요! 🙂');
    for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
    expect(pieces.join('') + decoder.finish()).toBe(' 안녕하세요, 반가워요! 🙂');
    // Each three-byte syllable shows up whole, on its last byte.
    expect(pieces.slice(1, 4)).toEqual(['', '', '안']);
  });

  it('keeps the answer’s leading space and never repeats the anchor (the prompt)', () => {
    const { pieces } = stream(' 네.');
    expect(pieces.join('')).toBe(' 네.');
  });

  it('drops bytes that never became a character when the answer ends', () => {
    const decoder = new StreamDecoder(byteTokenizer, anchor);
    for (const id of byteTokenizer.encode('좋아')) decoder.push(id);
    const [first] = byteTokenizer.encode('요');
    decoder.push(first ?? 0);
    expect(decoder.finish()).toBe('');
    expect(decoder.text).toBe('좋아');
  });
});

describe('StreamDecoder with the kullm turn headers', () => {
  /** Streams `text` one UTF-8 byte per token, so every header is split across many token boundaries. */
  function streamBytes(text: string) {
    const decoder = new StreamDecoder(byteTokenizer, anchor, KULLM_TURN_HEADERS);
    const shown: string[] = [];
    let stoppedAfter: number | undefined;
    const bytes = byteTokenizer.encode(text);
    bytes.forEach((id, index) => {
      const piece = decoder.push(id);
      shown.push(decoder.text);
      if (piece && stoppedAfter !== undefined) throw new Error('emitted text after the stop');
      if (decoder.stopped && stoppedAfter === undefined) stoppedAfter = index + 1;
    });
    return { decoder, shown, stoppedAfter, bytes };
  }

  it.each([
    [
      'the instruction header after a blank line',
      ' 네, 알겠습니다.\n\n### 명령어:\n다음 질문은 제가 하죠',
      ' 네, 알겠습니다.',
    ],
    ['the response header', ' 좋아요.\n\n### 응답:\n또 답합니다', ' 좋아요.'],
    ['a header with other spacing and more #', ' 끝.\n####명령어 :\n질문', ' 끝.'],
    ['a header in the middle of a line', ' 답입니다. ### 응답: 그리고', ' 답입니다.'],
    ['a line of ### and a name, without the colon', ' 답\n### 명령어\n새 질문', ' 답'],
    ['a header at the very start of the answer', '### 명령어:\n질문', ''],
  ])('stops at %s and never shows any of it', (_, text, kept) => {
    const { decoder, shown, stoppedAfter, bytes } = streamBytes(text);
    expect(decoder.stopped).toBe(true);
    expect(decoder.text).toBe(kept);
    expect(decoder.finish()).toBe('');
    for (const visible of shown) {
      expect(visible).not.toContain('#');
      expect(kept.startsWith(visible)).toBe(true);
    }
    // It stops on the byte that completes the header, not at the end of the text.
    expect(stoppedAfter).toBeLessThan(bytes.length);
  });

  it.each([
    ['a Markdown heading', ' 정리하면:\n\n### 요약\n- 하나\n- 둘'],
    ['a heading that begins like a name', ' 예시:\n### 응용 문제\n풀어 보세요'],
    ['two # only', ' 참고: ## 명령어: 는 제목이 아닙니다'],
    ['a lone #', ' C# 언어와 F#도 있습니다'],
  ])('lets %s through once it shows it is not a header', (_, text) => {
    const { decoder, shown } = streamBytes(text);
    expect(decoder.stopped).toBe(false);
    expect(decoder.text + decoder.finish()).toBe(text);
    // Held back while it might have been a header, then shown.
    expect(shown.at(-1)?.length).toBeGreaterThan(text.length / 2);
  });

  it('holds back the beginning of a header until it turns out not to be one', () => {
    const decoder = new StreamDecoder(byteTokenizer, anchor, KULLM_TURN_HEADERS);
    for (const id of byteTokenizer.encode(' 답.\n\n### 응')) decoder.push(id);
    expect(decoder.text).toBe(' 답.');
    for (const id of byteTokenizer.encode('용')) decoder.push(id);
    expect(decoder.text).toBe(' 답.\n\n### 응용');
  });

  it('drops the beginning of a header left at the end, keeps whitespace and a lone #', () => {
    const end = (text: string): string => {
      const decoder = new StreamDecoder(byteTokenizer, anchor, KULLM_TURN_HEADERS);
      for (const id of byteTokenizer.encode(text)) decoder.push(id);
      return decoder.text + decoder.finish();
    };
    expect(end(' 답.\n\n### 명')).toBe(' 답.');
    expect(end(' 답.\n\n###')).toBe(' 답.');
    expect(end(' 답.\n\n')).toBe(' 답.\n\n');
    expect(end(' C#')).toBe(' C#');
  });
});
