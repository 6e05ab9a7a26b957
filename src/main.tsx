import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { composeApp, composeSettings } from './app/compose';
import { App } from './ui/app';
import { ChatStoreProvider } from './ui/chat-store-context';
import { I18nProvider } from './ui/i18n/i18n';
import { loadDictionary } from './ui/i18n/messages';
import { PwaProvider } from './pwa/pwa-context';
import { startPwa } from './pwa/start-pwa';
import { UpdatePrompt } from './ui/pwa/update-prompt';
import { applyTheme, SettingsProvider, ThemeController } from './ui/settings-context';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

const settings = composeSettings();
// Before the first paint, so a dark theme never flashes light.
applyTheme(settings.getState().theme);
// Before the first render: the browser's install offer can come early.
const pwa = startPwa();
// English is a chunk of its own: an English reader's first screen waits for it rather than flash Korean.
await loadDictionary(settings.getState().locale).catch(() => undefined); // Told: I18nProvider shows Korean and says why.

createRoot(root).render(
  <StrictMode>
    <SettingsProvider store={settings}>
      <ThemeController />
      <I18nProvider>
        <ChatStoreProvider store={composeApp()}>
          <PwaProvider value={pwa}>
            <App />
            <UpdatePrompt />
          </PwaProvider>
        </ChatStoreProvider>
      </I18nProvider>
    </SettingsProvider>
  </StrictMode>,
);
