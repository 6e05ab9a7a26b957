import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { composeApp, composeSettings } from './app/compose';
import { App } from './ui/app';
import { ChatStoreProvider } from './ui/chat-store-context';
import { I18nProvider } from './ui/i18n/i18n';
import { applyTheme, SettingsProvider, ThemeController } from './ui/settings-context';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

const settings = composeSettings();
// Before the first paint, so a dark theme never flashes light.
applyTheme(settings.getState().theme);

createRoot(root).render(
  <StrictMode>
    <SettingsProvider store={settings}>
      <ThemeController />
      <I18nProvider>
        <ChatStoreProvider store={composeApp()}>
          <App />
        </ChatStoreProvider>
      </I18nProvider>
    </SettingsProvider>
  </StrictMode>,
);
