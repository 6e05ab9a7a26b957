import { all, closeRepositories, openRepository, rejection } from '../../test/stored-conversations';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, complete, conversation, exchange, long, trip, version } from '../../test/conversation-fixtures';
import { MAX_EXCHANGES } from '../../conversation/conversation';
import { VERSIONS_STORE } from './database';

afterEach(closeRepositories);

describe('saving a conversation', () => {
  it('refuses a conversation it could not read back, and writes nothing', async () => {
    const { repository } = openRepository();
    const broken = conversation(
      'broken',
      1,
      exchange('a', [version('질문', '답', complete, undefined, 1e308)]),
    );
    const error = await rejection(repository.save(broken, undefined));
    expect(error.code).toBe('invalid-conversation');
    expect(error.message).toBe(
      'conversation.versions["v:질문"].askedAt: expected a time no later than the year 275760',
    );

    const error2 = await rejection(repository.save(long('huge', MAX_EXCHANGES + 1), undefined));
    expect(error2.message).toBe(`conversation.exchanges: more than ${MAX_EXCHANGES} exchanges`);
    expect((await repository.list()).summaries).toEqual([]);
  });

  it('does not bring back a conversation another tab deleted', async () => {
    const factory = new IDBFactory();
    const a = openRepository({ factory }).repository;
    const b = openRepository({ factory }).repository;
    await a.save(trip(), undefined);
    await b.delete('trip');
    expect(await a.save(ask(trip(), '늦은 질문', 9000), trip())).toEqual({ kind: 'deleted' });
    expect(await a.get('trip')).toBeUndefined();
    expect(await all(factory, VERSIONS_STORE)).toEqual([]);
  });
});
