import { createContext, useContext, type ReactNode } from 'react';
import type { InstallPrompt } from './install-prompt';
import type { ServiceWorkerUpdates } from './service-worker-updates';

/** The app's service worker updates and the browser's install offer, made once by `startPwa()`. */
export interface Pwa {
  readonly updates: ServiceWorkerUpdates;
  readonly install: InstallPrompt;
}

const PwaContext = createContext<Pwa | undefined>(undefined);

export function PwaProvider({ value, children }: { value: Pwa; children: ReactNode }) {
  return <PwaContext.Provider value={value}>{children}</PwaContext.Provider>;
}

export function usePwa(): Pwa {
  const pwa = useContext(PwaContext);
  if (!pwa) throw new Error('usePwa needs a PwaProvider above it.');
  return pwa;
}
