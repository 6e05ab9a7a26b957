import { describe, expect, it } from 'vitest';
import type { StateStorage } from 'zustand/middleware';
import { createSettingsStore, SETTINGS_KEY } from './settings-store';

/** localStorage, the platform edge. */
function memoryStorage(initial: Record<string, string> = {}): StateStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value);
    },
    removeItem: (key) => {
      data.delete(key);
    },
  };
}

describe('settings store', () => {
  it('starts in Korean, following the system theme', () => {
    const store = createSettingsStore(memoryStorage());
    expect(store.getState()).toMatchObject({ locale: 'ko', theme: 'system' });
  });

  it('remembers the language and theme across page loads', () => {
    const storage = memoryStorage();
    const first = createSettingsStore(storage);
    first.getState().setLocale('en');
    first.getState().setTheme('dark');
    expect(JSON.parse(storage.data.get(SETTINGS_KEY) ?? '{}')).toEqual({
      state: { locale: 'en', theme: 'dark' },
      version: 1,
    });
    expect(createSettingsStore(storage).getState()).toMatchObject({ locale: 'en', theme: 'dark' });
  });

  it('ignores values it does not understand and keeps the defaults', () => {
    const storage = memoryStorage({
      [SETTINGS_KEY]: JSON.stringify({ state: { locale: 'fr', theme: 'neon' }, version: 1 }),
    });
    expect(createSettingsStore(storage).getState()).toMatchObject({ locale: 'ko', theme: 'system' });
  });

  it('drops only the value it does not understand', () => {
    const storage = memoryStorage({
      [SETTINGS_KEY]: JSON.stringify({ state: { locale: 'en', theme: 'neon' }, version: 1 }),
    });
    expect(createSettingsStore(storage).getState()).toMatchObject({ locale: 'en', theme: 'system' });
  });

  it('survives a corrupt entry', () => {
    const storage = memoryStorage({ [SETTINGS_KEY]: '{not json' });
    expect(createSettingsStore(storage).getState()).toMatchObject({ locale: 'ko' });
  });
});
