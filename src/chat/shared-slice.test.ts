// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { connectScriptedEngine } from '../test/connect-scripted';
import { hangulNoise } from '../test/hangul-noise';
import { answered, openStoredChat } from '../test/stored-chat';
import { createChatStore } from './chat-store';
import { activePath, type Conversation } from '../conversation/conversation';
import { createConversationRepository } from './persistence/conversation-repository';
import { zeroUsage } from '../conversation/interrupted';
import { exchangesOf } from '../conversation/conversation';
import {
  decodeSharedConversation,
  encodeSharedConversation,
  MAX_LINK_LENGTH,
  MESSENGER_LINK_LENGTH,
} from '../conversation/formats/shared-link';
import { planShareLink } from './shared-slice';

const APP_URL = 'https://host.example/app/';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** One browser's app: a store over the scripted engine and its own IndexedDB (fake, the platform edge). */
async function app(name: string, factory = new IDBFactory()) {
  const connection = connectScriptedEngine({ tokenDelayMs: 1, loadMs: 5 });
  const repository = createConversationRepository({ factory });
  cleanups.push(() => {
    connection.close();
    repository.close();
  });
  const store = await openStoredChat(
    name,
    { clock: 1_700_000_000_000, ids: 0 },
    { engine: connection.client, artifactsBaseUrl: 'http://localhost/models/', repository },
  );
  return { store, factory, read: () => createConversationRepository({ factory }) };
}

const questions = (conversation: Conversation | undefined) =>
  conversation && activePath(conversation).map(({ version }) => version.question);

/** A conversation made and shared in another browser: its link's fragment. */
async function linkFromElsewhere(...asked: string[]): Promise<string> {
  const sender = await app('sender');
  await sender.store.getState().loadModel();
  for (const question of asked) await answered(sender.store, question);
  const plan = await sender.store.getState().makeShareLink(APP_URL);
  if (plan.kind !== 'short') throw new Error(`expected a short link, got ${plan.kind}`);
  return new URL(plan.url).hash;
}

const noise = (length: number): string => hangulNoise(length, 1);

function conversationWith(answer: string): Conversation {
  return {
    id: 'long',
    title: '긴 대화',
    createdAt: 1,
    updatedAt: 1,
    sampling: MODEL_CARD_SAMPLING,
    first: {
      id: 'e',
      selected: 0,
      versions: [
        {
          id: 'v',
          question: '길게',
          askedAt: 1,
          answer: { content: answer, createdAt: 1, status: 'stopped', usage: zeroUsage, droppedTurns: 0 },
          next: undefined,
        },
      ],
    },
  };
}

describe('opening a shared link', () => {
  it('shows it read-only beside the user’s own conversation, and closing leaves that as it was', async () => {
    const fragment = await linkFromElsewhere('/echo 보낸 사람의 질문');
    const receiver = await app('receiver');
    await receiver.store.getState().loadModel();
    await answered(receiver.store, '/echo 받는 사람의 대화');
    const before = receiver.store.getState();

    await receiver.store.getState().openSharedLink(fragment);
    const view = receiver.store.getState().shared;
    if (view.kind !== 'viewing') throw new Error(view.kind);
    expect(view.messages.map(({ content }) => content)).toEqual([
      '/echo 보낸 사람의 질문',
      '보낸 사람의 질문',
    ]);
    expect(view.shared.modelId).toBe('Llama-2-ko-7b-Chat-q4f16_1-MLC');
    expect(receiver.store.getState().current).toBe(before.current);
    expect(receiver.store.getState().messages).toBe(before.messages);

    receiver.store.getState().closeShared();
    const after = receiver.store.getState();
    expect(after.shared).toEqual({ kind: 'none' });
    expect(after.current).toBe(before.current);
    expect(after.conversations).toBe(before.conversations);
    expect(questions(await receiver.read().get(before.current.id))).toEqual(['/echo 받는 사람의 대화']);
    expect((await receiver.read().list()).summaries).toHaveLength(1);
  });

  it('takes over a link the shared page read: saved there, it is stored; unreadable, it says why', async () => {
    const receiver = await app('receiver');
    const result = await decodeSharedConversation(await linkFromElsewhere('/echo 넘겨받은 질문'));
    if (result.kind !== 'shared') throw new Error(result.kind);
    receiver.store.getState().showSharedLink(result);
    expect(receiver.store.getState().shared).toMatchObject({ kind: 'viewing', shared: result.shared });
    await receiver.store.getState().saveShared();
    const saved = receiver.store.getState().current;
    expect(questions(saved)).toEqual(['/echo 넘겨받은 질문']);
    expect(questions(await receiver.read().get(saved.id))).toEqual(['/echo 넘겨받은 질문']);

    const problem = { kind: 'invalid', problem: 'truncated', detail: 'shorter than it says' } as const;
    receiver.store.getState().showSharedLink(problem);
    expect(receiver.store.getState().shared).toEqual(problem);
    expect(receiver.store.getState().current).toBe(saved);
  });

  it('says what is wrong with a bad link, and changes nothing else', async () => {
    const fragment = await linkFromElsewhere('/echo 망가질 링크');
    const receiver = await app('receiver');
    await receiver.store.getState().loadModel();
    await answered(receiver.store, '/echo 그대로 있어야 할 대화');
    const before = receiver.store.getState();
    const changedAt = fragment.length - 20;
    const bad = {
      truncated: fragment.slice(0, -15),
      corrupt: `${fragment.slice(0, changedAt)}${fragment[changedAt] === 'A' ? 'B' : 'A'}${fragment.slice(changedAt + 1)}`,
      foreign: '#share=hello',
      'newer-version': '#share=2.4.00000000.AAAA',
      'too-large': `#share=1.${MAX_LINK_LENGTH}.${'A'.repeat(MAX_LINK_LENGTH)}`,
    } as const;
    for (const [problem, hash] of Object.entries(bad)) {
      await receiver.store.getState().openSharedLink(hash);
      expect(receiver.store.getState().shared).toMatchObject({ kind: 'invalid', problem });
      const state = receiver.store.getState();
      expect([state.current, state.messages, state.conversations]).toEqual([
        before.current,
        before.messages,
        before.conversations,
      ]);
      expect(state.current).toBe(before.current);
      receiver.store.getState().closeShared();
    }
    expect((await receiver.read().list()).summaries).toHaveLength(1);
  });

  it('ignores a fragment that is no shared link, without a moment of “opening”', async () => {
    const { store } = await app('receiver');
    const seen: string[] = [];
    store.subscribe((state) => seen.push(state.shared.kind));
    await store.getState().openSharedLink('#top');
    await store.getState().openSharedLink('');
    expect(seen).toEqual([]);
    expect(store.getState().shared).toEqual({ kind: 'none' });
  });

  it('shows the latest link only: one closed while it was being read stays closed', async () => {
    const first = await linkFromElsewhere('/echo 첫 링크');
    const second = await linkFromElsewhere('/echo 둘째 링크');
    const { store } = await app('receiver');
    const opening = store.getState().openSharedLink(first);
    expect(store.getState().shared).toEqual({ kind: 'opening' });
    store.getState().closeShared();
    await opening;
    expect(store.getState().shared).toEqual({ kind: 'none' });

    const older = store.getState().openSharedLink(first);
    const newer = store.getState().openSharedLink(second);
    await Promise.all([older, newer]);
    const view = store.getState().shared;
    expect(view.kind === 'viewing' && view.messages[0]?.content).toBe('/echo 둘째 링크');
  });

  it('gives way when the user opens one of their own conversations or a new one', async () => {
    const fragment = await linkFromElsewhere('/echo 잠깐 본 대화');
    const receiver = await app('receiver');
    await receiver.store.getState().loadModel();
    await answered(receiver.store, '/echo 내 대화');
    const mine = receiver.store.getState().current.id;

    await receiver.store.getState().openSharedLink(fragment);
    await receiver.store.getState().openConversation(mine);
    expect(receiver.store.getState().shared).toEqual({ kind: 'none' });
    expect(receiver.store.getState().current.id).toBe(mine);

    await receiver.store.getState().openSharedLink(fragment);
    receiver.store.getState().newConversation();
    expect(receiver.store.getState().shared).toEqual({ kind: 'none' });
  });
});

describe('saving a shared conversation', () => {
  it('stores it as a new conversation with new ids, opens it, and it goes on once the model is loaded', async () => {
    const receiver = await app('receiver');
    const fragment = await linkFromElsewhere('/echo 공유된 첫 질문');
    await receiver.store.getState().openSharedLink(fragment);
    const view = receiver.store.getState().shared;
    if (view.kind !== 'viewing') throw new Error(view.kind);

    await receiver.store.getState().saveShared();
    const saved = receiver.store.getState().current;
    expect(receiver.store.getState().shared).toEqual({ kind: 'none' });
    expect(saved.id).not.toBe(view.shared.conversation.id);
    expect(questions(saved)).toEqual(['/echo 공유된 첫 질문']);
    expect(receiver.store.getState().conversations.map(({ id }) => id)).toEqual([saved.id]);
    expect(questions(await receiver.read().get(saved.id))).toEqual(['/echo 공유된 첫 질문']);

    await receiver.store.getState().loadModel();
    await answered(receiver.store, '/echo 이어서 묻습니다');
    expect(receiver.store.getState().messages.map(({ content }) => content)).toEqual([
      '/echo 공유된 첫 질문',
      '공유된 첫 질문',
      '/echo 이어서 묻습니다',
      '이어서 묻습니다',
    ]);
    expect(questions(await receiver.read().get(saved.id))).toEqual([
      '/echo 공유된 첫 질문',
      '/echo 이어서 묻습니다',
    ]);
  });

  it('never replaces a conversation, even the one the link was made from in this browser', async () => {
    const { store, read } = await app('one');
    await store.getState().loadModel();
    await answered(store, '/echo 원래 대화');
    const original = store.getState().current;
    const plan = await store.getState().makeShareLink(APP_URL);
    if (plan.kind !== 'short') throw new Error(plan.kind);

    for (let time = 0; time < 2; time += 1) {
      await store.getState().openSharedLink(new URL(plan.url).hash);
      await store.getState().saveShared();
    }
    const list = (await read().list()).summaries;
    expect(list).toHaveLength(3);
    const copies = await Promise.all(
      list.filter(({ id }) => id !== original.id).map(({ id }) => read().get(id)),
    );
    const idsOf = (conversation: Conversation | undefined) =>
      conversation
        ? [
            conversation.id,
            ...exchangesOf(conversation.first).flatMap(({ id, versions }) => [
              id,
              ...versions.map((version) => version.id),
            ]),
          ]
        : [];
    const everyId = [original, ...copies].flatMap(idsOf);
    expect(new Set(everyId).size).toBe(everyId.length);
    expect(copies.map(questions)).toEqual([['/echo 원래 대화'], ['/echo 원래 대화']]);
    expect(questions(await read().get(original.id))).toEqual(['/echo 원래 대화']);
  });
});

describe('making a link to the current conversation', () => {
  it('has nothing to share before the first message', async () => {
    const { store } = await app('sender');
    expect(await store.getState().makeShareLink(APP_URL)).toEqual({ kind: 'empty' });
  });

  it('links to the app’s address with the shown path and the model loaded now', async () => {
    const { store } = await app('sender');
    await store.getState().loadModel();
    await answered(store, '/echo 첫 질문');
    const plan = await store.getState().makeShareLink(`${APP_URL}#old`);
    if (plan.kind !== 'short') throw new Error(plan.kind);
    expect(plan.url.startsWith(`${APP_URL}#share=1.`)).toBe(true);
    expect(plan.length).toBe(plan.url.length);
    const decoded = await decodeSharedConversation(new URL(plan.url).hash);
    expect(decoded).toMatchObject({ kind: 'shared', shared: { modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC' } });
  });

  it('is long past what messengers keep, and no link at all past what Chromium opens', async () => {
    // Not stored: only the link is measured here, and indexing a million characters takes seconds.
    const connection = connectScriptedEngine();
    cleanups.push(connection.close);
    const store = createChatStore({ engine: connection.client, artifactsBaseUrl: APP_URL });
    await store.getState().addConversation(conversationWith(noise(20_000)));
    const long = await store.getState().makeShareLink(APP_URL);
    expect(long.kind).toBe('long');
    expect(long.kind === 'long' && long.length).toBeGreaterThan(MESSENGER_LINK_LENGTH);

    await store.getState().addConversation({ ...conversationWith(noise(1_000_000)), id: 'longer' });
    const tooLong = await store.getState().makeShareLink(APP_URL);
    expect(tooLong).toEqual({ kind: 'too-long', length: expect.any(Number) as number });
    expect(tooLong.kind === 'too-long' && tooLong.length).toBeGreaterThan(MAX_LINK_LENGTH);
  });

  it('draws the lines at the limits themselves', () => {
    const url = (length: number) => `${APP_URL}#${'A'.repeat(length - APP_URL.length - 1)}`;
    expect(planShareLink(url(MESSENGER_LINK_LENGTH)).kind).toBe('short');
    expect(planShareLink(url(MESSENGER_LINK_LENGTH + 1)).kind).toBe('long');
    expect(planShareLink(url(MAX_LINK_LENGTH)).kind).toBe('long');
    expect(planShareLink(url(MAX_LINK_LENGTH + 1))).toEqual({
      kind: 'too-long',
      length: MAX_LINK_LENGTH + 1,
    });
  });
});

it('shares what a sender sees: a link made from a conversation decodes to its shown path', async () => {
  const fragment = await encodeSharedConversation({
    conversation: conversationWith('답'),
    modelId: undefined,
  });
  const { store } = await app('receiver');
  await store.getState().openSharedLink(`#${fragment}`);
  const view = store.getState().shared;
  expect(view.kind === 'viewing' && view.messages.map(({ content }) => content)).toEqual(['길게', '답']);
});
