import type { ReactNode } from 'react';
import type { ChatStore } from '../chat/chat-store';
import { createSettingsStore, type Locale } from '../chat/settings-store';
import { ChatStoreProvider } from '../ui/chat-store-context';
import { I18nProvider } from '../ui/i18n/i18n';
import { addDictionary, addKoreanAppTexts } from '../ui/i18n/messages';
import { en } from '../ui/i18n/messages-en';
import { koApp } from '../ui/i18n/messages-ko-app';
import type { MarkdownClient } from '../ui/markdown/markdown-client';
import { MarkdownClientProvider } from '../ui/markdown/markdown-client-context';
import { SettingsProvider } from '../ui/settings-context';
import { inProcessMarkdownClient } from './in-process-markdown';

// As the app's entry does before its first render when English is chosen: the English texts are at hand.
addDictionary('en', en);
// As the app's chunk does: all the Korean texts (the page a shared link opens on has only its own).
addKoreanAppTexts(koApp);

/** One client for every render of a test file, as the app has one worker for all its views. */
const sharedMarkdown = inProcessMarkdownClient();

/**
 * The providers the app puts around its components: settings (kept in memory instead of localStorage, the
 * platform edge), translations, the Markdown worker's code run in-process, and the chat store when the
 * component reads one.
 */
export function withUi(
  children: ReactNode,
  {
    store,
    locale = 'ko',
    markdown = sharedMarkdown,
  }: { store?: ChatStore; locale?: Locale; markdown?: MarkdownClient } = {},
) {
  const settings = createSettingsStore({
    getItem: () => JSON.stringify({ state: { locale, theme: 'light' }, version: 1 }),
    setItem: () => undefined,
    removeItem: () => undefined,
  });
  return (
    <SettingsProvider store={settings}>
      <I18nProvider>
        <MarkdownClientProvider client={markdown}>
          {store ? <ChatStoreProvider store={store}>{children}</ChatStoreProvider> : children}
        </MarkdownClientProvider>
      </I18nProvider>
    </SettingsProvider>
  );
}
