import type { ReactNode } from 'react';
import type { ChatStore } from '../chat/chat-store';
import { createSettingsStore, type Locale } from '../chat/settings-store';
import { ChatStoreProvider } from '../ui/chat-store-context';
import { I18nProvider } from '../ui/i18n/i18n';
import { SettingsProvider } from '../ui/settings-context';

/**
 * The providers the app puts around its components: settings (kept in memory instead of localStorage, the
 * platform edge), translations, and the chat store when the component reads one.
 */
export function withUi(
  children: ReactNode,
  { store, locale = 'ko' }: { store?: ChatStore; locale?: Locale } = {},
) {
  const settings = createSettingsStore({
    getItem: () => JSON.stringify({ state: { locale, theme: 'light' }, version: 1 }),
    setItem: () => undefined,
    removeItem: () => undefined,
  });
  return (
    <SettingsProvider store={settings}>
      <I18nProvider>
        {store ? <ChatStoreProvider store={store}>{children}</ChatStoreProvider> : children}
      </I18nProvider>
    </SettingsProvider>
  );
}
