// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatStore } from '../../chat/chat-store';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { withUi } from '../../test/with-ui';
import { DialogButton } from './dialog-button';
import { lazyPart, PartSlot } from './lazy-part';

afterEach(cleanup);

/** A chunk's import that the test resolves or rejects when it wants. */
function deferredChunk() {
  let resolve!: (component: (props: { name: string }) => string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<(props: { name: string }) => string>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { load: vi.fn(() => promise), resolve, reject };
}

const store = () =>
  createChatStore({ engine: new ScriptedEngine(), artifactsBaseUrl: 'http://localhost/models/' });

describe('lazyPart in a PartSlot', () => {
  it('shows the fallback until its chunk has come, then the part; the chunk is fetched once', async () => {
    const chunk = deferredChunk();
    const part = lazyPart(chunk.load);
    part.preload();
    part.preload();
    render(
      withUi(
        <PartSlot fallback={<p>기다리는 중</p>}>
          <part.Part name="설정" />
        </PartSlot>,
        { store: store() },
      ),
    );
    expect(screen.getByText('기다리는 중')).toBeTruthy();
    chunk.resolve(({ name }) => `${name} 화면`);
    await act(() => Promise.resolve());
    expect(await screen.findByText('설정 화면')).toBeTruthy();
    expect(chunk.load).toHaveBeenCalledTimes(1);
  });

  it('says when its chunk cannot be fetched, and offers a reload that waits for the answer being written', async () => {
    const chunk = deferredChunk();
    const part = lazyPart(chunk.load);
    const chat = store();
    chat.setState({ status: 'streaming' });
    render(withUi(<PartSlot>{<part.Part name="설정" />}</PartSlot>, { store: chat }));
    chunk.reject(new Error('Failed to fetch dynamically imported module'));
    await act(() => Promise.resolve());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('이 부분을 불러오지 못했습니다');
    const reload = screen.getByRole('button', { name: '새로 고침' });
    expect(reload).toHaveProperty('disabled', true);
    expect(alert.textContent).toContain('답변이 끝난 뒤에 새로 고칠 수 있습니다.');
    act(() => chat.setState({ status: 'ready' }));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: '새로 고침' })).toHaveProperty('disabled', false),
    );
  });
});

describe('DialogButton', () => {
  it('preloads its part when the pointer or the focus reaches it, and opens at once, with the part when it comes', async () => {
    const showModal = vi.fn(function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    });
    vi.stubGlobal('HTMLDialogElement', window.HTMLDialogElement);
    Object.defineProperty(window.HTMLDialogElement.prototype, 'showModal', {
      value: showModal,
      configurable: true,
    });
    const chunk = deferredChunk();
    const part = lazyPart(chunk.load);
    const preload = vi.fn(part.preload);
    render(
      withUi(
        <DialogButton label="설정" title="설정 제목" className="" preload={preload}>
          {() => <part.Part name="설정" />}
        </DialogButton>,
        { store: store() },
      ),
    );
    const button = screen.getByRole('button', { name: '설정' });
    fireEvent.pointerEnter(button);
    expect(preload).toHaveBeenCalled();
    expect(chunk.load).toHaveBeenCalledTimes(1);
    expect(screen.queryByText('불러오는 중…')).toBeNull();
    fireEvent.click(button);
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('불러오는 중…')).toBeTruthy();
    chunk.resolve(({ name }) => `${name} 내용`);
    await act(() => Promise.resolve());
    expect(await screen.findByText('설정 내용')).toBeTruthy();
    vi.unstubAllGlobals();
  });
});
