import type { TabPresence } from '../chat/persistence/tab-presence';

const PREFIX = 'hangul-llama:tab:';

/**
 * Which tabs of this browser are open, with Web Locks: each tab holds a lock named after it for as long as it
 * lives, and the browser lets go of it when the tab closes or crashes. The lock is taken before this returns
 * its answers, so no answer of this tab is ever seen without it.
 */
export function webTabPresence(locks: LockManager, self: string = crypto.randomUUID()): TabPresence {
  const held = new Promise<void>((taken) => {
    void locks.request(`${PREFIX}${self}`, () => {
      taken();
      // Held until the page goes.
      return new Promise<never>(() => undefined);
    });
  });
  return {
    self,
    async alive() {
      await held;
      const { held: locksHeld = [] } = await locks.query();
      const tabs = new Set<string>([self]);
      for (const { name } of locksHeld) if (name?.startsWith(PREFIX)) tabs.add(name.slice(PREFIX.length));
      return tabs;
    },
  };
}
