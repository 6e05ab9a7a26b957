import {
  all,
  closeRepositories,
  openRepository,
  putRaw,
  withUnreadable,
} from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { conversation, exchange, long, trip, version } from '../../test/conversation-fixtures';
import { activePath } from '../../conversation/conversation';
import { toConversationData } from '../../conversation/formats/conversation-data';
import { RECORD_SCHEMA, toRecords } from '../../conversation/formats/records';
import { SUMMARIES_STORE, VERSIONS_STORE } from './database';

afterEach(closeRepositories);

describe('reading and listing conversations', () => {
  it('gives back what it was given, every version and what followed each', async () => {
    const { repository } = openRepository();
    await repository.save(trip(), undefined);
    expect(await repository.get('trip')).toEqual(trip());
    expect(await repository.get('missing')).toBeUndefined();
  });

  it('lists the newest first, with the last question on the selected path as preview', async () => {
    const { repository } = openRepository();
    await repository.save(conversation('old', 1000, exchange('a', [version('첫 질문', '답')])), undefined);
    await repository.save(trip(), undefined);
    await repository.save(
      conversation('other', 2000, exchange('b', [version('다른 질문', '답')])),
      undefined,
    );
    expect((await repository.list()).summaries).toEqual([
      { id: 'trip', title: '서울 여행', updatedAt: 3000, preview: '입장료는 얼마인가요?' },
      { id: 'other', title: '대화 other', updatedAt: 2000, preview: '다른 질문' },
      { id: 'old', title: '대화 old', updatedAt: 1000, preview: '첫 질문' },
    ]);

    const old = await repository.get('old');
    if (!old) throw new Error('saved');
    await repository.save({ ...old, updatedAt: 4000 }, old);
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['old', 'trip', 'other']);
  });

  it('saves and reads a conversation far longer than structured clone could nest', async () => {
    const { repository } = openRepository();
    await repository.save(long('long', 3000), undefined);
    const read = await repository.get('long');
    // Compared flat: the matcher recurses and would itself run out of stack on the nested trees.
    expect(read && toConversationData(read)).toEqual(toConversationData(long('long', 3000)));
    expect(read && activePath(read).at(-1)?.version.question).toBe('질문 2999');
  });
});

describe('what this version cannot read', () => {
  it('is listed apart with the reason, and cannot be opened', async () => {
    const { repository, skipped } = await withUnreadable();
    const list = await repository.list();
    expect(list.summaries.map(({ id }) => id)).toEqual(['trip']);
    expect(list.unreadable).toEqual([
      {
        id: 'future',
        unreadable: `record.schema: format ${RECORD_SCHEMA + 1} is newer than this version reads (${RECORD_SCHEMA})`,
      },
    ]);
    expect(await repository.get('future')).toBeUndefined();
    expect(skipped.map(({ key }) => key)).toEqual(['future']);
    // What the newer version wrote stays as it wrote it.
    expect(await repository.list()).toEqual(list);
  });

  it('lists a conversation whose version record is damaged as unreadable once read, leaving its records', async () => {
    const { repository, skipped, factory } = openRepository();
    await repository.save(trip(), undefined);
    const [first, ...others] = toRecords(trip()).versions;
    if (!first) throw new Error('trip has versions');
    const damaged = { ...first, answer: { ...first.answer, content: 42 } };
    await putRaw(factory, VERSIONS_STORE, [damaged]);
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['trip']);

    expect(await repository.get('trip')).toBeUndefined();
    const reason = expect.stringMatching(/^versions\[\d+\]\.answer\.content: expected a string$/) as string;
    expect(skipped).toEqual([{ key: 'trip', reason }]);
    expect(await repository.list()).toEqual({
      summaries: [],
      unreadable: [{ id: 'trip', unreadable: reason }],
    });
    expect(await all(factory, VERSIONS_STORE)).toEqual(expect.arrayContaining([damaged, ...others]));
    const backup = await repository.backup();
    expect(backup.unreadable).toHaveLength(1);
    expect(backup.unreadable[0]?.versions).toContainEqual(damaged);
    expect(await all(factory, SUMMARIES_STORE)).toHaveLength(1);
  });
});
