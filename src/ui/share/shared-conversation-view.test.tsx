// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import type { Conversation, ExchangeVersion } from '../../conversation/conversation';
import { encodeSharedConversation, type SharedLinkProblem } from '../../conversation/formats/shared-link';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { listenForInstallPrompt } from '../../pwa/install-prompt';
import { PwaProvider, type Pwa } from '../../pwa/pwa-context';
import { stubLayout } from '../../test/jsdom-layout';
import { withUi } from '../../test/with-ui';
import { App } from '../app';

beforeEach(() => {
  // jsdom lays nothing out and has no media queries; the app only needs to be told nothing.
  stubLayout();
  vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener: () => undefined }));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const usage = {
  promptTokens: 1,
  completionTokens: 3,
  prefillTokensPerSecond: 1,
  decodeTokensPerSecond: 1,
  timeToFirstTokenMs: 1,
  totalMs: 1,
};

function version(
  id: string,
  question: string,
  answer: string,
  next?: Conversation['first'],
): ExchangeVersion {
  return {
    id,
    question,
    askedAt: 1,
    answer: { content: answer, createdAt: 1, status: 'complete', truncated: false, usage, droppedTurns: 0 },
    next,
  };
}

const sharedConversation: Conversation = {
  id: 'theirs',
  title: '받은 대화 제목',
  createdAt: 1,
  updatedAt: 1,
  sampling: MODEL_CARD_SAMPLING,
  first: {
    id: 'e1',
    selected: 0,
    versions: [
      version(
        'v1',
        '받은 질문입니다',
        '**굵은 답**과 <img src="x" onerror="window.pwned = 1"> 그리고 [링크](javascript:alert(1))',
      ),
    ],
  },
};

const pwa: Pwa = {
  install: listenForInstallPrompt(new EventTarget()),
  updates: {
    getState: () => ({ kind: 'current' }),
    subscribe: () => () => undefined,
    activate: () => Promise.resolve(),
    dismiss: () => undefined,
    reload: () => undefined,
  },
};

/** The whole app over the scripted engine (in this thread), with the user's own conversation on screen. */
async function appWithMine(locale: 'ko' | 'en' = 'ko'): Promise<ChatStore> {
  const store = createChatStore({
    engine: new ScriptedEngine(),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  await store.getState().addConversation({
    ...sharedConversation,
    id: 'mine',
    title: '내 대화',
    first: { id: 'm1', selected: 0, versions: [version('mv1', '내가 한 질문', '내가 받은 답')] },
  });
  render(
    withUi(
      <PwaProvider value={pwa}>
        <App />
      </PwaProvider>,
      { store, locale },
    ),
  );
  // The chat screen is a chunk of its own: here once it has been imported.
  await screen.findByRole('textbox', { name: locale === 'ko' ? '메시지 입력' : 'Message' });
  return store;
}

async function open(store: ChatStore, conversation = sharedConversation): Promise<void> {
  const fragment = await encodeSharedConversation({
    conversation,
    modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
  });
  await act(() => store.getState().openSharedLink(`#${fragment}`));
  // The shared view is a chunk of its own too.
  await screen.findByTestId('shared-conversation');
}

const problemAlert = () => screen.getByRole('alert', { name: '공유 링크를 열 수 없습니다' });

const sharedRegion = () => screen.getByRole('region', { name: /공유받은 대화/ });

describe('a shared conversation on screen', () => {
  it('is marked as shared and unverified, read-only, in place of the user’s conversation and its message box', async () => {
    const store = await appWithMine();
    expect(screen.getByRole('textbox', { name: '메시지 입력' })).toBeTruthy();
    await open(store);

    const region = sharedRegion();
    expect(within(region).getByRole('heading', { level: 2 }).textContent).toBe('공유받은 대화받은 대화 제목');
    expect(region.textContent).toContain('누가 보냈는지 확인할 수 없습니다');
    expect(region.textContent).toContain('링크에 적힌 모델: Llama-2-ko-7b-Chat-q4f16_1-MLC');
    expect(region.textContent).toContain('받은 질문입니다');
    expect(region.textContent).not.toContain('내가 한 질문');
    expect(screen.queryByRole('textbox', { name: '메시지 입력' })).toBeNull();
    for (const name of ['수정', '다시 생성', '복사']) {
      expect(within(region).queryByRole('button', { name })).toBeNull();
    }
    expect(screen.getByRole('button', { name: '이 대화 공유' })).toHaveProperty('disabled', true);
    const heading = within(region).getByRole('heading', { level: 2 });
    await waitFor(() => expect(document.activeElement).toBe(heading));
  });

  it('is rendered by the answers’ Markdown view, which keeps raw HTML and script links inert', async () => {
    const store = await appWithMine();
    await open(store);
    const region = sharedRegion();
    await waitFor(() => expect(region.querySelector('strong')?.textContent).toBe('굵은 답'));
    expect(region.querySelector('img')).toBeNull();
    expect(region.querySelector('[onerror]')).toBeNull();
    expect(region.querySelector('a[href^="javascript"]')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('closes back to the user’s own conversation, as it was', async () => {
    const store = await appWithMine();
    const before = store.getState().current;
    await open(store);
    fireEvent.click(within(sharedRegion()).getByRole('button', { name: '닫기' }));
    expect(screen.queryByRole('region', { name: /공유받은 대화/ })).toBeNull();
    expect(store.getState().current).toBe(before);
    expect((await screen.findByRole('list', { name: '대화' })).textContent).toContain('내가 한 질문');
    expect(screen.getByRole('textbox', { name: '메시지 입력' })).toBeTruthy();
  });

  it('is saved as the user’s own, shown with the message box to go on', async () => {
    const store = await appWithMine();
    await open(store);
    fireEvent.click(within(sharedRegion()).getByRole('button', { name: '내 대화로 저장' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: /공유받은 대화/ })).toBeNull());
    expect(store.getState().current.id).not.toBe('theirs');
    expect(store.getState().current.id).not.toBe('mine');
    expect(screen.getByRole('list', { name: '대화' }).textContent).toContain('받은 질문입니다');
    expect(screen.getByRole('textbox', { name: '메시지 입력' })).toBeTruthy();
  });

  it('says so while the link is being read', async () => {
    const store = await appWithMine();
    act(() => store.setState({ shared: { kind: 'opening' } }));
    expect((await screen.findByText('공유받은 대화를 여는 중…')).getAttribute('role')).toBe('status');
  });
});

describe('a link that cannot be opened', () => {
  const messages: Record<SharedLinkProblem, string> = {
    truncated: '링크가 잘렸습니다',
    corrupt: '링크가 손상되었습니다',
    foreign: '이 앱의 대화 공유 링크가 아닙니다',
    'too-large': '링크에 담긴 내용이 너무 커서 열지 않았습니다',
    'newer-version': '더 새 버전의 앱에서 만든 링크입니다',
  };

  it('says why in Korean above the user’s conversation, which stays, until closed', async () => {
    const store = await appWithMine();
    for (const [problem, message] of Object.entries(messages) as [SharedLinkProblem, string][]) {
      act(() => store.setState({ shared: { kind: 'invalid', problem, detail: `detail of ${problem}` } }));
      const alert = problemAlert();
      expect(alert.textContent).toContain('공유 링크를 열 수 없습니다');
      expect(alert.textContent).toContain(message);
      expect(alert.textContent).toContain('아무것도 바뀌지 않았습니다');
      expect(alert.textContent).toContain(`detail of ${problem}`);
      expect(screen.getByRole('list', { name: '대화' }).textContent).toContain('내가 한 질문');
    }
    fireEvent.click(within(problemAlert()).getByRole('button', { name: '닫기' }));
    expect(screen.queryByRole('alert', { name: '공유 링크를 열 수 없습니다' })).toBeNull();
  });

  it('says why in English too', async () => {
    const store = await appWithMine('en');
    act(() => store.setState({ shared: { kind: 'invalid', problem: 'truncated', detail: '' } }));
    expect(screen.getByRole('alert', { name: 'The shared link cannot be opened' }).textContent).toContain(
      'The link was cut short',
    );
    await open(store);
    expect(screen.getByRole('region', { name: /Shared conversation/ }).textContent).toContain(
      'Who sent it cannot be verified',
    );
  });
});
