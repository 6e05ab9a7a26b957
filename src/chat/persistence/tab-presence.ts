/**
 * Which tabs of this browser are open: an answer still pending or streaming in storage is live while the tab
 * writing it is, and interrupted once that tab is gone. Web Locks in the app (each tab holds one lock for as
 * long as it lives, and the browser lets go of it when the tab closes or crashes).
 */
export interface TabPresence {
  /** This tab's id, written into the answers it is writing. */
  readonly self: string;
  /** The ids of the tabs open now. */
  alive(): Promise<ReadonlySet<string>>;
}

/** For a store with no other tab (tests, a browser without Web Locks): every other writer is gone. */
export function aloneTab(self: string = crypto.randomUUID()): TabPresence {
  return { self, alive: () => Promise.resolve(new Set([self])) };
}
