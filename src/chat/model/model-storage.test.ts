import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelSlice, StorageAccess } from './model-state';
import { askToPersist, readStorage } from './model-storage';

/** `navigator.storage`, the platform edge: each answer given, or a failure when undefined. */
function storage(answers: {
  estimate?: { quota?: number; usage?: number };
  persisted?: boolean;
  persist?: boolean | undefined;
}) {
  const calls = { persist: 0 };
  const access: StorageAccess = {
    estimate: () => (answers.estimate ? Promise.resolve(answers.estimate) : Promise.reject(new Error('no'))),
    persisted: () =>
      answers.persisted === undefined ? Promise.reject(new Error('no')) : Promise.resolve(answers.persisted),
    persist: () => {
      calls.persist += 1;
      return answers.persist === undefined
        ? Promise.reject(new Error('no'))
        : Promise.resolve(answers.persist);
    },
  };
  return { access, calls };
}

describe('what the browser says of its storage', () => {
  it('is its room, its use and whether it keeps the files', async () => {
    const { access } = storage({ estimate: { quota: 100, usage: 40 }, persisted: true });
    expect(await readStorage(access)).toEqual({ quotaBytes: 100, usageBytes: 40, persisted: true });
  });

  it('leaves out what it could not say', async () => {
    expect(await readStorage(storage({ estimate: { quota: 100 } }).access)).toEqual({ quotaBytes: 100 });
    expect(await readStorage(storage({ persisted: false }).access)).toEqual({ persisted: false });
    expect(await readStorage(undefined)).toEqual({});
  });
});

describe('asking the browser to keep the model', () => {
  const asked = (persistence: ModelSlice['persistence'] = 'unknown') =>
    createStore<Pick<ModelSlice, 'persistence'>>()(() => ({ persistence }));

  it.each([
    [true, 'granted'],
    [false, 'denied'],
    [undefined, 'unsupported'],
  ] as const)('asks once, and says what it answered (%s: %s)', async (answer, shown) => {
    const store = asked();
    const { access, calls } = storage({ persist: answer });
    await askToPersist(access, { get: store.getState, set: store.setState });
    await askToPersist(access, { get: store.getState, set: store.setState });
    expect(store.getState().persistence).toBe(shown);
    expect(calls.persist).toBe(1);
  });

  it('does not ask without storage, or when it is known already', async () => {
    const store = asked('granted');
    const { access, calls } = storage({ persist: false });
    await askToPersist(access, { get: store.getState, set: store.setState });
    await askToPersist(undefined, { get: store.getState, set: store.setState });
    expect(calls.persist).toBe(0);
    expect(store.getState().persistence).toBe('granted');
  });
});
