import { all, closeRepositories, openRepository, putRaw } from '../../test/stored-conversations';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answerTokens,
  ask,
  chosenVersionId,
  conversation,
  trip,
  tripWithTokens,
} from '../../test/conversation-fixtures';
import { activePath, updateAt, updateVersion } from '../../conversation/conversation';
import { VERSIONS_STORE } from './database';

afterEach(closeRepositories);

describe('saving changes', () => {
  it('writes only the versions that changed', async () => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    const stored = await repository.get('trip');
    if (!stored) throw new Error('saved');
    // Another writer's record, changed behind this tab's back: a save that does not touch it leaves it.
    const [followUp] = (await all(factory, VERSIONS_STORE)).filter(
      (record) => (record as { id: string }).id === 'v:입장료는 얼마인가요?',
    );
    await putRaw(factory, VERSIONS_STORE, [
      {
        ...(followUp as object),
        answer: { ...(followUp as { answer: object }).answer, content: '다른 탭의 답' },
      },
    ]);
    await repository.save(ask(stored, '새 질문', 5000), stored);
    const read = await repository.get('trip');
    expect(read && activePath(read).map(({ version }) => version.answer.content)).toEqual([
      '남산 서울타워를 추천합니다.',
      '다른 탭의 답',
      '새 질문의 답',
    ]);
  });

  it('keeps both tabs’ exchanges when two tabs add one at the same place', async () => {
    const factory = new IDBFactory();
    const a = openRepository({ factory }).repository;
    const b = openRepository({ factory }).repository;
    const start = ask(conversation('c', 10), '첫 질문', 10);
    await a.save(start, undefined);
    const seenByB = await b.get('c');
    if (!seenByB) throw new Error('saved');

    await b.save(ask(seenByB, 'B의 질문', 20), seenByB);
    // A never saw B's exchange and adds its own after the same answer.
    await a.save(ask(start, 'A의 질문', 30), start);

    const read = await a.get('c');
    const second = read?.first?.versions[0]?.next;
    expect(second?.versions.map(({ question }) => question)).toEqual(['B의 질문', 'A의 질문']);
    expect(second?.selected).toBe(1);
    expect((await a.list()).summaries[0]).toMatchObject({ id: 'c', updatedAt: 30 });
  });

  it('keeps a title one tab gave and a version another tab chose', async () => {
    const factory = new IDBFactory();
    const a = openRepository({ factory }).repository;
    const b = openRepository({ factory }).repository;
    const base = trip();
    await a.save(base, undefined);
    const seen = await b.get('trip');
    if (!seen) throw new Error('saved');
    await b.save(
      updateAt(seen, 0, (first) => first && { ...first, selected: 0 }),
      seen,
    );
    await a.save({ ...base, title: 'A가 바꾼 이름' }, base);
    const read = await a.get('trip');
    expect(read?.title).toBe('A가 바꾼 이름');
    expect(read?.first?.selected).toBe(0);
  });

  it('takes back a version, also from storage', async () => {
    const { repository } = openRepository();
    const asked = ask(trip(), '너무 긴 질문', 5000, { status: 'streaming' });
    await repository.save(trip(), undefined);
    await repository.save(asked, trip());
    await repository.save(trip(), asked);
    // The conversation's time only moves forward.
    expect(await repository.get('trip')).toEqual({ ...trip(), updatedAt: 5000 });
  });

  it('writes a version again when only its ids changed', async () => {
    const { repository, factory } = openRepository();
    const before = trip();
    await repository.save(before, undefined);
    // The very same answer object: only the ids are new.
    await repository.save(
      updateVersion(before, chosenVersionId, (v) => ({ ...v, tokens: answerTokens })),
      before,
    );
    expect(await openRepository({ factory }).repository.get('trip')).toEqual(tripWithTokens());
  });
});
