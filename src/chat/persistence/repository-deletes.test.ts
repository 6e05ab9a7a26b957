import { all, closeRepositories, openRepository, twoTabs } from '../../test/stored-conversations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ask, conversation, exchange, trip, version } from '../../test/conversation-fixtures';
import { VERSIONS_STORE } from './database';
import type { ExternalChange } from './repository-types';

afterEach(closeRepositories);

describe('deleting a conversation', () => {
  it('deletes a conversation with all its versions', async () => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    await repository.save(conversation('other', 1, exchange('o', [version('남는 질문', '답')])), undefined);
    await repository.delete('trip');
    expect(await repository.get('trip')).toBeUndefined();
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['other']);
    expect(await all(factory, VERSIONS_STORE)).toHaveLength(1);
  });

  it('starts the delete at once as the page closes, and tells the other tabs', async () => {
    const { a, b } = twoTabs();
    const heard: ExternalChange[] = [];
    b.onExternalChange((change) => heard.push(change));
    const streaming = ask(trip(), '넘칠 질문', 5000, { status: 'streaming' });
    await a.save(streaming, undefined);
    a.deleteAtExit('trip', streaming);
    await vi.waitFor(() => expect(heard).toContainEqual({ kind: 'deleted', id: 'trip' }));
    expect(await b.get('trip')).toBeUndefined();
  });
});
