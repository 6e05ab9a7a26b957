// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSettingsStore } from '../../chat/settings-store';
import { createSharedPageStore, type SharedPageExit } from '../../chat/shared-page-store';
import type { AnswerState, ExchangeVersion } from '../../conversation/conversation';
import { ENGINE_ERROR_CODES } from '../../engine/error-codes';
import { listenForInstallPrompt } from '../../pwa/install-prompt';
import { PwaProvider } from '../../pwa/pwa-context';
import { conversationOf } from '../../test/conversations';
import { inProcessMarkdownClient } from '../../test/in-process-markdown';
import { I18nProvider } from '../i18n/i18n';
import { MarkdownClientProvider } from '../markdown/markdown-client-context';
import { prepareSanitizer } from '../markdown/sanitize-html';
import { SettingsProvider } from '../settings-context';
import { SharedPage } from './shared-page';

// This file never imports the test helper that adds the app's Korean texts: the page a shared link opens on
// has only the first screens' (messages-ko.ts), and must need no other.

afterEach(cleanup);

const usage = {
  promptTokens: 1,
  completionTokens: 30,
  prefillTokensPerSecond: 10,
  decodeTokensPerSecond: 5,
  timeToFirstTokenMs: 1,
  totalMs: 6000,
};

const answered = (id: string, content: string, state: AnswerState): ExchangeVersion => ({
  id,
  question: `${id} 질문`,
  askedAt: 1,
  answer: { content, createdAt: 1, ...state },
  next: undefined,
});

/** Every way an answer can end, each with what it shows under it, and Markdown of every kind. */
const everyAnswer = [
  answered(
    'complete',
    '**굵게**\n\n```python\nprint("안녕")\n```\n\n| 가 | 나 |\n| --- | --- |\n| 1 | 2 |\n\n- [x] 끝',
    { status: 'complete', truncated: true, usage, droppedTurns: 2 },
  ),
  answered('stopped', '멈춘 답', { status: 'stopped', usage, droppedTurns: 0 }),
  answered('interrupted', '끊긴 답', { status: 'stopped', usage, droppedTurns: 0, interrupted: true }),
  ...ENGINE_ERROR_CODES.map((code) =>
    answered(`failed-${code}`, '', { status: 'failed', error: { code, message: `${code} 자세히` } }),
  ),
];

function renderPage(appComes = true) {
  const exits: SharedPageExit[] = [];
  const conversation = conversationOf('theirs', everyAnswer, { title: '모든 답' });
  const store = createSharedPageStore('#share=x', {
    decode: () => Promise.resolve({ kind: 'shared', shared: { conversation, modelId: 'Llama' } }),
    leave: (exit) => {
      exits.push(exit);
      return appComes ? Promise.resolve() : Promise.reject(new Error('Failed to fetch'));
    },
  });
  const settings = createSettingsStore({
    getItem: () => JSON.stringify({ state: { locale: 'ko', theme: 'light' }, version: 1 }),
    setItem: () => undefined,
    removeItem: () => undefined,
  });
  const updates = {
    getState: () => ({ kind: 'current' }) as const,
    subscribe: () => () => undefined,
    activate: () => Promise.resolve(),
    dismiss: () => undefined,
    reload: () => undefined,
  };
  render(
    <SettingsProvider store={settings}>
      <I18nProvider>
        <PwaProvider value={{ updates, install: listenForInstallPrompt(new EventTarget()) }}>
          <MarkdownClientProvider client={inProcessMarkdownClient()}>
            <SharedPage store={store} />
          </MarkdownClientProvider>
        </PwaProvider>
      </I18nProvider>
    </SettingsProvider>,
  );
  return { exits, conversation };
}

describe('the page a shared link opens on', () => {
  it('shows every kind of answer in Korean with the first screens’ texts alone', async () => {
    await prepareSanitizer();
    const missing = vi.spyOn(console, 'error');
    renderPage();
    const view = await screen.findByRole('region', { name: /모든 답/ });
    // The Markdown view is a chunk: the answer's code block shows once it has come and rendered.
    await within(view).findByText('print', {}, { timeout: 5000 });
    expect(view.querySelector('table')).not.toBeNull();
    expect(within(view).getAllByRole('alert')).toHaveLength(ENGINE_ERROR_CODES.length);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('한글 라마');
    // A key without a Korean text shows as `[key]`: none does.
    expect(document.body.textContent).not.toMatch(/\[[a-z]+\.[\w.-]+\]/);
    expect(missing).not.toHaveBeenCalled();
  });

  it('hands over to the app when saved or closed', async () => {
    const { exits, conversation } = renderPage();
    const view = await screen.findByRole('region', { name: /모든 답/ });
    await act(async () => {
      fireEvent.click(within(view).getByRole('button', { name: '내 대화로 저장' }));
      await Promise.resolve();
    });
    expect(exits).toEqual([
      { kind: 'saved', link: { kind: 'shared', shared: { conversation, modelId: 'Llama' } } },
    ]);
    fireEvent.click(within(view).getByRole('button', { name: '닫기' }));
    expect(exits).toHaveLength(1);
  });

  it('says when the app could not be fetched, keeps the conversation, and tries again', async () => {
    const { exits } = renderPage(false);
    const view = await screen.findByRole('region', { name: /모든 답/ });
    fireEvent.click(within(view).getByRole('button', { name: '내 대화로 저장' }));
    const told = await screen.findByText(/앱을 불러오지 못했습니다/);
    const alert = told.closest<HTMLElement>('[role="alert"]');
    if (!alert) throw new Error('the failure is not an alert');
    expect(screen.getByRole('region', { name: /모든 답/ })).toBe(view);
    fireEvent.click(within(alert).getByRole('button', { name: '다시 시도' }));
    expect(exits).toHaveLength(2);
  });
});
