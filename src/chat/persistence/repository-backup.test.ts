import { all, closeRepositories, openRepository, withUnreadable } from '../../test/stored-conversations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversation, exchange, trip, version } from '../../test/conversation-fixtures';
import { activePath } from '../../conversation/conversation';
import { RECORD_SCHEMA } from '../../conversation/formats/records';
import { CONVERSATIONS_STORE, EVERY_STORE, openConversationDatabase } from './database';

afterEach(() => {
  closeRepositories();
  vi.restoreAllMocks();
});

/** Every record of every store, as stored. */
async function everything(factory: IDBFactory): Promise<Record<string, unknown[]>> {
  const db = await openConversationDatabase(factory);
  const stores = await Promise.all(EVERY_STORE.map(async (name) => [name, await db.getAll(name)] as const));
  db.close();
  return Object.fromEntries(stores);
}

/**
 * Makes IndexedDB's `put` fail after `after` more calls: it throws `QuotaExceededError` (`quota`), or aborts
 * its transaction (`abort`), as a full disk or the browser would.
 */
function failPuts(fault: 'quota' | 'abort', after: number): void {
  const put: IDBObjectStore['put'] = Reflect.get(IDBObjectStore.prototype, 'put');
  let left = after;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) {
    left -= 1;
    if (left >= 0) return put.apply(this, args);
    if (fault === 'quota') throw new DOMException('The quota is exceeded.', 'QuotaExceededError');
    const request = put.apply(this, args);
    this.transaction.abort();
    return request;
  });
}

const backup = () => ({
  conversations: [
    conversation('first', 10, exchange('a', [version('첫째', '답')])),
    conversation('second', 20, exchange('b', [version('둘째', '답')])),
    conversation('third', 30, exchange('c', [version('셋째', '답')])),
  ],
  unreadable: [{ record: { id: 'from-the-future', schema: 99 }, versions: [] }],
});

describe('what this version cannot read', () => {
  it('goes into a full backup exactly as stored', async () => {
    const { repository } = await withUnreadable();
    const { conversations, unreadable } = await repository.backup();
    expect(conversations.map(({ id }) => id)).toEqual(['trip']);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]?.record).toMatchObject({
      id: 'future',
      schema: RECORD_SCHEMA + 1,
      extra: { kept: true },
    });
    expect(unreadable[0]?.versions).toHaveLength(1);
  });

  it('survives an import, which adds unreadable records of its own as they are', async () => {
    const { repository, factory } = await withUnreadable();
    const report = await repository.import({
      conversations: [conversation('future', 99_999, exchange('x', [version('덮어쓰기?', '아니요')]))],
      unreadable: [{ record: { id: 'other-future', schema: 7 }, versions: [] }],
    });
    expect(report).toEqual({ added: 1, updated: 0, kept: 0, unreadableAdded: 1, skipped: 0 });
    const records = await all(factory, CONVERSATIONS_STORE);
    expect(records).toContainEqual(expect.objectContaining({ id: 'future', extra: { kept: true } }));
    expect(records).toContainEqual({ id: 'other-future', schema: 7 });
    const list = await repository.list();
    expect(list.unreadable.map(({ id }) => id).sort()).toEqual(['future', 'other-future']);
    // The backup's readable copy of "future" was added beside it, under a new id.
    expect(await repository.get('new-1')).toMatchObject({ title: '대화 future' });
  });
});

describe('importing', () => {
  it('adds what is new, replaces only what the backup has newer, and says so', async () => {
    const { repository } = openRepository();
    await repository.save(conversation('same', 100, exchange('s', [version('그대로', '답')])), undefined);
    await repository.save(
      conversation('newer-here', 500, exchange('n', [version('여기가 새것', '답')])),
      undefined,
    );
    await repository.save(
      conversation('older-here', 100, exchange('o', [version('여기가 옛것', '답')])),
      undefined,
    );
    const report = await repository.import({
      conversations: [
        conversation('same', 100, exchange('s', [version('그대로', '답')])),
        conversation('newer-here', 200, exchange('n', [version('백업이 옛것', '답')])),
        conversation('older-here', 900, exchange('o2', [version('백업이 새것', '답')])),
        conversation('fresh', 50, exchange('f', [version('처음 보는 것', '답')])),
      ],
      unreadable: [],
    });
    expect(report).toEqual({ added: 1, updated: 1, kept: 2, unreadableAdded: 0, skipped: 0 });
    const questions = async (id: string) => {
      const read = await repository.get(id);
      return read && activePath(read).map(({ version: { question } }) => question);
    };
    expect(await questions('newer-here')).toEqual(['여기가 새것']);
    expect(await questions('older-here')).toEqual(['백업이 새것']);
    expect(await questions('fresh')).toEqual(['처음 보는 것']);
    expect((await repository.search('백업이 새것')).hits.map(({ id }) => id)).toEqual(['older-here']);
    expect((await repository.search('여기가 옛것')).hits).toEqual([]);
  });
});

describe('an import that fails', () => {
  it.each([
    ['quota', 'quota-exceeded'],
    ['abort', 'write-failed'],
  ] as const)('halfway (%s) writes none of it, and says why (%s)', async (fault, code) => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    const before = await everything(factory);
    // Past the first conversation's records: what was put before the failure is taken back too.
    failPuts(fault, 8);
    await expect(repository.import(backup())).rejects.toMatchObject({
      name: 'ConversationRepositoryError',
      code,
    });
    vi.restoreAllMocks();
    expect(await everything(factory)).toEqual(before);
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['trip']);
    // The same backup goes in whole once there is room.
    expect(await repository.import(backup())).toMatchObject({ added: 3, unreadableAdded: 1 });
  });
});

describe('a conversation a backup holds both readable and unreadable', () => {
  it('comes in readable, and the unreadable copy is told as left out', async () => {
    const { repository, factory } = openRepository();
    const twin = conversation('twin', 10, exchange('t', [version('읽을 수 있는 사본', '답')]));
    const report = await repository.import({
      conversations: [twin],
      unreadable: [
        { record: { id: 'twin', schema: 99, title: '읽을 수 없는 사본' }, versions: [] },
        { record: { id: 'alone', schema: 99 }, versions: [] },
      ],
    });
    expect(report).toEqual({ added: 1, updated: 0, kept: 0, unreadableAdded: 1, skipped: 1 });
    expect(await all(factory, CONVERSATIONS_STORE)).toContainEqual(
      expect.objectContaining({ id: 'twin', schema: RECORD_SCHEMA, title: '대화 twin' }),
    );
    const read = await repository.get('twin');
    expect(read && activePath(read).map(({ version: { question } }) => question)).toEqual([
      '읽을 수 있는 사본',
    ]);
    expect((await repository.list()).unreadable.map(({ id }) => id)).toEqual(['alone']);
  });
});
