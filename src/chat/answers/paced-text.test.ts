import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualSchedule } from '../../test/manual-schedule';
import { paced, textBatch } from './paced-text';

describe('textBatch', () => {
  it('applies the pieces that arrive before a turn as one text', () => {
    const { schedule, queue, runNext } = manualSchedule();
    const applied: string[] = [];
    const batch = textBatch((text) => applied.push(text), schedule);
    batch.push('안');
    batch.push('녕');
    batch.push('하세요');
    expect(applied).toEqual([]);
    expect(queue).toHaveLength(1);
    runNext();
    batch.push('.');
    runNext();
    expect(applied).toEqual(['안녕하세요', '.']);
  });

  it('applies at once with a schedule that runs at once, and asks again for the next piece', () => {
    const applied: string[] = [];
    let turns = 0;
    const batch = textBatch(
      (text) => applied.push(text),
      (run) => {
        turns += 1;
        run();
        return () => undefined;
      },
    );
    batch.push('안');
    batch.push('녕');
    expect(applied).toEqual(['안', '녕']);
    expect(turns).toBe(2);
  });

  it('flushes what waits at once and cancels its turn', () => {
    const { schedule, queue } = manualSchedule();
    const applied: string[] = [];
    const batch = textBatch((text) => applied.push(text), schedule);
    batch.push('끝');
    batch.flush();
    expect(applied).toEqual(['끝']);
    expect(queue).toHaveLength(0);
    batch.flush();
    expect(applied).toEqual(['끝']);
  });
});

describe('paced', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at once, but never sooner than the interval after its last turn', () => {
    vi.useFakeTimers();
    let time = 0;
    const schedule = paced(100, () => time);
    const run = vi.fn();

    schedule(run);
    expect(run).toHaveBeenCalledTimes(1);

    // Asked 10 ms after that turn: it waits the 90 ms left.
    time = 10;
    schedule(run);
    vi.advanceTimersByTime(89);
    expect(run).toHaveBeenCalledTimes(1);
    time = 100;
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);

    // Asked long after: at once.
    time = 500;
    schedule(run);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('does not run once cancelled while it waits out the interval', () => {
    vi.useFakeTimers();
    let time = 0;
    const schedule = paced(100, () => time);
    const run = vi.fn();
    schedule(() => undefined);
    time = 10;
    schedule(run)();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
