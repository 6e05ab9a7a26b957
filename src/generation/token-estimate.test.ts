import { describe, expect, it } from 'vitest';
import { formatKullmPrompt } from './kullm';
import { exceedsContext, minimumTokens, PROMPT_TOKENS } from './token-estimate';

describe('minimumTokens', () => {
  it('counts half a token for each Hangul syllable, digit, newline or other non-ASCII character', () => {
    expect(minimumTokens('')).toBe(0);
    expect(minimumTokens('안녕하세요')).toBe(3);
    expect(minimumTokens('가나다라')).toBe(2);
    expect(minimumTokens('2024\n')).toBe(3);
    // An emoji is one character (two code units).
    expect(minimumTokens('🙂🙂')).toBe(1);
  });

  it('counts an eighth of a token for other ASCII', () => {
    expect(minimumTokens('hello world!')).toBe(2);
    expect(minimumTokens(' '.repeat(800))).toBe(100);
  });

  it('never counts more than the scripted engine, which takes a token per code point', () => {
    for (const text of ['안녕하세요, 반갑습니다.\n', 'const x = 42;', '🙂 emoji', '漢字と かな']) {
      expect(minimumTokens(text)).toBeLessThanOrEqual(Array.from(text).length);
    }
  });

  it('counts a million characters', () => {
    expect(minimumTokens('가'.repeat(1_000_000))).toBe(500_000);
  });
});

describe('exceedsContext', () => {
  it('leaves room for the prompt around the message and for the answer', () => {
    expect(PROMPT_TOKENS).toBe(minimumTokens(formatKullmPrompt([{ role: 'user', content: '' }])) + 1);
    const window = { contextWindow: 4096, maxNewTokens: 1024 };
    const limit = 4096 - 1024 - PROMPT_TOKENS;
    expect(exceedsContext('가'.repeat(limit * 2), window)).toEqual({ exceeds: false, tokens: limit, limit });
    expect(exceedsContext('가'.repeat(limit * 2 + 1), window)).toEqual({
      exceeds: true,
      tokens: limit + 1,
      limit,
    });
  });
});
