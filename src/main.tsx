import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { takeSharedFragment } from './app/shared-link-location';
import { createSettingsStore } from './chat/settings-store';
import type { SharedPageExit } from './chat/shared-page-store';
import { I18nProvider } from './ui/i18n/i18n';
import { loadDictionary } from './ui/i18n/messages';
import { lazyPart, PartSlot } from './ui/primitives/lazy-part';
import { PwaProvider } from './pwa/pwa-context';
import { startPwa } from './pwa/start-pwa';
import { applyTheme, SettingsProvider, ThemeController } from './ui/settings-context';
import './ui/styles.css';

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root element.');
const root = createRoot(element);

// The remembered language and theme, in localStorage: small, and needed before the first paint.
const settings = createSettingsStore(localStorage);
// Before the first paint, so a dark theme never flashes light.
applyTheme(settings.getState().theme);
// The page says when its first screen is complete (a page that never does, after FIRST_SCREEN_WAIT_MS).
const FIRST_SCREEN_WAIT_MS = 10_000;
let firstScreenShown = (): void => undefined;
const firstScreen = new Promise<void>((resolve) => {
  firstScreenShown = resolve;
  setTimeout(resolve, FIRST_SCREEN_WAIT_MS);
});
// Before the first render: the browser's install offer can come early. The service worker waits for the
// first screen.
const pwa = startPwa(firstScreen);
// English is a chunk of its own: an English reader's first screen waits for it rather than flash Korean.
await loadDictionary(settings.getState().locale).catch(() => undefined); // Told: I18nProvider shows Korean and says why.

/** Shows a page: the app, or the one a shared link opens on. Each is a chunk; one that cannot come says so. */
function show(page: () => Promise<ComponentType>): void {
  const { Part } = lazyPart(page);
  root.render(
    <StrictMode>
      <SettingsProvider store={settings}>
        <ThemeController />
        <I18nProvider>
          <PwaProvider value={pwa}>
            <PartSlot>
              <Part />
            </PartSlot>
          </PwaProvider>
        </I18nProvider>
      </SettingsProvider>
    </StrictMode>,
  );
}

const appPage = () => import('./app/app-page');

/**
 * The app, taking over from the page a shared link opened on: fetched first, so that when it cannot be (offline
 * before it was cached) that page keeps its conversation and says so.
 */
async function handOver(from: SharedPageExit): Promise<void> {
  const { composeAppPage } = await appPage();
  show(() => Promise.resolve(composeAppPage(from, firstScreenShown)));
}

// A conversation shared as a link is read once, then out of the address bar. A first visit from a messenger
// needs only to show it: the app (its store, storage and engine) comes when its reader saves or closes it.
const shared = takeSharedFragment(window);
if (shared === undefined) {
  show(() => appPage().then((module) => module.composeAppPage(undefined, firstScreenShown)));
} else {
  show(() =>
    import('./app/shared-page').then((module) =>
      module.composeSharedPage(shared, {
        leave: handOver,
        preloadApp: () => void appPage().catch(() => undefined), // Told if it is needed: Save or Close says so.
        shown: firstScreenShown,
      }),
    ),
  );
}
