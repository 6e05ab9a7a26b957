import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { composeApp } from './app/compose';
import { App } from './ui/app';
import { ChatStoreProvider } from './ui/chat-store-context';
import { I18nProvider } from './ui/i18n/i18n';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <ChatStoreProvider store={composeApp()}>
        <App />
      </ChatStoreProvider>
    </I18nProvider>
  </StrictMode>,
);
