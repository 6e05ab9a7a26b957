import { describe, expect, it } from 'vitest';
import { createThrottledSaver, type SaverClock } from './throttled-saver';

interface Draft {
  readonly id: string;
  readonly text: string;
}

/** A clock whose time moves only when the test says so. */
function fakeClock(): SaverClock & { advance(ms: number): Promise<void>; timers(): number } {
  let time = 0;
  let timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => time,
    startTimer(callback, ms) {
      const timer = { at: time + ms, callback };
      timers.push(timer);
      return () => (timers = timers.filter((other) => other !== timer));
    },
    async advance(ms) {
      const end = time + ms;
      for (;;) {
        const [due] = timers.filter(({ at }) => at <= end).sort((a, b) => a.at - b.at);
        if (!due) break;
        timers = timers.filter((other) => other !== due);
        time = due.at;
        due.callback();
        await settle();
      }
      time = end;
      await settle();
    },
    timers: () => timers.length,
  };
}

/** Lets settled saves run their continuations; no real time passes. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
}

/** A save that records what it was given, and that the test finishes (or fails) when it wants to. */
function recordingSave(clock: SaverClock) {
  const saves: { at: number; value: Draft; finish: () => void; fail: (error: Error) => void }[] = [];
  let manual = false;
  const save = (value: Draft) =>
    new Promise<void>((resolve, reject) => {
      saves.push({ at: clock.now(), value, finish: resolve, fail: reject });
      if (!manual) resolve();
    });
  return {
    save,
    saves,
    saved: () => saves.map(({ at, value }) => [at, value.text]),
    holdSaves: () => (manual = true),
  };
}

function setup(intervalMs?: number) {
  const clock = fakeClock();
  const recorder = recordingSave(clock);
  const errors: [unknown, Draft][] = [];
  const saver = createThrottledSaver<Draft>({
    save: recorder.save,
    clock,
    ...(intervalMs === undefined ? {} : { intervalMs }),
    onError: (error, value) => errors.push([error, value]),
  });
  return { clock, saver, errors, ...recorder };
}

describe('the throttled saver', () => {
  it('saves the first change at once and then the latest at most every 500 ms', async () => {
    const { clock, saver, saved } = setup();
    saver.schedule({ id: 'c', text: '안' });
    await settle();
    expect(saved()).toEqual([[0, '안']]);

    for (const text of ['안녕', '안녕하', '안녕하세', '안녕하세요', '안녕하세요.']) {
      await clock.advance(120);
      saver.schedule({ id: 'c', text });
    }
    await clock.advance(1000);
    expect(saved()).toEqual([
      [0, '안'],
      [500, '안녕하세요'],
      [1000, '안녕하세요.'],
    ]);
  });

  it('does nothing while nothing changes, and saves at once after a quiet while', async () => {
    const { clock, saver, saved } = setup();
    saver.schedule({ id: 'c', text: '하나' });
    await clock.advance(5000);
    expect(clock.timers()).toBe(0);
    saver.schedule({ id: 'c', text: '둘' });
    await settle();
    expect(saved()).toEqual([
      [0, '하나'],
      [5000, '둘'],
    ]);
  });

  it('takes its interval from the caller', async () => {
    const { clock, saver, saved } = setup(200);
    saver.schedule({ id: 'c', text: 'a' });
    await clock.advance(50);
    saver.schedule({ id: 'c', text: 'b' });
    await clock.advance(500);
    expect(saved()).toEqual([
      [0, 'a'],
      [200, 'b'],
    ]);
  });

  it('saves what waits at once on flush, and not again when the interval ends', async () => {
    const { clock, saver, saved } = setup();
    saver.schedule({ id: 'c', text: '첫' });
    await clock.advance(100);
    saver.schedule({ id: 'c', text: '끝' });
    await saver.flush();
    expect(saved()).toEqual([
      [0, '첫'],
      [100, '끝'],
    ]);
    await clock.advance(1000);
    expect(saved()).toHaveLength(2);
    await saver.flush();
    expect(saved()).toHaveLength(2);
  });

  it('never runs two saves at once, and saves the latest when a slow one ends', async () => {
    const { clock, saver, saved, saves, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'c', text: '1' });
    await clock.advance(300);
    saver.schedule({ id: 'c', text: '2' });
    await clock.advance(400);
    saver.schedule({ id: 'c', text: '3' });
    await clock.advance(300);
    expect(saved()).toEqual([[0, '1']]);

    saves[0]?.finish();
    await settle();
    expect(saved()).toEqual([
      [0, '1'],
      [1000, '3'],
    ]);
  });

  it('waits for a save under way before flushing', async () => {
    const { clock, saver, saved, saves, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'c', text: '1' });
    await clock.advance(100);
    saver.schedule({ id: 'c', text: '2' });
    let flushed = false;
    const flushing = saver.flush().then(() => (flushed = true));
    await settle();
    expect(saved()).toEqual([[0, '1']]);
    saves[0]?.finish();
    await settle();
    expect(saved()).toEqual([
      [0, '1'],
      [100, '2'],
    ]);
    expect(flushed).toBe(false);
    saves[1]?.finish();
    await flushing;
  });

  it('keeps the latest of each conversation', async () => {
    const { clock, saver, saved } = setup();
    saver.schedule({ id: 'a', text: 'a1' });
    saver.schedule({ id: 'b', text: 'b1' });
    saver.schedule({ id: 'a', text: 'a2' });
    await clock.advance(500);
    expect(saved()).toEqual([
      [0, 'a1'],
      [500, 'b1'],
      [500, 'a2'],
    ]);
  });

  it('reports a failed save, and retries it with the next save or on its own, less and less often', async () => {
    const { clock, saver, saved, saves, errors, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'a', text: 'a1' });
    const full = new Error('QuotaExceededError');
    saves[0]?.fail(full);
    await settle();
    expect(errors).toEqual([[full, { id: 'a', text: 'a1' }]]);

    // On its own after 1 s, then 2 s, then 4 s…
    await clock.advance(999);
    expect(saved()).toEqual([[0, 'a1']]);
    await clock.advance(1);
    expect(saved()).toEqual([
      [0, 'a1'],
      [1000, 'a1'],
    ]);
    saves[1]?.fail(full);
    await settle();
    await clock.advance(2000);
    expect(saved().map(([at]) => at)).toEqual([0, 1000, 3000]);
    saves[2]?.fail(full);
    await settle();
    await clock.advance(3999);
    expect(saved()).toHaveLength(3);
    expect(errors).toHaveLength(3);

    // …and at once with the next save of anything.
    saver.schedule({ id: 'b', text: 'b1' });
    await settle();
    expect(saved().slice(3)).toEqual([
      [6999, 'a1'],
      [6999, 'b1'],
    ]);
  });

  it('waits at most the last delay between tries, and says when everything failed is saved', async () => {
    const clock = fakeClock();
    const recorder = recordingSave(clock);
    let recovered = 0;
    const saver = createThrottledSaver<Draft>({
      save: recorder.save,
      clock,
      retryDelaysMs: [100, 300],
      onError: () => undefined,
      onRecovered: () => (recovered += 1),
    });
    recorder.holdSaves();
    saver.schedule({ id: 'a', text: 'a1' });
    for (let attempt = 0; attempt < 4; attempt += 1) {
      recorder.saves[attempt]?.fail(new Error('full'));
      await settle();
      await clock.advance(attempt === 0 ? 100 : 300);
    }
    expect(recorder.saved().map(([at]) => at)).toEqual([0, 100, 400, 700, 1000]);
    expect(recovered).toBe(0);

    recorder.saves[4]?.finish();
    await settle();
    expect(recovered).toBe(1);
    await clock.advance(10_000);
    expect(recorder.saves).toHaveLength(5);
    expect(clock.timers()).toBe(0);
  });

  it('says it recovered when saves failed only while a newer value waited (an answer streaming)', async () => {
    const clock = fakeClock();
    const recorder = recordingSave(clock);
    let recovered = 0;
    const errors: unknown[] = [];
    const saver = createThrottledSaver<Draft>({
      save: recorder.save,
      clock,
      onError: (error) => errors.push(error),
      onRecovered: () => (recovered += 1),
    });
    recorder.holdSaves();
    saver.schedule({ id: 'a', text: 'a1' });
    // Each save fails while the next text of the answer has come: the failed value is not kept (the newer
    // one will be saved), but the failure was told.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      saver.schedule({ id: 'a', text: `a${attempt + 2}` });
      recorder.saves[attempt]?.fail(new Error('full'));
      await settle();
      await clock.advance(500);
    }
    expect(errors).toHaveLength(3);
    expect(recovered).toBe(0);
    // Space frees: the newest text is saved, and what was told is taken back.
    recorder.saves[3]?.finish();
    await settle();
    expect(recorder.saved().map(([, text]) => text)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(recovered).toBe(1);
  });

  it('counts a failed conversation that was discarded as no longer waiting', async () => {
    const clock = fakeClock();
    const recorder = recordingSave(clock);
    let recovered = 0;
    const saver = createThrottledSaver<Draft>({
      save: recorder.save,
      clock,
      onError: () => undefined,
      onRecovered: () => (recovered += 1),
    });
    recorder.holdSaves();
    saver.schedule({ id: 'a', text: 'a1' });
    recorder.saves[0]?.fail(new Error('full'));
    await settle();
    await saver.discard('a');
    expect(recovered).toBe(1);
    await clock.advance(60_000);
    expect(recorder.saves).toHaveLength(1);
  });

  it('rejects a flush whose save fails, keeping the value for the next one', async () => {
    const { saver, saved, saves, errors, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'a', text: '첫' });
    saves[0]?.finish();
    await settle();
    saver.schedule({ id: 'a', text: '끝' });
    const flushing = saver.flush();
    await settle();
    const full = new Error('full');
    saves[1]?.fail(full);
    await expect(flushing).rejects.toBe(full);
    expect(errors).toEqual([[full, { id: 'a', text: '끝' }]]);

    const again = saver.flush();
    await settle();
    saves[2]?.finish();
    await again;
    expect(saved().map(([, text]) => text)).toEqual(['첫', '끝', '끝']);
  });

  it('forgets a discarded conversation, after its save under way', async () => {
    const { clock, saver, saved, saves, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'gone', text: '1' });
    saver.schedule({ id: 'gone', text: '2' });
    let discarded = false;
    const discarding = saver.discard('gone').then(() => (discarded = true));
    await settle();
    expect(discarded).toBe(false);
    saves[0]?.finish();
    await discarding;
    await clock.advance(1000);
    expect(saved()).toEqual([[0, '1']]);
  });

  it('stops its timer when disposed', async () => {
    const { clock, saver, saved } = setup();
    saver.schedule({ id: 'c', text: '1' });
    await settle();
    saver.schedule({ id: 'c', text: '2' });
    expect(clock.timers()).toBe(1);
    saver.dispose();
    expect(clock.timers()).toBe(0);
    await clock.advance(1000);
    expect(saved()).toEqual([[0, '1']]);
  });

  it('ends every one of two flushes only once what was waiting is written', async () => {
    const { saver, saves, holdSaves } = setup();
    holdSaves();
    saver.schedule({ id: 'c', text: '첫 저장' });
    await settle();
    saver.schedule({ id: 'c', text: '마지막' });
    let firstDone = false;
    let secondDone = false;
    void saver.flush().then(() => (firstDone = true));
    void saver.flush().then(() => (secondDone = true));
    saves[0]?.finish();
    await settle();
    expect(saves.map(({ value }) => value.text)).toEqual(['첫 저장', '마지막']);
    expect([firstDone, secondDone]).toEqual([false, false]);
    saves[1]?.finish();
    await settle();
    expect([firstDone, secondDone]).toEqual([true, true]);
  });
});
