import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { EngineError, type LoadOptions } from '../../engine/chat-engine';
import { createLoadTask } from './model-load-task';
import type { ModelSlice, TabLock } from './model-state';

/**
 * A load task over a store with only the model's state, a clock the test moves, and a lock that says whether
 * it was let go. Each task run is held until the test ends it, as an engine's load is.
 */
function loadTask() {
  const store = createStore<Pick<ModelSlice, 'model'>>()(() => ({ model: { kind: 'idle' } }));
  const clock = { now: 0 };
  const lock = { released: 0 };
  const tabLock: TabLock = {
    acquire: () => Promise.resolve(true),
    release: () => void (lock.released += 1),
  };
  const task = createLoadTask({ get: store.getState, set: store.setState, now: () => clock.now, tabLock });
  /** Starts a run; `end` finishes (or fails) it, `options` is what it was given. */
  function start() {
    let options: Required<LoadOptions> | undefined;
    let end: (error?: Error) => void = () => undefined;
    const done = task.run(
      (given) =>
        new Promise<void>((resolve, reject) => {
          options = given;
          end = (error) => (error === undefined ? resolve() : reject(error));
        }),
    );
    return {
      done,
      end: (error?: Error) => end(error),
      options: () => {
        if (!options) throw new Error('the task has not started');
        return options;
      },
    };
  }
  return { store, task, clock, lock, start };
}

const download = (loadedBytes: number) => ({
  phase: 'download' as const,
  fraction: loadedBytes / 100,
  loadedBytes,
  totalBytes: 100,
  text: 'download',
});

describe('a load task', () => {
  it('shows it is loading, and resolves true when it finished, leaving the rest to the caller', async () => {
    const { store, start } = loadTask();
    const run = start();
    expect(store.getState().model).toEqual({ kind: 'loading', progress: undefined });
    run.end();
    expect(await run.done).toBe(true);
    expect(store.getState().model).toEqual({ kind: 'loading', progress: undefined });
  });

  it('shows its progress with the speed measured, keeping the window being tried', () => {
    const { store, clock, start } = loadTask();
    const run = start();
    store.setState({ model: { kind: 'loading', progress: undefined, attempt: { contextWindow: 2048 } } });
    run.options().onProgress(download(10));
    clock.now = 2000;
    run.options().onProgress(download(30));
    expect(store.getState().model).toMatchObject({
      kind: 'loading',
      progress: { loadedBytes: 30, bytesPerSecond: 10 },
      attempt: { contextWindow: 2048 },
    });
  });

  it('shows a failure with its code, and lets the lock go', async () => {
    const { store, lock, start } = loadTask();
    const run = start();
    run.end(new EngineError('network', '연결이 끊겼습니다'));
    expect(await run.done).toBe(false);
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'network' } });
    expect(lock.released).toBe(1);
  });

  it('goes idle when the engine says the load was cancelled', async () => {
    const { store, start } = loadTask();
    const run = start();
    run.end(new EngineError('load-cancelled', '취소'));
    expect(await run.done).toBe(false);
    expect(store.getState().model).toEqual({ kind: 'idle' });
  });

  it.each([
    ['finishes anyway', undefined],
    ['fails with whatever the cancel caused', new EngineError('unknown', 'Engine.unload() is called.')],
  ])('goes idle and lets the lock go when cancelled, whether the task then %s', async (_, outcome) => {
    const { store, task, lock, start } = loadTask();
    const run = start();
    task.cancel();
    expect(run.options().signal.aborted).toBe(true);
    run.end(outcome);
    expect(await run.done).toBe(false);
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(lock.released).toBe(1);
  });

  it('once abandoned, leaves the state to the caller, shows no more progress, and says when it ended', async () => {
    const { store, task, lock, start } = loadTask();
    const run = start();
    let ended = false;
    const abandoned = task.abandon().then(() => (ended = true));
    store.setState({ model: { kind: 'taken-over' } });
    run.options().onProgress(download(50));
    await Promise.resolve();
    expect(ended).toBe(false);
    run.end();
    await abandoned;
    expect(await run.done).toBe(false);
    expect(store.getState().model).toEqual({ kind: 'taken-over' });
    expect(lock.released).toBe(0);
  });

  it('has nothing to cancel or wait for when none runs', async () => {
    const { store, task } = loadTask();
    task.cancel();
    await task.abandon();
    expect(store.getState().model).toEqual({ kind: 'idle' });
  });
});
