import type { ComponentType } from 'react';
import type { SharedPageExit } from '../chat/shared-page-store';
import { App } from '../ui/app';
import { ChatStoreProvider } from '../ui/chat-store-context';
import { addKoreanAppTexts } from '../ui/i18n/messages';
import { koApp } from '../ui/i18n/messages-ko-app';
import { UpdatePrompt } from '../ui/pwa/update-prompt';
import { composeApp } from './compose';

/** Wires the app itself, taking over from the page a shared link opened on when `from` says how it was left. */
export function composeAppPage(from?: SharedPageExit): ComponentType {
  addKoreanAppTexts(koApp);
  const store = composeApp(from);
  return function AppPage() {
    return (
      <ChatStoreProvider store={store}>
        <App />
        <UpdatePrompt />
      </ChatStoreProvider>
    );
  };
}
