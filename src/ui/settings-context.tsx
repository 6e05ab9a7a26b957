import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SettingsState, SettingsStore, ThemeChoice } from '../chat/settings-store';

const SettingsContext = createContext<SettingsStore | undefined>(undefined);

export function SettingsProvider({ store, children }: { store: SettingsStore; children: ReactNode }) {
  return <SettingsContext.Provider value={store}>{children}</SettingsContext.Provider>;
}

export function useSettings<T>(selector: (state: SettingsState) => T): T {
  const store = useContext(SettingsContext);
  if (!store) throw new Error('useSettings needs a SettingsProvider above it.');
  return useStore(store, selector);
}

const darkQuery = '(prefers-color-scheme: dark)';

/** Puts a theme on <html>: the `dark` class for Tailwind's `dark:` styles, and the matching color-scheme. */
export function applyTheme(theme: ThemeChoice): void {
  const dark = theme === 'dark' || (theme === 'system' && window.matchMedia(darkQuery).matches);
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
}

/** Keeps the theme on <html> in step with the settings, and with the system while the choice is "system". */
export function ThemeController() {
  const theme = useSettings((state) => state.theme);
  useEffect(() => {
    const media = window.matchMedia(darkQuery);
    const apply = (): void => applyTheme(theme);
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  return null;
}
