import { expect } from 'vitest';
import { createChatStore, type ChatStore, type ChatStoreDependencies } from '../chat/chat-store';

/** The clock and the id counter of one browser: its tabs share them, so that no two of their values meet. */
export interface TestCounters {
  clock: number;
  ids: number;
}

/**
 * A chat store as the store tests over IndexedDB need it: saves after 20 ms, every streamed piece shown on the
 * next task instead of the next frame, a clock that moves a millisecond a call and ids named after the tab,
 * both from `counters`; then the device check and the restore of the stored conversations.
 */
export async function openStoredChat(
  name: string,
  counters: TestCounters,
  dependencies: Pick<ChatStoreDependencies, 'engine' | 'artifactsBaseUrl' | 'repository'>,
): Promise<ChatStore> {
  const store = createChatStore({
    ...dependencies,
    saveEveryMs: 20,
    now: () => (counters.clock += 1),
    newId: () => `${name}-${++counters.ids}`,
    schedule: (run) => {
      const timer = setTimeout(run, 0);
      return () => clearTimeout(timer);
    },
  });
  await store.getState().checkDevice();
  await store.getState().restore();
  return store;
}

type ChatState = ReturnType<ChatStore['getState']>;

/** Resolves once the store's state meets `predicate` (at once if it does already); fails after 5 s. */
export function waitForState(store: ChatStore, predicate: (state: ChatState) => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Timed out waiting for the store.')), 5000);
    const check = (state: ChatState): boolean => {
      if (!predicate(state)) return false;
      clearTimeout(timer);
      resolve();
      return true;
    };
    if (check(store.getState())) return;
    const unsubscribe = store.subscribe((state) => {
      if (check(state)) unsubscribe();
    });
  });
}

/** Sends `text`, waits for its answer to end and for it to be saved. */
export async function answered(store: ChatStore, text: string): Promise<void> {
  expect(store.getState().send(text)).toBe('sent');
  await waitForState(store, (state) => state.status === 'ready');
  await store.getState().flushSaves();
}
