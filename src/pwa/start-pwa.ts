import { registerSW } from 'virtual:pwa-register';
import { listenForInstallPrompt } from './install-prompt';
import type { Pwa } from './pwa-context';
import { createServiceWorkerUpdates, registerLater } from './service-worker-updates';

/** An installed app can stay open for days: look for a new version now and then, while online. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** How long an idle moment is waited for once the first screen has shown, at most. */
const IDLE_WAIT_MS = 3000;

/**
 * Once `firstScreen` is complete, painted (the frame after it, then a task), and the main thread is idle (at
 * most `IDLE_WAIT_MS` later).
 */
function afterFirstScreen(firstScreen: Promise<void>): (run: () => void) => void {
  const whenIdle = (run: () => void): void => {
    if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: IDLE_WAIT_MS });
    else setTimeout(run, 0);
  };
  return (run) => {
    void firstScreen.then(() => requestAnimationFrame(() => setTimeout(() => whenIdle(run), 0)));
  };
}

/**
 * Registers the app's service worker once `firstScreen` is complete (the first visit's registration fetches
 * the whole app into the cache, which must not compete with what the page shows first), and starts listening
 * for the browser's install offer now; call it once, before the first render. Under the `vite` dev server the
 * plugin's `registerSW` does nothing, so nothing is cached while developing.
 */
export function startPwa(firstScreen: Promise<void>): Pwa {
  const updates = createServiceWorkerUpdates(registerLater(registerSW, afterFirstScreen(firstScreen)), {
    reload: () => location.reload(),
    watchController: (onNewController) => {
      if (!('serviceWorker' in navigator)) return;
      // The first version claims the uncontrolled page it was installed from: that is no update.
      let controlled = navigator.serviceWorker.controller !== null;
      navigator.serviceWorker.addEventListener('controllerchange', () => {
        if (controlled) onNewController();
        controlled = true;
      });
    },
    onRegistered: (registration) => {
      setInterval(() => {
        if (navigator.onLine) registration.update().catch(() => undefined); // Checked again at the next interval.
      }, UPDATE_CHECK_MS);
    },
    onError: (error) => console.warn('No service worker: the app will not open offline.', error),
  });
  return { updates, install: listenForInstallPrompt(window) };
}
