import { all, closeRepositories, openRepository, putRaw } from '../../test/stored-conversations';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ask,
  chosenVersionId,
  complete,
  conversation,
  exchange,
  trip,
  tripWithTokens,
  version,
} from '../../test/conversation-fixtures';
import { fakeBrowser } from '../../test/fake-tabs';
import { activePath } from '../../conversation/conversation';
import { toConversationData } from '../../conversation/formats/conversation-data';
import { LEGACY_RECORD_SCHEMA, toRecords } from '../../conversation/formats/records';
import { CONVERSATIONS_STORE, conversationMigrations, VERSIONS_STORE } from './database';

afterEach(closeRepositories);

describe('the answers’ ids', () => {
  it('keeps them with their version, packed into strings, for the next page', async () => {
    const { repository, factory } = openRepository();
    await repository.save(tripWithTokens(), undefined);
    const later = openRepository({ factory }).repository;
    expect(await later.get('trip')).toEqual(tripWithTokens());
    const records = (await all(factory, VERSIONS_STORE)) as { id: string; tokens?: unknown }[];
    expect(records.find(({ id }) => id === chosenVersionId)?.tokens).toEqual({
      promptIds: expect.stringMatching(/^u16:[A-Za-z0-9+/=]+$/) as string,
      answerIds: expect.stringMatching(/^u16:[A-Za-z0-9+/=]+$/) as string,
    });
    expect(records.filter((record) => 'tokens' in record).map(({ id }) => id)).toEqual([chosenVersionId]);
  });

  it('reads records written before ids were kept, and ids it cannot read, as answers without ids', async () => {
    // No new database version: the ids are an optional field of the version records, and no store or
    // index changed, so the records the previous release wrote at version 2 are read as they are (without
    // ids: the engine encodes those answers from their text), and that release, open in another tab,
    // reads the new records too, since `v.object` leaves out the fields it does not know.
    const { repository, factory, skipped } = openRepository();
    await repository.list();
    const { header, versions } = toRecords(trip());
    const damaged = versions.map((record) =>
      record.id === chosenVersionId ? { ...record, tokens: { promptIds: 'zip:AAAA', answerIds: 5 } } : record,
    );
    await putRaw(factory, CONVERSATIONS_STORE, [header]);
    await putRaw(factory, VERSIONS_STORE, damaged);
    const read = await openRepository({ factory }).repository.get('trip');
    expect(read).toEqual(trip());
    expect(read && activePath(read).map(({ version: v }) => 'tokens' in v)).toEqual([false, false]);
    expect(skipped).toEqual([]);
  });
});

describe('answers still being written', () => {
  const interrupted = (content: string, createdAt: number) => ({
    content,
    createdAt,
    status: 'stopped',
    usage: {
      promptTokens: 0,
      completionTokens: 0,
      prefillTokensPerSecond: 0,
      decodeTokensPerSecond: 0,
      timeToFirstTokenMs: 0,
      totalMs: 0,
    },
    droppedTurns: 0,
    interrupted: true,
  });

  it('stay live while the tab writing them is open, and come back interrupted once it is gone', async () => {
    const factory = new IDBFactory();
    const browser = fakeBrowser();
    const a = openRepository({ factory, presence: browser.presence('tab-a') }).repository;
    const b = openRepository({ factory, presence: browser.presence('tab-b') }).repository;
    await a.save(ask(trip(), '쓰는 중', 5000, { status: 'streaming' }), undefined);

    const whileOpen = await b.get('trip');
    expect(whileOpen && activePath(whileOpen).at(-1)?.version.answer.status).toBe('streaming');

    browser.open.delete('tab-a');
    const afterwards = await b.get('trip');
    expect(afterwards && activePath(afterwards).at(-1)?.version.answer).toEqual(
      interrupted('쓰는 중의 답', 5001),
    );
  });

  it('are interrupted when no tab is named as writing them (records of database version 1)', async () => {
    const factory = new IDBFactory();
    const left = conversation(
      'c',
      1,
      exchange('e1', [
        version('첫 번째', '쓰다 만 답', { status: 'streaming' }),
        version(
          '다시',
          '다 쓴 답',
          complete,
          exchange('e2', [version('두 번째', '', { status: 'pending' })]),
        ),
      ]),
    );
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [{ schema: LEGACY_RECORD_SCHEMA, ...toConversationData(left) }],
      conversationMigrations.slice(0, 1),
    );
    const read = await openRepository({ factory }).repository.get('c');
    expect(read?.first?.versions[0]?.answer).toEqual(interrupted('쓰다 만 답', 1001));
    expect(read?.first?.versions[1]?.answer).toEqual(left.first?.versions[1]?.answer);
    expect(read?.first?.versions[1]?.next?.versions[0]?.answer).toEqual(interrupted('', 1001));
  });

  it('are live when this tab writes them', async () => {
    const { repository } = openRepository();
    await repository.save(ask(trip(), '쓰는 중', 5000, { status: 'streaming' }), undefined);
    const read = await repository.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer.status).toBe('streaming');
  });
});
