import { describe, expect, it } from 'vitest';
import { RunningWork } from './running-work';

/** Work that runs until it is let go (or its signal aborts, when it listens), recording what happened. */
function held(log: string[], name: string, { listens = true } = {}) {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  const work = async (signal: AbortSignal): Promise<void> => {
    log.push(`${name} started`);
    if (listens) signal.addEventListener('abort', () => release());
    await done;
    log.push(`${name} ${signal.aborted ? 'aborted' : 'ended'}`);
  };
  return { work, release: () => release() };
}

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('RunningWork', () => {
  it('runs one generation at a time, and a new one once the last has ended', async () => {
    const running = new RunningWork();
    const log: string[] = [];
    const first = held(log, 'first');
    expect(running.startGeneration(1, first.work)).toBe(true);
    expect(running.startGeneration(2, held(log, 'second').work)).toBe(false);
    first.release();
    await turn();
    expect(running.startGeneration(3, held(log, 'third').work)).toBe(true);
    expect(log).toEqual(['first started', 'first ended', 'third started']);
  });

  it('aborts a generation only by its own request id', async () => {
    const running = new RunningWork();
    const log: string[] = [];
    running.startGeneration(1, held(log, 'answer').work);
    running.abortGeneration(2);
    await turn();
    expect(log).toEqual(['answer started']);
    running.abortGeneration(1);
    await turn();
    expect(log).toEqual(['answer started', 'answer aborted']);
  });

  it('starts a load only once the earlier ones, told to stop, have ended', async () => {
    const running = new RunningWork();
    const log: string[] = [];
    // A load from the cache runs on after its cancel: only its own end lets the next one start.
    const stubborn = held(log, 'cached load', { listens: false });
    running.startLoad(1, stubborn.work);
    running.startLoad(2, held(log, 'new load').work);
    await turn();
    expect(log).toEqual(['cached load started']);
    stubborn.release();
    await turn();
    expect(log).toEqual(['cached load started', 'cached load aborted', 'new load started']);
  });

  it('settles by stopping the generation, and the loads when asked, and waiting for their ends', async () => {
    const running = new RunningWork();
    const log: string[] = [];
    running.startGeneration(1, held(log, 'answer').work);
    running.startLoad(2, held(log, 'load').work);
    await turn();
    await running.settle({ loads: false });
    expect(log).toEqual(['answer started', 'load started', 'answer aborted']);
    await running.settle({ loads: true });
    expect(log).toEqual(['answer started', 'load started', 'answer aborted', 'load aborted']);
  });

  it('cancels a load by its request id, and forgets it once it has ended', async () => {
    const running = new RunningWork();
    const log: string[] = [];
    running.startLoad(1, held(log, 'load').work);
    await turn();
    running.cancelLoad(1);
    await turn();
    running.startLoad(2, held(log, 'next').work);
    await turn();
    expect(log).toEqual(['load started', 'load aborted', 'next started']);
  });
});
