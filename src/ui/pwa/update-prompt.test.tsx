// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import type { ChatStatus } from '../../chat/types';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { withUi } from '../../test/with-ui';
import type { InstallPrompt } from '../../pwa/install-prompt';
import { PwaProvider } from '../../pwa/pwa-context';
import { createServiceWorkerUpdates, type RegisterOptions } from '../../pwa/service-worker-updates';
import { UpdatePrompt } from './update-prompt';

afterEach(cleanup);

const noInstall: InstallPrompt = {
  isAvailable: () => false,
  subscribe: () => () => undefined,
  install: () => Promise.resolve('unavailable'),
};

function renderPrompt() {
  const store: ChatStore = createChatStore({
    engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  let sw: RegisterOptions = {};
  const updateServiceWorker = vi.fn(() => Promise.resolve());
  const reload = vi.fn();
  const updates = createServiceWorkerUpdates(
    (options) => {
      sw = options;
      return updateServiceWorker;
    },
    { reload },
  );
  render(
    withUi(
      <PwaProvider value={{ updates, install: noInstall }}>
        <UpdatePrompt />
      </PwaProvider>,
      { store },
    ),
  );
  return {
    updateServiceWorker,
    reload,
    setStatus: (status: ChatStatus) => act(() => store.setState({ status })),
    newVersionWaits: () => act(() => sw.onNeedRefresh?.()),
    newVersionControls: () => act(() => sw.onNeedReload?.()),
  };
}

describe('UpdatePrompt', () => {
  it('shows nothing while the app is current', () => {
    renderPrompt();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('says a new version is available and updates when the chat is ready', async () => {
    const { updateServiceWorker, reload, newVersionWaits, newVersionControls } = renderPrompt();
    newVersionWaits();
    expect(screen.getByRole('status').textContent).toBe('새 버전이 있습니다');
    const update = screen.getByRole('button', { name: '업데이트' });
    expect(update).toHaveProperty('disabled', false);
    await act(async () => {
      fireEvent.click(update);
      await Promise.resolve();
    });
    expect(updateServiceWorker).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: '업데이트하는 중…' })).toHaveProperty('disabled', true);
    // The new version took over because this tab asked: reload, nothing is being written.
    newVersionControls();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  for (const status of ['submitted', 'streaming'] as const) {
    it(`will not update while an answer is ${status}, and says why`, () => {
      const { updateServiceWorker, setStatus, newVersionWaits } = renderPrompt();
      setStatus(status);
      newVersionWaits();
      const update = screen.getByRole('button', { name: '업데이트' });
      expect(update).toHaveProperty('disabled', true);
      const hint = document.getElementById(update.getAttribute('aria-describedby') ?? '');
      expect(hint?.textContent).toBe('답변이 끝난 뒤에 업데이트할 수 있습니다.');
      fireEvent.click(update);
      expect(updateServiceWorker).not.toHaveBeenCalled();

      setStatus('ready');
      expect(update).toHaveProperty('disabled', false);
      expect(update.getAttribute('aria-describedby')).toBeNull();
      fireEvent.click(update);
      expect(updateServiceWorker).toHaveBeenCalledTimes(1);
    });
  }

  it('waits with the reload it asked for until the answer that started meanwhile has finished', async () => {
    const { reload, setStatus, newVersionWaits, newVersionControls } = renderPrompt();
    newVersionWaits();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: '업데이트' }));
      await Promise.resolve();
    });
    setStatus('streaming');
    newVersionControls();
    expect(reload).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: '새로 고침' })).toHaveProperty('disabled', true);
    setStatus('ready');
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('leaves a version another tab let in to the user: a reload button, disabled while answering', () => {
    const { reload, setStatus, newVersionWaits, newVersionControls } = renderPrompt();
    newVersionWaits();
    setStatus('streaming');
    newVersionControls();
    expect(screen.getByRole('status').textContent).toBe('새 버전이 준비되었습니다. 새로 고치면 적용됩니다.');
    const button = screen.getByRole('button', { name: '새로 고침' });
    expect(button).toHaveProperty('disabled', true);
    setStatus('ready');
    expect(reload).not.toHaveBeenCalled();
    fireEvent.click(button);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('can be put off until later', () => {
    const { newVersionWaits } = renderPrompt();
    newVersionWaits();
    fireEvent.click(screen.getByRole('button', { name: '나중에' }));
    expect(screen.queryByRole('region')).toBeNull();
  });
});
