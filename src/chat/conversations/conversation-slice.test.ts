// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedScenario } from '../../engine/protocol';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { fakeBrowser, memoryStorage } from '../../test/fake-tabs';
import { all, putRaw } from '../../test/stored-conversations';
import { VERSIONS_STORE } from '../persistence/database';
import { answered, openStoredChat, waitForState } from '../../test/stored-chat';
import type { ChatStore } from '../chat-store';
import { activePath } from '../../conversation/conversation';
import { exportBackup } from '../../conversation/formats/backup';
import {
  createConversationRepository,
  type ConversationRepository,
} from '../persistence/conversation-repository';

const artifactsBaseUrl = 'http://localhost/models/';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** One browser: one database, one channel between its tabs, Web Locks telling which tabs are open. */
function browser() {
  const factory = new IDBFactory();
  const platform = fakeBrowser();
  const counters = { clock: 1000, ids: 0 };
  /** A tab: its own engine, store and connection to the shared database. */
  async function tab(name: string, scenario: ScriptedScenario = { tokenDelayMs: 1, loadMs: 5 }) {
    const connection = connectScriptedEngine(scenario);
    const repository = createConversationRepository({
      factory,
      presence: platform.presence(name),
      channel: platform.channel(),
    });
    cleanups.push(() => {
      connection.close();
      repository.close();
    });
    const store = await openStoredChat(name, counters, {
      engine: connection.client,
      artifactsBaseUrl,
      repository,
    });
    return { store, repository, connection, close: () => platform.open.delete(name) };
  }
  return { tab, factory, counters, read: () => createConversationRepository({ factory }) };
}

const questions = (store: ChatStore) =>
  store
    .getState()
    .messages.filter((message) => message.role === 'user')
    .map(({ content }) => content);

async function stored(repository: ConversationRepository, id: string) {
  const conversation = await repository.get(id);
  return conversation && activePath(conversation).map(({ version }) => version.question);
}

describe('two tabs of one browser', () => {
  it('keep both tabs’ exchanges, each tab showing the other’s without a reload', async () => {
    const { tab, read } = browser();
    const a = await tab('a');
    await a.store.getState().loadModel();
    await answered(a.store, '/echo A의 첫 질문');
    const id = a.store.getState().current.id;

    const b = await tab('b');
    expect(b.store.getState().current.id).toBe(id);
    await b.store.getState().loadModel();
    await answered(b.store, '/echo B의 질문');
    // A is told, and shows B's exchange without a reload.
    await waitForState(a.store, (state) => state.messages.length === 4);
    await answered(a.store, '/echo A의 두 번째 질문');
    await waitForState(b.store, (state) => state.messages.length === 6);

    const expected = ['/echo A의 첫 질문', '/echo B의 질문', '/echo A의 두 번째 질문'];
    expect(questions(a.store)).toEqual(expected);
    expect(questions(b.store)).toEqual(expected);
    expect(await stored(read(), id)).toEqual(expected);
  });

  it('lose nothing when both add an exchange before hearing of the other’s', async () => {
    const { tab, read } = browser();
    const a = await tab('a');
    await a.store.getState().loadModel();
    await answered(a.store, '/echo 시작');
    const b = await tab('b');
    await b.store.getState().loadModel();
    // Both ask at once: neither has heard of the other's question yet.
    a.store.getState().send('/echo A가 동시에');
    b.store.getState().send('/echo B가 동시에');
    await Promise.all([
      waitForState(a.store, (state) => state.status === 'ready'),
      waitForState(b.store, (state) => state.status === 'ready'),
    ]);
    await Promise.all([a.store.getState().flushSaves(), b.store.getState().flushSaves()]);
    const conversation = await read().get(a.store.getState().current.id);
    const second = conversation?.first?.versions[0]?.next;
    expect(second?.versions.map(({ question }) => question).sort()).toEqual([
      '/echo A가 동시에',
      '/echo B가 동시에',
    ]);
  });

  it('show the other tab’s answer as it streams, never as interrupted', async () => {
    const { tab } = browser();
    const a = await tab('a', { tokenDelayMs: 15, loadMs: 5 });
    await a.store.getState().loadModel();
    const long = '다른 탭에서 쓰는 중인 답입니다. '.repeat(8);
    a.store.getState().send(`/echo ${long}`);
    await waitForState(a.store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 20);
    await a.store.getState().flushSaves();

    const b = await tab('b');
    const shown = b.store.getState().messages.at(-1);
    expect(shown).toMatchObject({ role: 'assistant', status: 'streaming' });
    await waitForState(a.store, (state) => state.status === 'ready');
    await waitForState(b.store, (state) => state.messages.at(-1)?.content === long);
    expect(b.store.getState().messages.at(-1)).toMatchObject({ status: 'complete' });
  });

  it('call an answer interrupted once the tab writing it is gone', async () => {
    const { tab } = browser();
    const a = await tab('a', { tokenDelayMs: 20, loadMs: 5 });
    await a.store.getState().loadModel();
    a.store.getState().send(`/echo ${'끊길 답입니다. '.repeat(20)}`);
    await waitForState(a.store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 10);
    a.store.getState().saveAtExit();
    // The tab is gone (its lock let go); its page would write no more.
    a.close();

    const b = await tab('b');
    expect(b.store.getState().messages.at(-1)).toMatchObject({ status: 'stopped', interrupted: true });
    a.store.getState().stop();
  });

  it('see a rename, a delete and an import made in the other tab', async () => {
    const { tab } = browser();
    const a = await tab('a');
    await a.store.getState().loadModel();
    await answered(a.store, '/echo 이름을 바꿀 대화');
    const id = a.store.getState().current.id;
    const b = await tab('b');

    await a.store.getState().renameConversation(id, '새 이름');
    await waitForState(b.store, (state) => state.conversations[0]?.title === '새 이름');
    await waitForState(b.store, (state) => state.current.title === '새 이름');

    const backup = exportBackup(
      [{ ...a.store.getState().current, id: 'imported', title: '가져온 대화', updatedAt: 5 }],
      {},
      0,
    );
    const outcome = await a.store.getState().importBackup(new Blob([backup]));
    expect(outcome.ok && outcome.report).toEqual({
      added: 1,
      updated: 0,
      kept: 0,
      unreadableAdded: 0,
      skipped: 0,
    });
    await waitForState(b.store, (state) => state.conversations.some(({ title }) => title === '가져온 대화'));

    await a.store.getState().deleteConversation(id);
    await waitForState(b.store, (state) => !state.conversations.some((summary) => summary.id === id));
    await waitForState(b.store, (state) => state.current.id !== id && state.messages.length === 0);
  });
});

describe('a message the model cannot take', () => {
  it('gives no title to the conversation and leaves nothing stored', async () => {
    const { tab, read } = browser();
    const a = await tab('a', { tokenDelayMs: 1, loadMs: 5, contextWindow: 352 });
    await a.store.getState().loadModel();
    const long = '긴 글 '.repeat(100);
    a.store.getState().send(long);
    await waitForState(a.store, (state) => state.notice?.kind === 'too-long');
    await a.store.getState().flushSaves();
    expect(a.store.getState().current.title).toBe('');
    expect(a.store.getState().conversations).toEqual([]);
    expect((await read().list()).summaries).toEqual([]);
  });

  it('leaves no ghost exchange when the window overflows after the answer began', async () => {
    const { tab, read } = browser();
    const a = await tab('a', {
      tokenDelayMs: 5,
      loadMs: 5,
      generateError: { code: 'context-window-exceeded', afterPieces: 4 },
    });
    await a.store.getState().loadModel();
    a.store.getState().send('/echo 넘치기 전까지 몇 글자가 보입니다');
    await waitForState(a.store, (state) => state.notice?.kind === 'too-long');
    await a.store.getState().flushSaves();
    expect(a.store.getState().messages).toEqual([]);
    expect((await read().list()).summaries).toEqual([]);
  });

  it('leaves none either when the page closes before the take-back reaches storage', async () => {
    const factory = new IDBFactory();
    const { exitStorage } = memoryStorage();
    const connection = connectScriptedEngine({
      tokenDelayMs: 5,
      loadMs: 5,
      generateError: { code: 'context-window-exceeded', afterPieces: 4 },
    });
    const repository = createConversationRepository({ factory, exitStorage });
    cleanups.push(() => {
      connection.close();
      repository.close();
    });
    // Chromium drops a closing page's transactions: the throttled delete never lands.
    const closing: ConversationRepository = {
      ...repository,
      delete: () => new Promise<void>(() => undefined),
    };
    const store = await openStoredChat(
      'a',
      { clock: 1000, ids: 0 },
      {
        engine: connection.client,
        artifactsBaseUrl,
        repository: closing,
      },
    );
    await store.getState().loadModel();
    store.getState().send('/echo 넘치기 전까지 몇 글자가 보입니다');
    await waitForState(store, (state) => {
      const last = state.messages.at(-1);
      return last?.role === 'assistant' && last.status === 'streaming';
    });
    await store.getState().flushSaves();
    await waitForState(store, (state) => state.notice?.kind === 'too-long');
    store.getState().saveAtExit();
    repository.close();

    const next = createConversationRepository({ factory, exitStorage });
    cleanups.push(() => next.close());
    expect((await next.list()).summaries).toEqual([]);
  });

  it('is taken back from a conversation that goes on, which keeps its title', async () => {
    const { tab, read } = browser();
    const a = await tab('a', { tokenDelayMs: 1, loadMs: 5 });
    await a.store.getState().loadModel();
    await answered(a.store, '/echo 첫 질문');
    a.connection.client.setScenario({
      tokenDelayMs: 5,
      loadMs: 5,
      generateError: { code: 'context-window-exceeded', afterPieces: 3 },
    });
    a.store.getState().send('/echo 넘치는 두 번째 질문');
    await waitForState(a.store, (state) => state.notice?.kind === 'too-long');
    await a.store.getState().flushSaves();
    const { id, title } = a.store.getState().current;
    expect(title).toBe('/echo 첫 질문');
    expect(await stored(read(), id)).toEqual(['/echo 첫 질문']);
  });
});

describe('the messages a view reads', () => {
  it('keep their objects while another answer streams, so only that answer renders again', async () => {
    const { tab } = browser();
    const { store } = await tab('A');
    await store.getState().loadModel();
    await answered(store, '/echo 첫 질문의 답');
    const before = store.getState().messages;
    expect(before).toHaveLength(2);

    const seen: (readonly unknown[])[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.messages));
    await answered(store, '/echo 둘째 답이 토큰마다 자라납니다');
    unsubscribe();
    const streamed = seen.filter((messages) => messages.length === 4);
    expect(streamed.length).toBeGreaterThan(2);
    // The first exchange never changed: each update of the second answer hands out its very objects.
    for (const messages of streamed) {
      expect(messages[0]).toBe(before[0]);
      expect(messages[1]).toBe(before[1]);
    }
    // The answer itself did change, and its question stayed the same object once it was there.
    expect(new Set(streamed.map((messages) => messages[3])).size).toBeGreaterThan(2);
    expect(new Set(streamed.map((messages) => messages[2])).size).toBe(1);
  });
});

describe('an answer whose conversation leaves the screen while it is written', () => {
  const long = '화면을 떠난 대화의 답입니다. '.repeat(20);

  /** A tab of `browser` writing a long answer, once some of it is shown: its store, its conversation, the text. */
  async function streaming(name = 'a', { tab } = browser()) {
    const a = await tab(name, { tokenDelayMs: 15, loadMs: 5 });
    await a.store.getState().loadModel();
    a.store.getState().send(`/echo ${long}`);
    await waitForState(a.store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 20);
    const { id } = a.store.getState().current;
    return { ...a, id, shown: () => a.store.getState().messages.at(-1)?.content ?? '' };
  }

  /** The answer of the conversation's last exchange, as this tab reads it from storage. */
  async function storedAnswer(repository: ConversationRepository, id: string) {
    const conversation = await repository.get(id);
    return conversation && activePath(conversation).at(-1)?.version.answer;
  }

  /** Stopped, with the text shown before it left (and perhaps a little more), and its statistics. */
  function endedWith(shown: string) {
    return (answer: { status: string; content: string } | undefined): boolean =>
      answer?.status === 'stopped' &&
      answer.content.length >= shown.length &&
      long.startsWith(answer.content);
  }

  it('ends stopped in its own conversation when a new one is started, not in the new one', async () => {
    const a = await streaming();
    const shown = a.shown();
    a.store.getState().newConversation();
    await waitForState(a.store, (state) => state.status === 'ready');
    await a.store.getState().flushSaves();
    expect(a.store.getState().current.first).toBeUndefined();
    expect(a.store.getState().messages).toEqual([]);
    // Read by its own, still open tab: an answer still stored as streaming would read as streaming.
    const answer = await storedAnswer(a.repository, a.id);
    expect(answer).toMatchObject({ status: 'stopped' });
    expect(endedWith(shown)(answer)).toBe(true);
    expect(answer).not.toHaveProperty('interrupted');

    await a.store.getState().openConversation(a.id);
    expect(a.store.getState().messages.at(-1)).toMatchObject({ status: 'stopped', content: answer?.content });
    expect(a.store.getState().regenerate(0)).toBe('sent');
    await waitForState(a.store, (state) => state.status === 'ready');
  });

  it('ends stopped in its own conversation when a shared link is saved as the user’s', async () => {
    const { tab } = browser();
    const a = await tab('a', { tokenDelayMs: 1, loadMs: 5 });
    await a.store.getState().loadModel();
    await answered(a.store, '/echo 공유할 대화');
    const plan = await a.store.getState().makeShareLink('https://host.example/app/');
    if (plan.kind !== 'short') throw new Error(`expected a short link, got ${plan.kind}`);
    a.store.getState().newConversation();
    a.connection.client.setScenario({ tokenDelayMs: 15, loadMs: 5 });
    a.store.getState().send(`/echo ${long}`);
    await waitForState(a.store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 20);
    const { id } = a.store.getState().current;
    const shown = a.store.getState().messages.at(-1)?.content ?? '';

    await a.store.getState().openSharedLink(new URL(plan.url).hash);
    await a.store.getState().saveShared();
    await waitForState(a.store, (state) => state.status === 'ready');
    await a.store.getState().flushSaves();
    expect(questions(a.store)).toEqual(['/echo 공유할 대화']);
    expect(endedWith(shown)(await storedAnswer(a.repository, id))).toBe(true);
  });

  it('deleted and brought back in the same tab, is stopped with all its text, and can be regenerated', async () => {
    const a = await streaming();
    const shown = a.shown();
    await a.store.getState().deleteConversation(a.id);
    await waitForState(a.store, (state) => state.status === 'ready');
    await a.store.getState().flushSaves();
    expect(await a.repository.get(a.id)).toBeUndefined();

    await a.store.getState().undoDelete();
    await a.store.getState().flushSaves();
    const restored = a.store.getState().messages.at(-1);
    expect(restored).toMatchObject({ status: 'stopped' });
    expect(endedWith(shown)(restored?.role === 'assistant' ? restored : undefined)).toBe(true);
    // The end the answer reached while its conversation was deleted, statistics included, came back with it.
    const answer = await storedAnswer(a.repository, a.id);
    expect(answer).toMatchObject({ status: 'stopped', content: restored?.content });
    expect(answer?.status === 'stopped' && answer.usage.completionTokens).toBeGreaterThan(0);
    expect(a.store.getState().regenerate(0)).toBe('sent');
    await waitForState(a.store, (state) => state.status === 'ready');
  });

  it('deleted in another tab and brought back there, is stopped in both tabs with all its text', async () => {
    const tabs = browser();
    const a = await streaming('a', tabs);
    const b = await tabs.tab('b');
    expect(b.store.getState().current.id).toBe(a.id);
    const shown = a.shown();
    await b.store.getState().deleteConversation(a.id);
    await waitForState(a.store, (state) => state.status === 'ready' && state.current.id !== a.id);
    await b.store.getState().undoDelete();
    await b.store.getState().flushSaves();
    // B brought back what it had, which nothing writes any more: stopped, never streaming.
    expect(b.store.getState().messages.at(-1)).toMatchObject({ status: 'stopped' });
    // A writes where its answer ended (its statistics say so), and B shows it.
    await expect
      .poll(async () => {
        const answer = await storedAnswer(b.repository, a.id);
        return answer?.status === 'stopped' && answer.usage.completionTokens > 0;
      })
      .toBe(true);
    const answer = await storedAnswer(a.repository, a.id);
    expect(endedWith(shown)(answer)).toBe(true);
    await waitForState(b.store, (state) => state.messages.at(-1)?.content === answer?.content);
    await a.store.getState().openConversation(a.id);
    expect(a.store.getState().messages.at(-1)).toMatchObject({ status: 'stopped', content: answer?.content });
  });
});

describe('a listed conversation whose records cannot be read', () => {
  it('says so when opened, and is listed as unreadable, its records kept', async () => {
    const { tab, factory } = browser();
    const { store } = await tab('A');
    await store.getState().loadModel();
    await answered(store, '/echo 손상될 대화');
    const id = store.getState().current.id;
    store.getState().newConversation();
    await answered(store, '/echo 멀쩡한 대화');
    const current = store.getState().current.id;

    const versionsOf = async (conversationId: string) =>
      ((await all(factory, VERSIONS_STORE)) as { conversationId: string }[]).filter(
        (record) => record.conversationId === conversationId,
      );
    const [stored] = await versionsOf(id);
    const damaged = { ...stored, answer: { status: 'complete' } };
    await putRaw(factory, VERSIONS_STORE, [damaged]);

    await store.getState().openConversation(id);
    expect(store.getState().current.id).toBe(current);
    expect(store.getState().notice).toEqual({ kind: 'unreadable', title: '/echo 손상될 대화' });
    expect(store.getState().conversations.map((summary) => summary.id)).toEqual([current]);
    expect(store.getState().unreadable.map((entry) => entry.id)).toEqual([id]);
    expect(await versionsOf(id)).toEqual([damaged]);
  });
});
