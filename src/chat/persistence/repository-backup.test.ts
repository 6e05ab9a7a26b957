import { all, closeRepositories, openRepository, withUnreadable } from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { conversation, exchange, version } from '../../test/conversation-fixtures';
import { activePath } from '../../conversation/conversation';
import { RECORD_SCHEMA } from '../../conversation/formats/records';
import { CONVERSATIONS_STORE } from './database';

afterEach(closeRepositories);

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
    expect(report).toEqual({ added: 1, updated: 0, kept: 0, unreadableAdded: 1 });
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
    expect(report).toEqual({ added: 1, updated: 1, kept: 2, unreadableAdded: 0 });
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
