// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatStore } from '../../chat/chat-store';
import type { GpuReport } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { withUi } from '../../test/with-ui';
import { ModelSettings } from './model-settings';

afterEach(cleanup);

/** A GPU without shader-f16 whose binding limit is under 1 GiB: web-llm asks it for 128 MiB bindings. */
const smallLimits: GpuReport = {
  kind: 'adapter',
  vendor: 'intel',
  architecture: 'gen-12lp',
  description: 'Intel UHD Graphics',
  isFallback: false,
  features: [],
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 512 * 2 ** 20,
};

async function renderSettings(locale: 'ko' | 'en' = 'ko') {
  const engine = Object.assign(new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }), {
    inspectDevice: () => Promise.resolve(smallLimits),
  });
  const store = createChatStore({ engine, artifactsBaseUrl: 'http://localhost/models/' });
  await act(() => store.getState().checkDevice());
  render(withUi(<ModelSettings />, { store, locale }));
  return store;
}

describe('ModelSettings', () => {
  it('offers each window with its estimate, and one over the GPU’s limits cannot be chosen, with the reason', async () => {
    await renderSettings();
    const select = screen.getByRole('combobox', { name: '대화 길이' });
    const options = within(select).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([
      '자동: 이 기기에 맞는 가장 긴 길이 (2,048 토큰)',
      '4,096 토큰 · GPU 메모리 약 9.4 GB · 이 GPU의 버퍼 한도를 넘어 쓸 수 없음',
      '2,048 토큰 · GPU 메모리 약 7.0 GB',
      '1,024 토큰 · GPU 메모리 약 5.8 GB',
    ]);
    expect(options.map((option) => (option as HTMLOptionElement).disabled)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(screen.getByText(/버퍼 한도를 넘는 길이는/)).toHaveProperty(
      'textContent',
      '버퍼 한도를 넘는 길이는 이 GPU에서 불러올 수 없어 고를 수 없습니다 (한 버퍼가 134.7 MB, 한도 134.2 MB).',
    );
  });

  it('takes a window and a build as the user’s choice, for the next load', async () => {
    const store = await renderSettings();
    fireEvent.change(screen.getByRole('combobox', { name: '대화 길이' }), { target: { value: '1024' } });
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(store.getState().modelChoice).toEqual({ contextWindow: 1024 });
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', plan: [1024] });
    expect(within(screen.getByRole('combobox', { name: '모델 빌드' })).getAllByRole('option')).toHaveLength(
      2,
    );
  });

  it('speaks English too', async () => {
    await renderSettings('en');
    expect(screen.getByRole('combobox', { name: 'Context length' })).toBeTruthy();
    expect(
      screen.getByRole('option', {
        name: /4,096 tokens · about 9.4 GB of GPU memory · over this GPU’s buffer limits/,
      }),
    ).toBeTruthy();
  });
});
