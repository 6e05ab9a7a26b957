import { registerSW } from 'virtual:pwa-register';
import { listenForInstallPrompt } from './install-prompt';
import type { Pwa } from './pwa-context';
import { createServiceWorkerUpdates } from './service-worker-updates';

/** An installed app can stay open for days: look for a new version now and then, while online. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Registers the app's service worker and starts listening for the browser's install offer; call it once,
 * before the first render. Under the `vite` dev server the plugin's `registerSW` does nothing, so nothing
 * is cached while developing.
 */
export function startPwa(): Pwa {
  const updates = createServiceWorkerUpdates(registerSW, {
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
