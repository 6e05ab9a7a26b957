import { all, closeRepositories, openRepository } from '../../test/stored-conversations';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { answerTokens, ask, complete, trip } from '../../test/conversation-fixtures';
import { memoryStorage } from '../../test/fake-tabs';
import { activePath, updateVersion } from '../../conversation/conversation';
import {
  CONVERSATIONS_STORE,
  EXIT_WRITES_STORE,
  openConversationDatabase,
  SUMMARIES_STORE,
  VERSIONS_STORE,
} from './database';

afterEach(closeRepositories);

/**
 * A conversation saved with an answer streaming, then deleted by a closing page whose own delete never landed
 * (here: its connection was never opened), so only its note in localStorage is left.
 */
async function deletedAtExit() {
  const factory = new IDBFactory();
  const { storage, exitStorage } = memoryStorage();
  const first = openRepository({ factory, exitStorage }).repository;
  const streaming = ask(trip(), '넘칠 질문', 5000, { status: 'streaming' });
  await first.save(streaming, undefined);
  openRepository({ factory, exitStorage }).repository.deleteAtExit('trip', streaming);
  return { factory, storage, exitStorage, first, streaming };
}

/** As if the page had closed before its IndexedDB write landed: only localStorage's JSON is left. */
async function loseIndexedDbExitWrites(factory: IDBFactory): Promise<void> {
  const db = await openConversationDatabase(factory);
  await db.clear(EXIT_WRITES_STORE);
  db.close();
}

describe('what a closing page writes', () => {
  it('writes the answer being streamed at once when the page closes, before any turn', async () => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    const base = await repository.get('trip');
    if (!base) throw new Error('saved');
    await repository.list();
    const streaming = ask(base, '긴 답을 주세요', 5000, { status: 'streaming' });
    await repository.save(streaming, base);
    const grown = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: '마지막 순간까지 보인 글자들' },
    }));
    repository.saveAtExit(grown, streaming);
    repository.close();
    const later = openRepository({ factory }).repository;
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer).toMatchObject({
      content: '마지막 순간까지 보인 글자들',
      status: 'stopped',
      interrupted: true,
    });
    // Not in the search filter yet: the search reads that conversation whole.
    expect((await later.search('순간까지')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('writes it into localStorage too, which the next page folds into the versions', async () => {
    const factory = new IDBFactory();
    const { storage, exitStorage } = memoryStorage();
    const first = openRepository({ factory, exitStorage }).repository;
    const streaming = ask(trip(), '긴 답을 주세요', 5000, { status: 'streaming' });
    await first.save(streaming, undefined);
    const grown = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: '닫히기 직전까지 보인 글자들' },
    }));
    first.saveAtExit(grown, streaming);
    expect(storage.size).toBe(1);
    first.close();
    await loseIndexedDbExitWrites(factory);

    const later = openRepository({ factory, exitStorage }).repository;
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer.content).toBe('닫히기 직전까지 보인 글자들');
    expect(storage.size).toBe(0);
    expect((await later.search('직전까지')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('deletes, once a page opens, a conversation a closing page was deleting', async () => {
    const { factory, storage, exitStorage, first } = await deletedAtExit();
    expect(storage.size).toBe(1);
    first.close();

    const later = openRepository({ factory, exitStorage }).repository;
    expect(await later.list()).toEqual({ summaries: [], unreadable: [] });
    expect(await later.get('trip')).toBeUndefined();
    expect((await later.search('넘칠')).hits).toEqual([]);
    expect(storage.size).toBe(0);
    for (const name of [CONVERSATIONS_STORE, VERSIONS_STORE, SUMMARIES_STORE] as const) {
      expect(await all(factory, name)).toEqual([]);
    }
  });

  it('keeps a conversation a closing page was deleting if it gained a version since', async () => {
    const { factory, storage, exitStorage, first, streaming } = await deletedAtExit();
    // The page came back from the back/forward cache, and the conversation went on.
    const asked = ask(streaming, '다시 묻는 질문', 6000);
    await first.save(asked, streaming);
    first.close();

    const later = openRepository({ factory, exitStorage }).repository;
    const read = await later.get('trip');
    expect(
      read &&
        activePath(read)
          .map(({ version }) => version.question)
          .slice(-2),
    ).toEqual(['넘칠 질문', '다시 묻는 질문']);
    expect(storage.size).toBe(0);
  });

  it('keeps the ids of an answer that settled as the page closed, through localStorage', async () => {
    const factory = new IDBFactory();
    const { exitStorage } = memoryStorage();
    const first = openRepository({ factory, exitStorage }).repository;
    const streaming = ask(trip(), '긴 답을 주세요', 5000, { status: 'streaming' });
    await first.save(streaming, undefined);
    const settled = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: `${v.answer.content}입니다.`, ...complete },
      tokens: answerTokens,
    }));
    first.saveAtExit(settled, streaming);
    first.close();
    await loseIndexedDbExitWrites(factory);

    const later = openRepository({ factory, exitStorage }).repository;
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version).toMatchObject({
      answer: { content: '긴 답을 주세요의 답입니다.', status: 'complete' },
      tokens: answerTokens,
    });
  });
});
