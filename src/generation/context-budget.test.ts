import { describe, expect, it } from 'vitest';
import { fitToContext } from './context-budget';
import { formatKullmPrompt, type KullmTurn } from './kullm';

const count = (turns: readonly KullmTurn[]) => Array.from(formatKullmPrompt(turns)).length + 1;
const turns = (...contents: string[]): KullmTurn[] =>
  contents.map((content, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content }));

describe('fitToContext', () => {
  it('keeps everything that fits, with the prompt’s token count', () => {
    const all = turns('안녕', '네, 안녕하세요', '날씨는?');
    expect(fitToContext(all, count, { contextWindow: 4096, maxNewTokens: 1024 })).toEqual({
      kind: 'fits',
      turns: all,
      droppedTurns: 0,
      promptTokens: count(all),
    });
  });

  it('drops the oldest exchanges first, whole, and never the current message', () => {
    const all = turns('가'.repeat(300), '나'.repeat(300), '다'.repeat(300), '라'.repeat(300), '마지막 질문');
    const fit = fitToContext(all, count, { contextWindow: 1000, maxNewTokens: 200 });
    expect(fit).toMatchObject({ kind: 'fits', droppedTurns: 2 });
    if (fit.kind === 'fits') {
      expect(fit.turns).toEqual(all.slice(2));
      expect(fit.promptTokens + 200).toBeLessThanOrEqual(1000);
    }
  });

  it('says a single message that cannot fit is too long, with the numbers', () => {
    const fit = fitToContext(turns('이전', '답', '긴'.repeat(5000)), count, {
      contextWindow: 4096,
      maxNewTokens: 1024,
    });
    expect(fit).toMatchObject({ kind: 'too-long', limit: 3072 });
    if (fit.kind === 'too-long') expect(fit.promptTokens).toBeGreaterThan(5000);
  });

  it('counts max new tokens against the window', () => {
    const all = turns('x'.repeat(100));
    expect(fitToContext(all, count, { contextWindow: 200, maxNewTokens: 50 }).kind).toBe('too-long');
    expect(fitToContext(all, count, { contextWindow: 300, maxNewTokens: 50 }).kind).toBe('fits');
  });
});
