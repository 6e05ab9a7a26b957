// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSettingsStore, type Locale } from '../../chat/settings-store';

afterEach(() => {
  cleanup();
  vi.doUnmock('./messages-en');
  vi.resetModules();
});

/** The provider and the settings as the app has them, from modules loaded afresh (no texts loaded yet). */
async function renderIn(locale: Locale) {
  const { I18nProvider, useI18n } = await import('./i18n');
  const { SettingsProvider } = await import('../settings-context');
  const settings = createSettingsStore({
    getItem: () => JSON.stringify({ state: { locale, theme: 'light' }, version: 1 }),
    setItem: () => undefined,
    removeItem: () => undefined,
  });
  function Title() {
    return <h1>{useI18n().t('app.title')}</h1>;
  }
  render(
    <SettingsProvider store={settings}>
      <I18nProvider>
        <Title />
      </I18nProvider>
    </SettingsProvider>,
  );
  return settings;
}

describe('I18nProvider', () => {
  it('has Korean in the page, fetches English when chosen and shows it once it is here', async () => {
    const { hasDictionary } = await import('./messages');
    expect(hasDictionary('ko')).toBe(true);
    expect(hasDictionary('en')).toBe(false);
    const settings = await renderIn('ko');
    expect(screen.getByRole('heading').textContent).toBe('한글 라마');
    act(() => settings.getState().setLocale('en'));
    expect(await screen.findByText('Hangul Llama')).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('en'));
    expect(hasDictionary('en')).toBe(true);
  });

  it('stays in Korean and says so in both languages when the English texts cannot be fetched', async () => {
    vi.doMock('./messages-en', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const settings = await renderIn('en');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('영어 화면을 불러오지 못해 한국어로 보여 드립니다.');
    expect(alert.textContent).toContain('The English texts could not be loaded');
    expect(screen.getByRole('heading').textContent).toBe('한글 라마');
    await waitFor(() => expect(document.documentElement.lang).toBe('ko'));
    act(() => screen.getByRole('button', { name: '한국어로 계속 · Continue in Korean' }).click());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(settings.getState().locale).toBe('ko');
  });
});
