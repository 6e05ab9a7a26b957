import { describe, expect, it } from 'vitest';
import { byteTokenizer } from '../test/byte-tokenizer';
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
