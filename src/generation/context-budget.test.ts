import { describe, expect, it } from 'vitest';
import { answerReserve, fitExchanges, fitToContext, lowWaterMark } from './context-budget';
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

describe('answerReserve', () => {
  it('keeps the answer’s length limit free, but never more than half the window', () => {
    expect(answerReserve({ contextWindow: 4096, maxNewTokens: 1024 })).toBe(1024);
    expect(answerReserve({ contextWindow: 2048, maxNewTokens: 1024 })).toBe(1024);
    expect(answerReserve({ contextWindow: 1024, maxNewTokens: 1024 })).toBe(512);
    expect(answerReserve({ contextWindow: 1024, maxNewTokens: 300 })).toBe(300);
    const all = turns('x'.repeat(400));
    // With the model card's 1,024-token answers, a 1,024-token window still takes a question.
    expect(fitToContext(all, count, { contextWindow: 1024, maxNewTokens: 1024 }).kind).toBe('fits');
  });
});

describe('fitExchanges', () => {
  /** Exchange sizes: each costs its own tokens, plus 40 when it opens the prompt (BOS and the preamble). */
  const sizes = [300, 500, 200, 100, 50];
  const tokens = (exchange: number, opens: boolean) => (sizes[exchange] ?? 0) + (opens ? 40 : 0);
  const asTurns = sizes.flatMap((_, exchange) =>
    exchange < sizes.length - 1 ? ['q', String(exchange)] : ['q'],
  );
  const countTurns = (kept: readonly KullmTurn[]) => {
    const first = sizes.length - (kept.length + 1) / 2;
    return sizes.slice(first).reduce((sum, size, index) => sum + size + (index === 0 ? 40 : 0), 0);
  };

  it.each([2000, 1190, 1189, 800, 400, 390, 300])(
    'keeps what fitToContext keeps, within %i tokens',
    (window) => {
      const limits = { contextWindow: window, maxNewTokens: 100 };
      const byTurns = fitToContext(turns(...asTurns), countTurns, limits);
      const byExchanges = fitExchanges(sizes.length, tokens, limits);
      expect(byExchanges).toEqual(
        byTurns.kind === 'fits'
          ? { kind: 'fits', first: byTurns.droppedTurns / 2, promptTokens: byTurns.promptTokens }
          : byTurns,
      );
    },
  );

  it('counts only the exchanges that might fit, newest first', () => {
    const asked: number[] = [];
    const fit = fitExchanges(
      1000,
      (exchange, opens) => {
        asked.push(exchange);
        return opens ? 150 : 100;
      },
      { contextWindow: 1500, maxNewTokens: 500 },
    );
    expect(fit).toEqual({ kind: 'fits', first: 991, promptTokens: 950 });
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(989);
  });

  describe('continuing from the exchange kept last time', () => {
    /** Every exchange takes 100 tokens, 40 more when it opens the prompt. */
    const even = (_exchange: number, opens: boolean) => 100 + (opens ? 40 : 0);
    /** A prompt may take 900 tokens; 450 is the low-water mark. */
    const limits = { contextWindow: 1000, maxNewTokens: 100 };

    it('puts the low-water mark at half of what the prompt may take', () => {
      expect(lowWaterMark(limits)).toBe(450);
      expect(lowWaterMark({ contextWindow: 4096, maxNewTokens: 1024 })).toBe(1536);
      expect(lowWaterMark({ contextWindow: 1024, maxNewTokens: 1024 })).toBe(256);
    });

    it('keeps that exchange first while the prompt from it fits, though older ones would fit too', () => {
      expect(fitExchanges(5, even, limits)).toEqual({ kind: 'fits', first: 0, promptTokens: 540 });
      expect(fitExchanges(5, even, limits, 2)).toEqual({ kind: 'fits', first: 2, promptTokens: 340 });
      expect(fitExchanges(9, even, limits, 2)).toEqual({ kind: 'fits', first: 2, promptTokens: 740 });
    });

    it('once the prompt from it does not fit, leaves out the oldest exchanges down to the low-water mark', () => {
      expect(fitExchanges(10, even, limits)).toEqual({ kind: 'fits', first: 2, promptTokens: 840 });
      expect(fitExchanges(10, even, limits, 0)).toEqual({ kind: 'fits', first: 6, promptTokens: 440 });
      expect(fitExchanges(12, even, limits, 3)).toEqual({ kind: 'fits', first: 8, promptTokens: 440 });
    });

    it('over a long conversation, never exceeds the limit and moves the first exchange only when it must', () => {
      const varied = (exchange: number, opens: boolean) => 50 + ((exchange * 37) % 120) + (opens ? 40 : 0);
      const promptFrom = (first: number, exchanges: number) =>
        varied(first, true) +
        Array.from({ length: exchanges - first - 1 }, (_, index) => varied(first + 1 + index, false)).reduce(
          (sum, size) => sum + size,
          0,
        );
      let kept = 0;
      let moves = 0;
      for (let exchanges = 1; exchanges <= 80; exchanges += 1) {
        const fit = fitExchanges(exchanges, varied, limits, kept);
        if (fit.kind !== 'fits') throw new Error(`exchange ${exchanges} does not fit`);
        expect(fit.promptTokens).toBe(promptFrom(fit.first, exchanges));
        expect(fit.promptTokens).toBeLessThanOrEqual(900);
        if (fit.first !== kept) {
          moves += 1;
          expect(promptFrom(kept, exchanges)).toBeGreaterThan(900);
          expect(fit.promptTokens).toBeLessThanOrEqual(450);
          // The exchange now first is the oldest under the mark: one more would take the prompt over it.
          expect(promptFrom(fit.first - 1, exchanges)).toBeGreaterThan(450);
        }
        kept = fit.first;
      }
      expect(moves).toBeGreaterThan(5);
    });

    it('keeps a current message that takes more than the low-water mark alone, and one too long is too long', () => {
      const sized = (sizes: number[]) => (exchange: number, opens: boolean) =>
        (sizes[exchange] ?? 0) + (opens ? 40 : 0);
      expect(fitExchanges(3, sized([300, 300, 500]), limits)).toEqual({
        kind: 'fits',
        first: 1,
        promptTokens: 840,
      });
      expect(fitExchanges(3, sized([300, 300, 500]), limits, 0)).toEqual({
        kind: 'fits',
        first: 2,
        promptTokens: 540,
      });
      expect(fitExchanges(3, sized([300, 300, 900]), limits, 0)).toEqual({
        kind: 'too-long',
        promptTokens: 940,
        limit: 900,
      });
    });

    it('counts only the exchanges that might fit, and stops at the kept exchange when the prompt from it fits', () => {
      const asked: number[] = [];
      const counted = (exchange: number, opens: boolean) => {
        asked.push(exchange);
        return opens ? 150 : 100;
      };
      const window = { contextWindow: 1500, maxNewTokens: 500 };
      expect(fitExchanges(1000, counted, window, 0)).toEqual({ kind: 'fits', first: 996, promptTokens: 450 });
      expect(Math.min(...asked)).toBeGreaterThanOrEqual(989);
      asked.length = 0;
      expect(fitExchanges(1000, counted, window, 995)).toEqual({
        kind: 'fits',
        first: 995,
        promptTokens: 550,
      });
      expect(Math.min(...asked)).toBe(995);
    });
  });
});
