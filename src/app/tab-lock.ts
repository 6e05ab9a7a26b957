import type { TabLock } from '../chat/chat-store';

/**
 * One model per browser with the Web Locks API: the tab that loads the model holds a lock until it
 * unloads; another tab can steal it, and the first is told it lost the model.
 */
export function webTabLock(locks: LockManager, name = 'hangul-llama:model'): TabLock {
  let release: (() => void) | undefined;
  return {
    acquire({ steal }, onLost) {
      if (release) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const held = (lock: Lock | null): Promise<void> | undefined => {
          if (!lock) {
            resolve(false);
            return undefined;
          }
          resolve(true);
          return new Promise<void>((done) => (release = done));
        };
        const request = steal
          ? locks.request(name, { steal: true }, held)
          : locks.request(name, { ifAvailable: true }, held);
        request.catch(() => {
          // Stolen: the request rejects with AbortError while this tab still thought it held the lock.
          if (!release) return;
          release = undefined;
          onLost();
        });
      });
    },
    release() {
      release?.();
      release = undefined;
    },
  };
}
