import type { ComponentType } from 'react';
import type { SharedPageExit } from '../chat/shared-page-store';
import { App } from '../ui/app';
import { ChatStoreProvider } from '../ui/chat-store-context';
import { addKoreanAppTexts } from '../ui/i18n/messages';
import { koApp } from '../ui/i18n/messages-ko-app';
import { UpdatePrompt } from '../ui/pwa/update-prompt';
import { composeApp } from './compose';

/**
 * Wires the app itself, taking over from the page a shared link opened on when `from` says how it was left.
 * `shown`: called once the first screen is complete, which is when the device check has answered.
 */
export function composeAppPage(from: SharedPageExit | undefined, shown: () => void): ComponentType {
  addKoreanAppTexts(koApp);
  const store = composeApp(from);
  const checked = (): boolean => store.getState().preflight.kind !== 'checking';
  if (checked()) shown();
  else {
    const stop = store.subscribe(() => {
      if (!checked()) return;
      stop();
      shown();
    });
  }
  return function AppPage() {
    return (
      <ChatStoreProvider store={store}>
        <App />
        <UpdatePrompt />
      </ChatStoreProvider>
    );
  };
}
