// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { answered, openStoredChat } from '../../test/stored-chat';
import { createConversationList, withListed } from './conversation-list';
import type { ConversationSlice } from './conversation-state';
import { createConversationRepository } from '../persistence/conversation-repository';
import type { ConversationSummary } from '../persistence/schemas';
import { conversationOf, version } from '../../test/conversations';
import { ConversationRepositoryError } from '../persistence/conversation-repository';
import type { StorageProblem } from '../types';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** A store over IndexedDB (the fake) and the scripted engine. */
async function storedChat() {
  const connection = connectScriptedEngine();
  const repository = createConversationRepository({ factory: new IDBFactory() });
  cleanups.push(() => {
    connection.close();
    repository.close();
  });
  const counters = { clock: 1000, ids: 0 };
  const store = await openStoredChat('A', counters, {
    engine: connection.client,
    artifactsBaseUrl: 'http://localhost/models/',
    repository,
  });
  return { store, repository, counters };
}

const entry = (
  id: string,
  updatedAt: number,
  fields: Partial<ConversationSummary> = {},
): ConversationSummary => ({
  id,
  title: `대화 ${id}`,
  preview: `질문 ${id}`,
  updatedAt,
  ...fields,
});

describe('an entry put in the list', () => {
  const list = [entry('b', 2000), entry('a', 1000)];

  it('goes first when its conversation was saved last, once', () => {
    expect(withListed(list, entry('a', 3000))?.map(({ id }) => id)).toEqual(['a', 'b']);
    expect(withListed(list, entry('c', 500))?.map(({ id }) => id)).toEqual(['b', 'a', 'c']);
  });

  it('leaves the list as it is when the newest entry is saved again within a minute, reading the same', () => {
    expect(withListed(list, entry('b', 2000 + 59_999))).toBeUndefined();
    expect(withListed(list, entry('b', 2000 + 60_000))?.[0]?.updatedAt).toBe(62_000);
  });

  it('changes the list when the newest entry reads otherwise', () => {
    expect(withListed(list, entry('b', 2001, { title: '새 제목' }))?.[0]?.title).toBe('새 제목');
    expect(withListed(list, entry('b', 2001, { preview: '새 질문' }))?.[0]?.preview).toBe('새 질문');
  });
});

describe('the list kept in the store', () => {
  function listStore() {
    const repository = createConversationRepository({ factory: new IDBFactory() });
    cleanups.push(() => repository.close());
    const store = createStore<Pick<ConversationSlice, 'conversations' | 'unreadable'>>()(() => ({
      conversations: [],
      unreadable: [],
    }));
    const told: StorageProblem[] = [];
    const tell = (problem: StorageProblem) => told.push(problem);
    return {
      store,
      repository,
      told,
      list: createConversationList({ set: store.setState, repository, tell }),
    };
  }

  it('is read from storage, and follows what is saved and removed without reading it again', async () => {
    const { store, repository, list } = listStore();
    await repository.save(conversationOf('a', [version('v', '저장된 질문')], { updatedAt: 10 }), undefined);
    await list.refresh();
    expect(store.getState().conversations.map(({ id }) => id)).toEqual(['a']);
    list.listed(entry('b', 20));
    expect(store.getState().conversations.map(({ id }) => id)).toEqual(['b', 'a']);
    const before = store.getState();
    list.listed(entry('b', 30));
    expect(store.getState()).toBe(before);
    list.unlisted('a');
    expect(store.getState().conversations.map(({ id }) => id)).toEqual(['b']);
  });

  it('stays as it was when it cannot be read, and says why', async () => {
    const { store, repository, list, told } = listStore();
    await repository.save(conversationOf('a', [version('v', '저장된 질문')]), undefined);
    await list.refresh();
    vi.spyOn(repository, 'list').mockRejectedValue(
      new ConversationRepositoryError(
        'newer-version',
        'VersionError: The requested version is less than the existing',
      ),
    );
    await list.refresh();
    expect(store.getState().conversations.map(({ id }) => id)).toEqual(['a']);
    expect(told).toEqual([
      {
        kind: 'not-read',
        failure: 'newer-version',
        detail: 'VersionError: The requested version is less than the existing',
      },
    ]);
  });
});

describe('the list of conversations', () => {
  it('is not built again for each save of a streaming answer, and takes the new time after a minute', async () => {
    const { store, repository, counters } = await storedChat();
    await store.getState().loadModel();
    await answered(store, '/echo 첫 답');
    const saves = vi.spyOn(repository, 'save');
    const lists = new Set<unknown>([store.getState().conversations]);
    const unsubscribe = store.subscribe((state) => lists.add(state.conversations));
    await answered(store, `/echo ${'자라나는 답변입니다. '.repeat(60)}`);
    unsubscribe();
    expect(saves.mock.calls.length).toBeGreaterThan(4);
    // Built again once, for the new question (the entry's preview); the answer's saves leave it as it is.
    expect(lists.size).toBe(2);
    const [entry] = store.getState().conversations;
    expect(entry?.updatedAt).toBeLessThan(store.getState().current.updatedAt);

    counters.clock += 60_000;
    store.getState().setSampling({ temperature: 0.5 });
    await store.getState().flushSaves();
    expect(store.getState().conversations[0]?.updatedAt).toBe(store.getState().current.updatedAt);
  });
});
