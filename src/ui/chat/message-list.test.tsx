// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { options, type VNode } from 'preact';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import type { AssistantMessage, ChatMessage, UserMessage } from '../../conversation/messages';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { stubLayout } from '../../test/jsdom-layout';
import { withUi } from '../../test/with-ui';
import { MARKDOWN_BUDGET } from '../markdown/markdown-budget';
import { ConversationBoundary } from './conversation-boundary';
import { MessageList } from './message-list';

beforeEach(() => {
  stubLayout();
  // React reports a caught render error on the console; these tests cause some on purpose.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const usage = {
  promptTokens: 12,
  completionTokens: 3,
  prefillTokensPerSecond: 120,
  decodeTokensPerSecond: 20,
  timeToFirstTokenMs: 50,
  totalMs: 200,
};

const question = (depth: number, content: string): UserMessage => ({
  id: `${depth}:q`,
  role: 'user',
  content,
  createdAt: 0,
  depth,
  versionCount: 1,
  selectedVersion: 0,
});

const answer = (depth: number, content: string, state: Partial<AssistantMessage> = {}): AssistantMessage =>
  ({
    id: `${depth}:a`,
    role: 'assistant',
    content,
    createdAt: 0,
    depth,
    status: 'complete',
    truncated: false,
    usage,
    droppedTurns: 0,
    ...state,
  }) as AssistantMessage;

function showMessages(messages: readonly ChatMessage[], locale: 'ko' | 'en' = 'ko'): ChatStore {
  const store = createChatStore({
    engine: new ScriptedEngine(),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  store.setState({ messages });
  render(withUi(<MessageList />, { store, locale }));
  return store;
}

const settle = (): Promise<void> =>
  act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

const listItems = (): HTMLElement[] =>
  within(screen.getByRole('list', { name: '대화' })).getAllByRole('listitem');

describe('MessageList', () => {
  it('shows a message that throws while rendering as its plain text with a note; the others render', async () => {
    // A finished answer without its statistics: its footer throws on `usage`.
    const broken = { ...answer(0, '망가진 **답변**'), usage: undefined } as unknown as AssistantMessage;
    showMessages([question(0, '첫 질문'), broken, question(1, '둘째 질문'), answer(1, '멀쩡한 **답변**')]);
    await settle();

    const [, brokenItem, , fine] = listItems();
    expect(brokenItem?.getAttribute('data-status')).toBe('unrenderable');
    expect(within(brokenItem as HTMLElement).getByRole('alert').textContent).toBe(
      '이 메시지를 제대로 표시하지 못해 원문을 그대로 보여 줍니다.',
    );
    expect(within(brokenItem as HTMLElement).getByTestId('message-text').textContent).toBe('망가진 **답변**');
    await waitFor(() => expect(fine?.querySelector('strong')?.textContent).toBe('답변'));
    expect(screen.getAllByTestId('message-text').map((element) => element.textContent)).toEqual([
      '첫 질문',
      '망가진 **답변**',
      '둘째 질문',
      '멀쩡한 답변',
    ]);
  });

  it('says so in English too', () => {
    const broken = { ...answer(0, 'broken'), usage: undefined } as unknown as AssistantMessage;
    showMessages([question(0, 'q'), broken], 'en');
    expect(screen.getByRole('alert').textContent).toBe(
      'This message could not be displayed properly; here is its text as it is.',
    );
  });

  it('shows an answer over the Markdown budget as folded plain text, and says why', () => {
    const huge = '**굵게** 아닌 글. '.repeat(1_000_000);
    showMessages([question(0, '길게'), answer(0, huge)]);
    const item = listItems()[1] as HTMLElement;
    expect(item.textContent).toContain(
      `이 답변은 너무 길어(${huge.length.toLocaleString('ko-KR')}자) 서식 없이 일반 텍스트로 보여 줍니다. ` +
        `서식은 ${MARKDOWN_BUDGET.toLocaleString('ko-KR')}자까지의 답변에만 입힙니다.`,
    );
    const text = within(item).getByTestId('message-text').textContent;
    expect(text.length).toBeLessThan(2_000);
    expect(text.startsWith('**굵게** 아닌 글.')).toBe(true);
    expect(item.querySelector('strong')).toBeNull();
    expect(within(item).getByRole('button', { name: /더 보기/ })).toBeTruthy();
  });

  it('folds a question of a million characters', () => {
    showMessages([question(0, '가'.repeat(1_000_000))]);
    expect(screen.getByTestId('message-text').textContent.length).toBeLessThan(2_000);
    expect(screen.getByRole('button', { name: '더 보기 (998,500자 더)' })).toBeTruthy();
  });

  it('shows statistics only when they are known', () => {
    const interrupted = answer(0, '끊긴 답', {
      status: 'stopped',
      interrupted: true,
      usage: {
        ...usage,
        completionTokens: 0,
        decodeTokensPerSecond: 0,
        prefillTokensPerSecond: 0,
        totalMs: 0,
      },
    });
    const oneToken = answer(1, '한', {
      usage: { ...usage, completionTokens: 1, decodeTokensPerSecond: 0 },
    });
    showMessages([
      question(0, '하나'),
      interrupted,
      question(1, '둘'),
      answer(1, '끝난 답'),
      question(2, '셋'),
      oneToken,
    ]);
    const [, first, , second, , third] = listItems();
    expect(first?.textContent).toContain('새로 고침으로 중단됨');
    expect(first?.textContent).not.toContain('토큰');
    expect(second?.textContent).toContain('질문 읽기 120.0 토큰/초');
    expect(second?.textContent).toContain('토큰 3개 · 20.0 토큰/초 · 0.2초');
    expect(third?.textContent).toContain('토큰 1개 · 0.2초');
    expect(third?.textContent).not.toMatch(/(^|[^\d.,])0\.0 토큰\/초/);
  });

  it('puts only the messages near the viewport of a long conversation in the page, the latest first', () => {
    const messages = Array.from({ length: 1_000 }, (_, depth) => [
      question(depth, `${depth + 1}번째 질문`),
      answer(depth, `${depth + 1}번째 답변`),
    ]).flat();
    showMessages(messages);
    const items = listItems();
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(50);
    expect(items.at(-1)?.textContent).toContain('1000번째 답변');
    // Screen readers still hear where a message is among all of them.
    expect(items.at(-1)?.getAttribute('aria-posinset')).toBe('2000');
    expect(items.at(-1)?.getAttribute('aria-setsize')).toBe('2000');
  });

  it('keeps a failed answer’s technical detail behind “자세한 내용”', () => {
    showMessages([
      question(0, '질문'),
      answer(0, '일부', {
        status: 'failed',
        error: { code: 'device-lost', message: 'GPUDevice was lost: reason unknown' },
      }),
    ]);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('GPU 연결이 끊어졌습니다');
    const details = alert.querySelector('details');
    expect(details?.querySelector('summary')?.textContent).toBe('자세한 내용');
    expect(details?.textContent).toContain('GPUDevice was lost: reason unknown');
  });
});

describe('MessageList with a question too long for the model', () => {
  it('neither edits nor sends again a question that cannot fit, and says why', async () => {
    const store = createChatStore({
      engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    await act(async () => {
      await store.getState().checkDevice();
      await store.getState().loadModel();
    });
    store.setState({
      messages: [
        question(0, '가'.repeat(1_000_000)),
        answer(0, '답'),
        question(1, '짧은 질문'),
        answer(1, '답'),
      ],
    });
    render(withUi(<MessageList />, { store }));
    const [huge, , short] = listItems();
    expect(huge?.textContent).toContain(
      '이 질문은 모델의 문맥 창에 들어가지 않아(적게 잡아도 약 500,000토큰',
    );
    expect(within(huge as HTMLElement).getByRole('button', { name: '수정' })).toHaveProperty(
      'disabled',
      true,
    );
    const regenerate = screen.getAllByRole('button', { name: '다시 생성' });
    expect(regenerate.map((button) => (button as HTMLButtonElement).disabled)).toEqual([true, false]);
    expect(within(short as HTMLElement).getByRole('button', { name: '수정' })).toHaveProperty(
      'disabled',
      false,
    );
  });
});

describe('AnswerAnnouncer', () => {
  it('announces no answer that was finished when it came on screen, and at most a thousand characters at once', () => {
    const store = showMessages([question(0, '지난 질문'), answer(0, '이미 끝난 답변입니다.')]);
    const region = screen.getByTestId('answer-announcer');
    expect(region.textContent).toBe('');

    const streaming = answer(1, '', { status: 'streaming' });
    act(() =>
      store.setState({ messages: [...store.getState().messages, question(1, '새 질문'), streaming] }),
    );
    const huge = '긴 답변입니다. '.repeat(200_000);
    act(() => {
      const messages = store.getState().messages.slice(0, -1);
      store.setState({ messages: [...messages, answer(1, huge)] });
    });
    expect(region.textContent.startsWith('라마: 긴 답변입니다.')).toBe(true);
    expect(region.textContent.length).toBeLessThan(1_010);
  });
});

describe('ConversationBoundary', () => {
  it('shows a conversation that cannot render as a note with a way out, and tries again in another', () => {
    let broken = true;
    function Conversation() {
      if (broken) throw new Error('This conversation cannot be drawn.');
      return <p>다시 보입니다</p>;
    }
    const store = createChatStore({
      engine: new ScriptedEngine(),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    render(
      withUi(
        <ConversationBoundary>
          <Conversation />
        </ConversationBoundary>,
        { store },
      ),
    );
    expect(screen.getByRole('alert').textContent).toContain('이 대화를 표시하지 못했습니다');
    broken = false;
    const before = store.getState().current.id;
    fireEvent.click(screen.getByRole('button', { name: '새 대화' }));
    expect(store.getState().current.id).not.toBe(before);
    expect(screen.getByText('다시 보입니다')).toBeTruthy();
  });
});

describe('a streaming answer', () => {
  it('reaches its Markdown view as it grows without rendering the list again, and renders when it ends', async () => {
    const store = createChatStore({
      engine: new ScriptedEngine(),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    const asked = question(0, '질문');
    store.setState({ messages: [asked, answer(0, '첫 문단', { status: 'streaming' })] });
    // Every component Preact renders (only this list is on the page), counted as it is done.
    let commits = 0;
    const hooks = { ...options };
    options.diffed = (vnode: VNode) => {
      if (typeof vnode.type === 'function') commits += 1;
      hooks.diffed?.(vnode);
    };
    onTestFinished(() => {
      delete options.diffed;
      Object.assign(options, hooks);
    });
    render(withUi(<MessageList />, { store }));
    const text = (): string =>
      listItems()[1]?.querySelector('[data-testid="message-text"]')?.textContent ?? '';
    await waitFor(() => expect(listItems()[1]?.querySelector('.md-block')?.textContent).toBe('첫 문단'));
    await settle();
    const before = commits;
    for (const grown of ['첫 문단이 자랍니다', '첫 문단이 자랍니다.\n\n둘째 문단']) {
      act(() => store.setState({ messages: [asked, answer(0, grown, { status: 'streaming' })] }));
      await settle();
    }
    await waitFor(() => expect(text()).toBe('첫 문단이 자랍니다.둘째 문단'));
    expect(commits).toBe(before);

    act(() => store.setState({ messages: [asked, answer(0, '첫 문단이 자랍니다.\n\n둘째 문단 끝.')] }));
    await waitFor(() => expect(text()).toBe('첫 문단이 자랍니다.둘째 문단 끝.'));
    expect(commits).toBeGreaterThan(before);
    expect(listItems()[1]?.getAttribute('data-status')).toBe('complete');
  });
});
