import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';

export type Locale = 'ko' | 'en';
export type ThemeChoice = 'light' | 'dark' | 'system';

export interface SettingsState {
  readonly locale: Locale;
  readonly theme: ThemeChoice;
  readonly setLocale: (locale: Locale) => void;
  readonly setTheme: (theme: ThemeChoice) => void;
}

export type SettingsStore = StoreApi<SettingsState>;

export const SETTINGS_KEY = 'hangul-llama:settings';
const SETTINGS_VERSION = 1;

const locales: readonly Locale[] = ['ko', 'en'];
const themes: readonly ThemeChoice[] = ['light', 'dark', 'system'];

/** Keeps only values this version understands: a hand-edited or foreign entry falls back to the defaults. */
function sanitize(value: unknown): Partial<Pick<SettingsState, 'locale' | 'theme'>> {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    ...(locales.includes(raw['locale'] as Locale) ? { locale: raw['locale'] as Locale } : {}),
    ...(themes.includes(raw['theme'] as ThemeChoice) ? { theme: raw['theme'] as ThemeChoice } : {}),
  };
}

/**
 * The user's app settings (language, theme), remembered in the browser. Korean first; the theme follows the
 * system until chosen. Versioned from the start so a later format migrates instead of being lost.
 */
export function createSettingsStore(storage: StateStorage): SettingsStore {
  return createStore<SettingsState>()(
    persist(
      (set) => ({
        locale: 'ko',
        theme: 'system',
        setLocale: (locale) => set({ locale }),
        setTheme: (theme) => set({ theme }),
      }),
      {
        name: SETTINGS_KEY,
        version: SETTINGS_VERSION,
        storage: createJSONStorage(() => storage),
        partialize: ({ locale, theme }) => ({ locale, theme }),
        migrate: (persisted) => sanitize(persisted),
        merge: (persisted, current) => ({ ...current, ...sanitize(persisted) }),
      },
    ),
  );
}
