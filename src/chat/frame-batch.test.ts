import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextFrame, pacedFrames, textBatch, type Schedule } from './frame-batch';

/** A schedule whose turns the test runs by hand. */
function manualSchedule() {
  const queue: (() => void)[] = [];
  const schedule: Schedule = (run) => {
    queue.push(run);
    return () => queue.splice(queue.indexOf(run), 1);
  };
  return { schedule, queue, runNext: () => queue.shift()?.() };
}

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

describe('nextFrame', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs once, on the frame or on the timer for a hidden tab, whichever comes first', () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    const run = vi.fn();
    nextFrame(run);
    frames[0]?.(0);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);

    const hidden = vi.fn();
    nextFrame(hidden);
    vi.advanceTimersByTime(100);
    expect(hidden).toHaveBeenCalledTimes(1);
    frames[1]?.(0);
    expect(hidden).toHaveBeenCalledTimes(1);
  });

  it('does not run once cancelled', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    nextFrame(run)();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('pacedFrames', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs on a frame, never sooner than the interval after its last turn', () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    let time = 0;
    const schedule = pacedFrames(50, () => time);
    const run = vi.fn();

    schedule(run);
    expect(frames).toHaveLength(1);
    time = 16;
    frames[0]?.(time);
    expect(run).toHaveBeenCalledTimes(1);

    // Asked 10 ms after that turn: it waits 40 ms more before it even asks for a frame.
    time = 26;
    schedule(run);
    vi.advanceTimersByTime(39);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
    time = 70;
    frames[1]?.(time);
    expect(run).toHaveBeenCalledTimes(2);

    // Asked long after: the next frame, at once.
    time = 500;
    schedule(run);
    expect(frames).toHaveLength(3);
  });

  it('does not run once cancelled, whether waiting out the interval or for the frame', () => {
    vi.useFakeTimers();
    let time = 0;
    const schedule = pacedFrames(50, () => time);
    const run = vi.fn();
    schedule(run)();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();

    schedule(() => undefined);
    vi.advanceTimersByTime(1000);
    time = 10;
    schedule(run)();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
