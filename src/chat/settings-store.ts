import * as v from 'valibot';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';

export const localeSchema = v.picklist(['ko', 'en']);
export const themeSchema = v.picklist(['light', 'dark', 'system']);

/**
 * The remembered settings as stored; a value this version does not understand (hand-edited, or from a newer
 * version) is dropped, so the default stands in for it and the rest is kept.
 */
export const storedSettingsSchema = v.fallback(
  v.object({
    locale: v.exactOptional(v.fallback(v.optional(localeSchema), undefined)),
    theme: v.exactOptional(v.fallback(v.optional(themeSchema), undefined)),
  }),
  {},
);

export type Locale = v.InferOutput<typeof localeSchema>;
export type ThemeChoice = v.InferOutput<typeof themeSchema>;

export interface SettingsState {
  readonly locale: Locale;
  readonly theme: ThemeChoice;
  readonly setLocale: (locale: Locale) => void;
  readonly setTheme: (theme: ThemeChoice) => void;
}

export type SettingsStore = StoreApi<SettingsState>;

export const SETTINGS_KEY = 'hangul-llama:settings';
export const SETTINGS_VERSION = 1;

/** Keeps only values this version understands: a hand-edited or foreign entry falls back to the defaults. */
function sanitize(value: unknown): Partial<Pick<SettingsState, 'locale' | 'theme'>> {
  const { locale, theme } = v.parse(storedSettingsSchema, value);
  return { ...(locale === undefined ? {} : { locale }), ...(theme === undefined ? {} : { theme }) };
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
