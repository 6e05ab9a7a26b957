// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import type { ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { en } from '../i18n/messages-en';
import { ko } from '../i18n/messages-ko';
import { koApp } from '../i18n/messages-ko-app';
import { withUi } from '../../test/with-ui';
import { minimumTokens, PROMPT_TOKENS } from '../../generation/token-estimate';
import { Composer } from './composer';
import { insertedText } from './message-fit';

afterEach(cleanup);

async function renderComposer(
  scenario: ScriptedScenario = {},
  locale: 'ko' | 'en' = 'ko',
): Promise<{ store: ChatStore; box: HTMLTextAreaElement }> {
  const store = createChatStore({
    engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1, ...scenario }),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  await act(async () => {
    await store.getState().checkDevice();
    await store.getState().loadModel();
  });
  render(withUi(<Composer />, { store, locale }));
  return { store, box: screen.getByRole('textbox', { name: locale === 'ko' ? '메시지 입력' : 'Message' }) };
}

const userMessages = (store: ChatStore) =>
  store
    .getState()
    .messages.filter((message) => message.role === 'user')
    .map((message) => message.content);

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '안녕하세요' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual(['안녕하세요']);
    expect(box.value).toBe('');
  });

  it('does not send on Shift+Enter', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '첫 줄' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13, shiftKey: true });
    expect(userMessages(store)).toEqual([]);
  });

  it('never sends on the Enter that ends a Hangul composition', async () => {
    const { store, box } = await renderComposer();
    fireEvent.compositionStart(box);
    fireEvent.input(box, { target: { value: '한' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229, isComposing: true });
    fireEvent.compositionEnd(box, { data: '한' });
    expect(userMessages(store)).toEqual([]);
    expect(box.value).toBe('한');
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual(['한']);
  });

  it('does not send while its own composition record is open, even if the event does not say so', async () => {
    const { store, box } = await renderComposer();
    fireEvent.compositionStart(box);
    fireEvent.input(box, { target: { value: '글' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual([]);
  });

  it('ignores blank input', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '   \n ' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(store.getState().messages).toEqual([]);
    expect(box.value).toBe('   \n ');
  });

  it('keeps the text when Enter comes during an answer, and offers Stop', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '/echo 길고 긴 답변입니다' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    fireEvent.input(box, { target: { value: '다음 질문' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual(['/echo 길고 긴 답변입니다']);
    expect(box.value).toBe('다음 질문');
    fireEvent.click(screen.getByRole('button', { name: '답변 중지' }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(store.getState().status).toBe('ready');
    expect(screen.getByRole('button', { name: '보내기' })).toBeTruthy();
  });
});

describe('Composer while an answer streams', () => {
  it('stops on Escape and keeps the partial answer', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: `/echo ${'느리게 '.repeat(50)}` } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 15)));
    fireEvent.keyDown(box, { key: 'Escape', keyCode: 27 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 15)));
    expect(store.getState().status).toBe('ready');
    expect(store.getState().messages.at(-1)).toMatchObject({ role: 'assistant', status: 'stopped' });
  });

  it('returns focus to the box after Stop', async () => {
    const { box } = await renderComposer();
    fireEvent.input(box, { target: { value: `/echo ${'느리게 '.repeat(50)}` } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    const stopButton = screen.getByRole('button', { name: '답변 중지' });
    stopButton.focus();
    fireEvent.click(stopButton);
    expect(document.activeElement).toBe(box);
  });
});

describe('Composer and the context window', () => {
  it('gives back a message too long for the loaded model’s window, naming that window’s size', async () => {
    const { store, box } = await renderComposer({ contextWindow: 1500 });
    const long = '아주 긴 문장입니다. '.repeat(60);
    fireEvent.input(box, { target: { value: long } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(store.getState().notice).toMatchObject({ kind: 'too-long' });
    const alerts = screen.getAllByRole('alert').map((alert) => alert.textContent);
    expect(alerts.join('\n')).toContain('문맥 창(1,500 토큰)');
    expect(box.value).toBe(long);
  });

  it('writes no window size into any text: the model gives it', () => {
    for (const dictionary of [ko, koApp, en]) {
      for (const text of Object.values(dictionary)) expect(text).not.toMatch(/4[,.]?096/);
    }
  });
});

describe('Composer with a message too long for the model', () => {
  // The scripted engine's window is 4,096 tokens; the model card keeps 1,024 for the answer.
  const limit = 4096 - 1024 - PROMPT_TOKENS;
  /** Hangul syllables count at least half a token each. */
  const syllables = (tokens: number): string => '가'.repeat(tokens * 2);

  it('warns while typing as soon as the message cannot fit, says the limit, and does not send it', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: syllables(limit) } });
    expect(screen.getByRole('status').textContent).toBe('');
    expect(screen.getByRole('button', { name: '보내기' })).toHaveProperty('disabled', false);

    fireEvent.input(box, { target: { value: `${syllables(limit)}가나` } });
    const warning = screen.getByRole('status');
    expect(warning.textContent).toBe(
      `메시지가 너무 깁니다. 적게 잡아도 약 ${(limit + 1).toLocaleString('ko-KR')}토큰인데, 모델은 한 번에 ` +
        `4,096토큰(문맥 창)을 읽고 그중 1,024토큰은 답변 몫이라 메시지는 약 ${limit.toLocaleString('ko-KR')}토큰까지만 ` +
        '들어갑니다. 줄여 주세요.',
    );
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')).toContain(warning.id);
    expect(screen.getByRole('button', { name: '보내기' })).toHaveProperty('disabled', true);
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual([]);
    expect(box.value).toHaveLength(limit * 2 + 2);

    fireEvent.input(box, { target: { value: syllables(limit) } });
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('warns in English too', async () => {
    const { box } = await renderComposer({}, 'en');
    fireEvent.input(box, { target: { value: syllables(limit + 1) } });
    expect(screen.getByRole('status').textContent).toBe(
      `The message is too long: at least about ${(limit + 1).toLocaleString('en-US')} tokens, but the model reads ` +
        `4,096 tokens at once (its context window), 1,024 of them kept for the answer, so a message fits in about ` +
        `${limit.toLocaleString('en-US')}. Shorten it.`,
    );
  });

  it('leaves a paste of a million characters out of the box, says why, and keeps what the box had', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '앞에 쓴 글' } });
    const pasted = '아주 긴 글입니다. '.repeat(100_000);
    const inserted = fireEvent.paste(box, { clipboardData: { getData: () => pasted } });
    expect(inserted).toBe(false);
    expect(screen.getByRole('alert').textContent).toBe(
      `넣으려는 글(${pasted.length.toLocaleString('ko-KR')}자, 적게 잡아도 약 ` +
        `${minimumTokens(pasted).toLocaleString('ko-KR')}토큰)이 모델이 읽을 수 있는 약 ` +
        `${limit.toLocaleString('ko-KR')}토큰(문맥 창 4,096토큰)을 훨씬 넘어 입력란에 넣지 않았습니다. ` +
        '글은 클립보드에 그대로 있습니다.',
    );
    expect(store.getState().draft).toBe('앞에 쓴 글');
    fireEvent.input(box, { target: { value: '앞에 쓴 글!' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('takes out again a million characters that a script put in the box, says why, and keeps what it had', async () => {
    const { store, box } = await renderComposer();
    fireEvent.input(box, { target: { value: '앞에 쓴 글' } });
    const inserted = '아주 긴 글입니다. '.repeat(100_000);
    fireEvent.input(box, { target: { value: `앞에 ${inserted}쓴 글` } });
    expect(box.value).toBe('앞에 쓴 글');
    expect(store.getState().draft).toBe('앞에 쓴 글');
    expect(screen.getByRole('alert').textContent).toBe(
      `넣으려는 글(${inserted.length.toLocaleString('ko-KR')}자, 적게 잡아도 약 ` +
        `${minimumTokens(inserted).toLocaleString('ko-KR')}토큰)이 모델이 읽을 수 있는 약 ` +
        `${limit.toLocaleString('ko-KR')}토큰(문맥 창 4,096토큰)을 훨씬 넘어 입력란에 넣지 않았습니다.`,
    );
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual(['앞에 쓴 글']);
  });

  it('refuses an input method’s commit of a million characters before it lands, in English too', async () => {
    const { box } = await renderComposer({}, 'en');
    const inserted = 'a long text. '.repeat(100_000);
    const commit = new InputEvent('beforeinput', {
      inputType: 'insertText',
      data: inserted,
      cancelable: true,
      bubbles: true,
    });
    act(() => void box.dispatchEvent(commit));
    expect(commit.defaultPrevented).toBe(true);
    expect(screen.getByRole('alert').textContent).toBe(
      `The text (${inserted.length.toLocaleString('en-US')} characters, at least about ` +
        `${minimumTokens(inserted).toLocaleString('en-US')} tokens) is far over the about ` +
        `${limit.toLocaleString('en-US')} tokens the model can read (context window 4,096), so it was not put in ` +
        'the box.',
    );
    const keystroke = new InputEvent('beforeinput', { inputType: 'insertText', data: 'a', cancelable: true });
    act(() => void box.dispatchEvent(keystroke));
    expect(keystroke.defaultPrevented).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lets a paste in that is too long but short enough to shorten by hand, and warns', async () => {
    const { box } = await renderComposer();
    const pasted = syllables(limit + 10);
    expect(fireEvent.paste(box, { clipboardData: { getData: () => pasted } })).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
    // jsdom does not insert pasted text; the browser would, and then report the change.
    fireEvent.input(box, { target: { value: pasted } });
    expect(screen.getByRole('status').textContent).toContain('메시지가 너무 깁니다.');
  });
});

describe('insertedText', () => {
  it('is what a change put into a text, wherever it went', () => {
    expect(insertedText('', '가나다')).toBe('가나다');
    expect(insertedText('앞 뒤', '앞 가운데 뒤')).toBe('가운데 ');
    expect(insertedText('같은 글', '같은 글')).toBe('');
    expect(insertedText('바꿀 글', '새 글')).toBe('새');
    expect(insertedText('aa', 'aaaa')).toBe('aa');
  });
});
