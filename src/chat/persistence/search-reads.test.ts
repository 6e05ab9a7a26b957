import { closeRepositories, headFor, openRepository, storedHead } from '../../test/stored-conversations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversation, exchange, trip, version } from '../../test/conversation-fixtures';
import { openConversationDatabase, SEARCH_HEAD_STORE, SEARCH_TEXT_STORE, UPDATED_AT_INDEX } from './database';

afterEach(closeRepositories);

describe('what a search reads of the text it kept', () => {
  it('reads the heads of the newest conversations’ text in one request, once a search has read them whole', async () => {
    const { repository, factory } = openRepository();
    for (let index = 0; index < 60; index += 1) {
      await repository.save(
        conversation(
          `c${index}`,
          index + 1,
          exchange(`e${index}`, [version(`${index}번 질문입니다`, '답입니다')]),
        ),
        undefined,
      );
    }
    const first = await repository.search('니다');
    expect(first.hits).toHaveLength(50);
    expect(first.more).toBe(true);
    await storedHead(factory, 'c10');
    const indexReads = vi.spyOn(IDBIndex.prototype, 'getAll');
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    try {
      expect(await repository.search('니다')).toEqual(first);
      // No header or version record: the heads, through the time index, in one request.
      const indexes = indexReads.mock.contexts as IDBIndex[];
      expect(indexes.map((index) => `${index.objectStore.name}.${index.name}`)).toEqual([
        `${SEARCH_HEAD_STORE}.${UPDATED_AT_INDEX}`,
      ]);
      expect(gets).not.toHaveBeenCalled();
    } finally {
      indexReads.mockRestore();
      gets.mockRestore();
    }
  });

  it('reads the whole text of a long conversation where its head does not settle the search', async () => {
    const { repository, factory } = openRepository();
    const long = `${'긴 답입니다. '.repeat(150)}끝에 있는 백록담`;
    const ending = `${'앞 '.repeat(485)}경계의 말 ${'뒤'.repeat(100)}`;
    await repository.save(conversation('long', 10, exchange('l', [version('질문', long)])), undefined);
    await repository.save(conversation('edge', 20, exchange('g', [version('질문', ending)])), undefined);
    const hits = async (query: string) =>
      (await repository.search(query)).hits.map(({ id, snippet }) => [id, snippet]);
    expect(await hits('백록담')).toEqual([['long', '…끝에 있는 백록담']]);
    expect(await hits('경계의 말')).toEqual([['edge', `…앞 앞 앞 앞 경계의 말 ${'뒤'.repeat(23)}…`]]);
    await storedHead(factory, 'long');
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    try {
      // Read from the heads and whole texts the first searches wrote, and found the same.
      expect(await hits('백록담')).toEqual([['long', '…끝에 있는 백록담']]);
      expect(await hits('경계의 말')).toEqual([['edge', `…앞 앞 앞 앞 경계의 말 ${'뒤'.repeat(23)}…`]]);
      expect(await hits('긴 답')).toEqual([['long', '긴 답입니다. 긴 답입니다. 긴 답입니다. 긴 답…']]);
      const objectStores = gets.mock.contexts as IDBObjectStore[];
      expect(objectStores.map(({ name }) => name)).toEqual([SEARCH_TEXT_STORE, SEARCH_TEXT_STORE]);
    } finally {
      gets.mockRestore();
    }
  });

  it('reads a text that does not match its summary as missing', async () => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    const db = await openConversationDatabase(factory);
    await db.put(SEARCH_HEAD_STORE, { ...headFor(trip()), head: '' });
    await db.put(SEARCH_HEAD_STORE, { id: 'damaged', updatedAt: 'yesterday' });
    db.close();
    // The same time as the summary: taken as it is (and it holds nothing).
    expect((await repository.search('해운대')).hits).toEqual([]);
    await repository.save({ ...trip(), updatedAt: 5000 }, trip());
    const moved = await openConversationDatabase(factory);
    await moved.put(SEARCH_HEAD_STORE, { ...headFor(trip()), head: '' });
    moved.close();
    // Written for an older time than the summary's: read whole.
    expect((await repository.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
  });
});
