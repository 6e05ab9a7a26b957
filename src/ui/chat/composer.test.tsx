// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import type { ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { dictionaries } from '../i18n/messages';
import { withUi } from '../../test/with-ui';
import { Composer } from './composer';

afterEach(cleanup);

async function renderComposer(
  scenario: ScriptedScenario = {},
): Promise<{ store: ChatStore; box: HTMLTextAreaElement }> {
  const store = createChatStore({
    engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1, ...scenario }),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  await act(async () => {
    await store.getState().checkDevice();
    await store.getState().loadModel();
  });
  render(withUi(<Composer />, { store }));
  return { store, box: screen.getByRole('textbox', { name: '메시지 입력' }) };
}

const userMessages = (store: ChatStore) =>
  store
    .getState()
    .messages.filter((message) => message.role === 'user')
    .map((message) => message.content);

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { store, box } = await renderComposer();
    fireEvent.change(box, { target: { value: '안녕하세요' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual(['안녕하세요']);
    expect(box.value).toBe('');
  });

  it('does not send on Shift+Enter', async () => {
    const { store, box } = await renderComposer();
    fireEvent.change(box, { target: { value: '첫 줄' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13, shiftKey: true });
    expect(userMessages(store)).toEqual([]);
  });

  it('never sends on the Enter that ends a Hangul composition', async () => {
    const { store, box } = await renderComposer();
    fireEvent.compositionStart(box);
    fireEvent.change(box, { target: { value: '한' } });
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
    fireEvent.change(box, { target: { value: '글' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(userMessages(store)).toEqual([]);
  });

  it('ignores blank input', async () => {
    const { store, box } = await renderComposer();
    fireEvent.change(box, { target: { value: '   \n ' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    expect(store.getState().messages).toEqual([]);
    expect(box.value).toBe('   \n ');
  });

  it('keeps the text when Enter comes during an answer, and offers Stop', async () => {
    const { store, box } = await renderComposer();
    fireEvent.change(box, { target: { value: '/echo 길고 긴 답변입니다' } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    fireEvent.change(box, { target: { value: '다음 질문' } });
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
    fireEvent.change(box, { target: { value: `/echo ${'느리게 '.repeat(50)}` } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 15)));
    fireEvent.keyDown(box, { key: 'Escape', keyCode: 27 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 15)));
    expect(store.getState().status).toBe('ready');
    expect(store.getState().messages.at(-1)).toMatchObject({ role: 'assistant', status: 'stopped' });
  });

  it('returns focus to the box after Stop', async () => {
    const { box } = await renderComposer();
    fireEvent.change(box, { target: { value: `/echo ${'느리게 '.repeat(50)}` } });
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
    fireEvent.change(box, { target: { value: long } });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 13 });
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(store.getState().notice).toMatchObject({ kind: 'too-long' });
    expect(screen.getByRole('alert').textContent).toContain('문맥 창(1,500 토큰)');
    expect(box.value).toBe(long);
  });

  it('writes no window size into any text: the model gives it', () => {
    for (const dictionary of Object.values(dictionaries)) {
      for (const text of Object.values(dictionary)) expect(text).not.toMatch(/4[,.]?096/);
    }
  });
});
