// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { StorageProblem } from '../types';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { conversationOf, version } from '../../test/conversations';
import { createConversationSearch } from './conversation-search';
import type { ConversationSlice } from './conversation-state';
import {
  ConversationRepositoryError,
  createConversationRepository,
} from '../persistence/conversation-repository';
import type { ConversationRepository } from '../persistence/repository-types';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** A store with only what a search shows. */
const searchStore = () =>
  createStore<Pick<ConversationSlice, 'searchResults' | 'searchMore'>>()(() => ({
    searchResults: undefined,
    searchMore: false,
  }));

/** Stored conversations (IndexedDB, the fake) and a search over them. */
async function searching(edge: (stored: ConversationRepository) => ConversationRepository = (s) => s) {
  const repository = createConversationRepository({ factory: new IDBFactory() });
  cleanups.push(() => repository.close());
  await repository.save(conversationOf('cat', [version('v1', '고양이는 왜 상자를 좋아하나요?')]), undefined);
  await repository.save(conversationOf('dog', [version('v2', '강아지 산책은 얼마나?')]), undefined);
  const store = searchStore();
  const told: StorageProblem[] = [];
  const search = createConversationSearch({
    set: store.setState,
    repository: edge(repository),
    tell: (problem) => told.push(problem),
  });
  const found = () => store.getState().searchResults?.map(({ id }) => id);
  return { store, search, repository, found, told };
}

describe('searching the stored conversations', () => {
  it('shows the conversations that hold the text, and nothing once the query is cleared', async () => {
    const { store, search, found } = await searching();
    await search.searchConversations('고양이');
    expect(found()).toEqual(['cat']);
    expect(store.getState().searchMore).toBe(false);
    await search.searchConversations('   ');
    expect(store.getState()).toEqual({ searchResults: undefined, searchMore: false });
  });

  it('shows the latest search only: an earlier one that ends later is dropped', async () => {
    let release = (): void => undefined;
    const { search, found } = await searching((stored) => ({
      ...stored,
      search: async (text, limit) => {
        if (text === '고양이') await new Promise<void>((resolve) => (release = resolve));
        return stored.search(text, limit);
      },
    }));
    const slow = search.searchConversations('고양이');
    await search.searchConversations('강아지');
    release();
    await slow;
    expect(found()).toEqual(['dog']);
  });

  it('runs the last search again when asked, and none once it was cleared', async () => {
    let searches = 0;
    const { search, repository, found } = await searching((stored) => ({
      ...stored,
      search: (text, limit) => {
        searches += 1;
        return stored.search(text, limit);
      },
    }));
    await search.searchConversations('산책');
    await repository.save(conversationOf('walk', [version('v3', '산책 코스 추천')]), undefined);
    search.searchAgain();
    await expect.poll(found).toEqual(expect.arrayContaining(['dog', 'walk']) as string[]);
    await search.searchConversations('');
    search.searchAgain();
    expect(searches).toBe(2);
  });

  it('finds nothing without storage', async () => {
    const store = searchStore();
    await createConversationSearch({
      set: store.setState,
      repository: undefined,
      tell: () => undefined,
    }).searchConversations('뭐든');
    expect(store.getState()).toEqual({ searchResults: [], searchMore: false });
  });

  it('shows no results it did not find when storage cannot be read, and says so', async () => {
    const { store, search, told } = await searching((stored) => ({
      ...stored,
      search: () => Promise.reject(new ConversationRepositoryError('read-failed', 'UnknownError: gone')),
    }));
    await search.searchConversations('고양이');
    expect(store.getState().searchResults).toBeUndefined();
    expect(told).toEqual([{ kind: 'not-read', failure: 'failed', detail: 'UnknownError: gone' }]);
  });
});
