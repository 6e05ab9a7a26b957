import type { ChangeChannel } from '../chat/persistence/conversation-repository';
import type { ExitStorage } from '../chat/persistence/exit-writes';
import type { TabPresence } from '../chat/persistence/tab-presence';

/** The tabs of one browser, at the platform edge: one BroadcastChannel between them, and which are open. */
export function fakeBrowser() {
  const channels = new Set<{ readonly deliver: (data: unknown) => void }>();
  const open = new Set<string>();
  return {
    open,
    /** One tab's end of the channel: what it posts reaches every other tab's end, cloned. */
    channel(): ChangeChannel {
      const listeners: ((event: MessageEvent) => void)[] = [];
      const end = {
        deliver: (data: unknown) => {
          for (const listener of listeners) listener({ data } as MessageEvent);
        },
      };
      channels.add(end);
      return {
        postMessage: (message) => {
          // Delivered in a later task, as a BroadcastChannel does.
          const copy = structuredClone(message);
          for (const other of channels) if (other !== end) setTimeout(() => other.deliver(copy), 0);
        },
        addEventListener: (_type, listener) => listeners.push(listener),
        close: () => channels.delete(end),
      };
    },
    /** A tab's view of which tabs are open (Web Locks in the app); the tab counts as open until `close`d. */
    presence(self: string): TabPresence {
      open.add(self);
      return { self, alive: () => Promise.resolve(new Set(open)) };
    },
  };
}

/** A browser's `localStorage`, where closing pages write: `storage` holds what was written, by key. */
export function memoryStorage(): {
  readonly storage: Map<string, string>;
  readonly exitStorage: ExitStorage;
} {
  const storage = new Map<string, string>();
  const exitStorage: ExitStorage = {
    get length() {
      return storage.size;
    },
    key: (index) => [...storage.keys()][index] ?? null,
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => void storage.set(key, value),
    removeItem: (key) => void storage.delete(key),
  };
  return { storage, exitStorage };
}
