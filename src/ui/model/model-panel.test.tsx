// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatStore } from '../../chat/chat-store';
import type { ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { withUi } from '../../test/with-ui';
import { ModelPanel } from './model-panel';

afterEach(cleanup);

async function loadedPanel(scenario: ScriptedScenario) {
  const store = createChatStore({
    engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1, ...scenario }),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  await act(async () => {
    await store.getState().checkDevice();
    await store.getState().loadModel();
  });
  render(withUi(<ModelPanel />, { store }));
  return store;
}

describe('ModelPanel with the model loaded', () => {
  it('shows the window, its estimate and why it is smaller, and loads again with another choice', async () => {
    const store = await loadedPanel({ gpuMemoryMB: 6000 });
    const summary = screen.getByTestId('model-summary');
    expect(summary.textContent).toContain('대화 길이 2,048 토큰 · GPU 메모리 약 5.4 GB · q4f16_1');
    expect(screen.getByRole('status').textContent).toBe(
      '이 기기의 GPU 메모리에 맞춰 대화 길이를 2,048 토큰으로 줄였습니다. (4,096 토큰은 메모리가 부족했습니다.)',
    );
    expect(screen.queryByRole('button', { name: '지금 다시 불러오기' })).toBeNull();
    await act(async () => {
      store.getState().chooseModel({ contextWindow: 1024 });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(summary.textContent).toContain('다시 불러오면 적용됩니다');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: '지금 다시 불러오기' }));
      await vi.waitFor(() =>
        expect(store.getState().model).toMatchObject({ kind: 'ready', model: { contextWindow: 1024 } }),
      );
    });
    expect(screen.getByTestId('model-summary').textContent).toContain('대화 길이 1,024 토큰');
    expect(screen.queryByRole('button', { name: '지금 다시 불러오기' })).toBeNull();
  });

  it('asks for no reload when the model loaded the window asked for, even a build made for a smaller one', async () => {
    // The scripted engine's `contextWindow` stands for a build whose own window is smaller than asked.
    await loadedPanel({ contextWindow: 1500 });
    expect(screen.getByTestId('model-summary').textContent).toContain('대화 길이 1,500 토큰');
    expect(screen.queryByRole('button', { name: '지금 다시 불러오기' })).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });
});
