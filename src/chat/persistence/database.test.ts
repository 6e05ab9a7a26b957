import {
  all,
  closeRepositories,
  headFor,
  openRepository,
  putRaw,
  rejection,
  storedHead,
} from '../../test/stored-conversations';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { long, trip } from '../../test/conversation-fixtures';
import type { Conversation } from '../../conversation/conversation';
import { toConversationData } from '../../conversation/formats/conversation-data';
import { LEGACY_RECORD_SCHEMA, toRecords } from '../../conversation/formats/records';
import {
  CONVERSATIONS_STORE,
  conversationMigrations,
  DATABASE_NAME,
  DATABASE_VERSION,
  openConversationDatabase,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  SUMMARIES_STORE,
  UPDATED_AT_INDEX,
  VERSIONS_STORE,
  type Migration,
} from './database';
import { summarize } from './summaries';

afterEach(closeRepositories);

describe('the database', () => {
  it('is created at the current version with its stores and indexes', async () => {
    expect(conversationMigrations.map(({ version: v }) => v).at(-1)).toBe(DATABASE_VERSION);
    const db = await openConversationDatabase(new IDBFactory());
    expect(db.name).toBe(DATABASE_NAME);
    expect(db.version).toBe(DATABASE_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        CONVERSATIONS_STORE,
        'exitWrites',
        SEARCH_STORE,
        SEARCH_HEAD_STORE,
        SEARCH_TEXT_STORE,
        'staleSearch',
        SUMMARIES_STORE,
        VERSIONS_STORE,
      ].sort(),
    );
    const transaction = db.transaction(CONVERSATIONS_STORE);
    expect(transaction.store.keyPath).toBe('id');
    expect(transaction.store.index(UPDATED_AT_INDEX).keyPath).toBe('updatedAt');
    const texts = db.transaction(SEARCH_HEAD_STORE).store;
    expect(texts.index(UPDATED_AT_INDEX).keyPath).toBe('updatedAt');
    db.close();
  });

  it('is brought from version 2: a search reads conversations whole until it has written their text', async () => {
    const factory = new IDBFactory();
    const version2 = conversationMigrations.slice(0, 2);
    const { header, versions } = toRecords(trip());
    await putRaw(factory, CONVERSATIONS_STORE, [header], version2);
    await putRaw(factory, VERSIONS_STORE, versions, version2);
    await putRaw(factory, SUMMARIES_STORE, [summarize(trip())], version2);
    const { repository } = openRepository({ factory });
    expect((await repository.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(trip()));
    expect((await repository.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('is brought from version 1: each conversation split into versions, with its summary and search filter', async () => {
    const factory = new IDBFactory();
    const version1 = conversationMigrations.slice(0, 1);
    const legacy = (value: Conversation) => ({
      schema: LEGACY_RECORD_SCHEMA,
      ...stripIds(toConversationData(value)),
    });
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [
        legacy(trip()),
        legacy(long('long', 3)),
        { schema: LEGACY_RECORD_SCHEMA, id: 'broken', title: '시간 없음' },
        { schema: 5, id: 'from-the-future', whatever: [1, 2, 3] },
      ],
      version1,
    );

    const { repository } = openRepository({ factory });
    const read = await repository.get('trip');
    expect(read && toConversationData(read)).toEqual(
      toConversationData(trip()).exchanges.length && {
        ...toConversationData(trip()),
        exchanges: toConversationData(trip()).exchanges.map((e) => ({
          ...e,
          versions: e.versions.map((v, index) => ({ ...v, id: `${e.id}#${index}` })),
        })),
      },
    );
    const list = await repository.list();
    expect(list.summaries.map(({ id }) => id)).toEqual(['trip', 'long']);
    expect(list.unreadable.map(({ id }) => id).sort()).toEqual(['broken', 'from-the-future']);
    expect((await repository.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
    // The records it could not read are exactly as they were.
    expect(await all(factory, CONVERSATIONS_STORE)).toContainEqual({
      schema: 5,
      id: 'from-the-future',
      whatever: [1, 2, 3],
    });
  });

  it('stays as it was when a migration fails', async () => {
    const factory = new IDBFactory();
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [{ schema: 1, ...toConversationData(trip()) }],
      conversationMigrations.slice(0, 1),
    );
    const failing: Migration = {
      version: 2,
      async migrate(_db, transaction) {
        await transaction.objectStore(CONVERSATIONS_STORE).clear();
        throw new Error('the new format was wrong');
      },
    };
    const error = await rejection(
      openConversationDatabase(factory, [conversationMigrations[0] as Migration, failing]),
    );
    expect(error.code).toBe('migration-failed');
    expect(error.message).toBe('Error: the new format was wrong');

    const { repository } = openRepository({ factory });
    expect((await repository.get('trip'))?.title).toBe('서울 여행');
  });

  it('is refused, with the reason, when a newer version upgraded it', async () => {
    const factory = new IDBFactory();
    const newer: Migration = { version: DATABASE_VERSION + 1, migrate: () => undefined };
    (await openConversationDatabase(factory, [...conversationMigrations, newer])).close();
    const { repository } = openRepository({ factory });
    expect((await rejection(repository.list())).code).toBe('newer-version');
  });

  it('lets another tab upgrade it, and opens again afterwards', async () => {
    const factory = new IDBFactory();
    const { repository } = openRepository({ factory });
    await repository.save(trip(), undefined);
    const newer: Migration = { version: DATABASE_VERSION + 1, migrate: () => undefined };
    (await openConversationDatabase(factory, [...conversationMigrations, newer])).close();
    expect((await rejection(repository.list())).code).toBe('newer-version');
  });

  it('needs migrations that count up from 1', () => {
    expect(() => openConversationDatabase(new IDBFactory(), conversationMigrations.slice(1))).toThrow(
      RangeError,
    );
  });
});

/** A conversation as a file or database of before version ids had written it. */
function stripIds<T extends { exchanges: readonly { versions: readonly object[] }[] }>(data: T): T {
  return {
    ...data,
    exchanges: data.exchanges.map((e) => ({
      ...e,
      versions: e.versions.map((v) => {
        const { id: _id, ...rest } = v as { id?: string };
        return rest;
      }),
    })),
  };
}
