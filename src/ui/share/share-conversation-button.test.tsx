// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatStore, type ChatStore } from '../../chat/chat-store';
import { activePath, type Conversation, type ExchangeVersion } from '../../conversation/conversation';
import { parseBackup } from '../../conversation/formats/backup';
import { decodeSharedConversation } from '../../conversation/formats/shared-link';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { SharePlatform } from '../../pwa/share-link';
import { hangulNoise } from '../../test/hangul-noise';
import { withUi } from '../../test/with-ui';
import { ShareConversationButton } from './share-conversation-button';

const usage = {
  promptTokens: 1,
  completionTokens: 1,
  prefillTokensPerSecond: 1,
  decodeTokensPerSecond: 1,
  timeToFirstTokenMs: 1,
  totalMs: 1,
};

function version(id: string, question: string, answer: string): ExchangeVersion {
  return {
    id,
    question,
    askedAt: 1,
    answer: { content: answer, createdAt: 1, status: 'complete', truncated: false, usage, droppedTurns: 0 },
    next: undefined,
  };
}

/** A conversation whose first exchange has two versions; the second is shown. */
function conversation(answer = '**굵은** 답'): Conversation {
  return {
    id: 'mine',
    title: '공유할 대화',
    createdAt: 1,
    updatedAt: 1,
    sampling: MODEL_CARD_SAMPLING,
    first: {
      id: 'e1',
      selected: 1,
      versions: [version('v1', '숨은 질문', '숨은 답'), version('v2', '보이는 질문', answer)],
    },
  };
}

const noise = (length: number): string => hangulNoise(length, 7);

/** The platform's share sheet and clipboard, as a test double at the edge. */
function platform({ share, clipboard = true }: { share?: 'works' | 'refused'; clipboard?: boolean }) {
  const shared: ShareData[] = [];
  const copied: string[] = [];
  const fake: SharePlatform = {
    ...(share && {
      share: (data: ShareData) => {
        if (share === 'refused') return Promise.reject(new DOMException('no', 'NotAllowedError'));
        shared.push(data);
        return Promise.resolve();
      },
    }),
    ...(clipboard && {
      clipboard: {
        writeText: (text: string) => {
          copied.push(text);
          return Promise.resolve();
        },
      },
    }),
  };
  return { fake, shared, copied };
}

let downloads: { name: string; text: Promise<string> }[] = [];

beforeEach(() => {
  downloads = [];
  // The download's file, caught where the page hands it to the browser.
  vi.stubGlobal(
    'URL',
    Object.assign(class extends URL {}, {
      createObjectURL: (blob: Blob) => {
        downloads.push({ name: '', text: blob.text() });
        return 'blob:test';
      },
      revokeObjectURL: () => undefined,
    }),
  );
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const last = downloads.at(-1);
    if (last) last.name = this.download;
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function showing(current?: Conversation, options: Parameters<typeof platform>[0] = {}) {
  const store = createChatStore({
    engine: new ScriptedEngine(),
    artifactsBaseUrl: 'http://localhost/models/',
  });
  if (current) await store.getState().addConversation(current);
  const double = platform(options);
  render(withUi(<ShareConversationButton platform={double.fake} />, { store }));
  return { store, ...double };
}

const button = () => screen.getByRole('button', { name: '이 대화 공유' });

describe('sharing the conversation as a link', () => {
  it('copies a link to the app with the shown path, and says how long it is', async () => {
    const { copied } = await showing(conversation(), { clipboard: true });
    fireEvent.click(button());
    await waitFor(() => expect(copied).toHaveLength(1));
    const [link = ''] = copied;
    expect(link.startsWith(`${new URL('./', location.href).href}#share=1.`)).toBe(true);
    expect(screen.getByRole('status').textContent).toBe(
      `대화 링크를 복사했습니다 (${link.length.toLocaleString('ko-KR')}자)`,
    );
    const decoded = await decodeSharedConversation(new URL(link).hash);
    if (decoded.kind !== 'shared') throw new Error(decoded.kind);
    expect(activePath(decoded.shared.conversation).map(({ version: shown }) => shown.question)).toEqual([
      '보이는 질문',
    ]);
  });

  it('hands the link to the Web Share API where there is one', async () => {
    const { shared, copied } = await showing(conversation(), { share: 'works' });
    fireEvent.click(button());
    await waitFor(() => expect(shared).toHaveLength(1));
    expect(shared[0]).toMatchObject({
      title: '공유할 대화',
      text: '한글 라마에서 공유한 대화',
      url: expect.stringMatching(/#share=1\./) as string,
    });
    expect(copied).toEqual([]);
    expect(screen.getByRole('status').textContent).toMatch(/^대화 링크를 공유했습니다 \([\d,]+자\)$/);
  });

  it('shows the link to copy by hand when neither sharing nor the clipboard works', async () => {
    await showing(conversation(), { share: 'refused', clipboard: false });
    fireEvent.click(button());
    const panel = await screen.findByRole('dialog', { name: '대화 공유' });
    expect(panel.textContent).toContain('링크를 공유하거나 복사하지 못했습니다');
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: '대화 링크' }).value).toMatch(
      /#share=1\./,
    );
  });

  it('warns before sharing a link that messengers may cut, and offers Markdown and JSON files', async () => {
    const { copied } = await showing(conversation(noise(20_000)));
    fireEvent.click(button());
    const panel = await screen.findByRole('dialog', { name: '대화 공유' });
    expect(copied).toEqual([]);
    expect(panel.textContent).toMatch(
      /링크가 [\d,]+자입니다\. 32,000자가 넘는 링크는 메신저에 따라 잘리거나/,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Markdown 파일로 받기' }));
    fireEvent.click(screen.getByRole('button', { name: /JSON 파일로 받기/ }));
    expect(downloads.map(({ name }) => name)).toEqual(['공유할 대화.md', '공유할 대화.json']);
    const [markdown, json] = await Promise.all(downloads.map(({ text }) => text));
    expect(markdown).toMatch(/^# 공유할 대화\n/);
    expect(markdown).toContain('보이는 질문');
    expect(markdown).not.toContain('숨은 질문');
    const backup = parseBackup(json ?? '');
    if (!backup.ok) throw new Error(backup.error.detail);
    expect(
      backup.backup.conversations.map((saved) =>
        activePath(saved).map(({ version: shown }) => shown.question),
      ),
    ).toEqual([['보이는 질문']]);
    expect(json).not.toContain('숨은 질문');

    fireEvent.click(screen.getByRole('button', { name: '그래도 링크 공유' }));
    await waitFor(() => expect(copied).toHaveLength(1));
    expect(copied[0]?.length).toBeGreaterThan(32_000);
  });

  it('makes no link past what a browser opens: only the files', async () => {
    const { copied } = await showing(conversation(noise(1_000_000)));
    fireEvent.click(button());
    const panel = await screen.findByRole('dialog', { name: '대화 공유' }, { timeout: 10_000 });
    expect(panel.textContent).toMatch(
      /링크로 보내기에 너무 깁니다\([\d,]+자, 브라우저가 여는 링크는 최대 2,097,152자\)/,
    );
    expect(screen.queryByRole('button', { name: '그래도 링크 공유' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Markdown 파일로 받기' })).toBeTruthy();
    expect(copied).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: '닫기' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  }, 30_000);

  it('has nothing to share before the first message, nor while a shared conversation is shown', async () => {
    const { store } = await showing();
    expect(button()).toHaveProperty('disabled', true);
    await act(() => store.getState().addConversation(conversation()));
    expect(button()).toHaveProperty('disabled', false);
    act(() =>
      store.setState({
        shared: {
          kind: 'viewing',
          shared: { conversation: conversation(), modelId: undefined },
          messages: [],
        },
      }),
    );
    expect(button()).toHaveProperty('disabled', true);
  });
});

it('speaks English too', async () => {
  const store: ChatStore = createChatStore({
    engine: new ScriptedEngine(),
    artifactsBaseUrl: 'http://localhost/',
  });
  await store.getState().addConversation(conversation());
  const { fake } = platform({ clipboard: true });
  render(withUi(<ShareConversationButton platform={fake} />, { store, locale: 'en' }));
  fireEvent.click(screen.getByRole('button', { name: 'Share this conversation' }));
  expect(await screen.findByText(/Conversation link copied \([\d,]+ characters\)/)).toBeTruthy();
});
