import {
  closeRepositories,
  headFor,
  openRepository,
  storedHead,
  twoTabs,
} from '../../test/stored-conversations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ask, trip } from '../../test/conversation-fixtures';
import { SEARCH_HEAD_STORE } from './database';

afterEach(closeRepositories);

describe('what a search writes again', () => {
  it('drops a conversation’s search text on every save, and writes it again from the stored records', async () => {
    const { factory, a, b } = twoTabs();
    const asked = ask(trip(), '한라산은 어디에 있나요?', 9000);
    await a.save(asked, undefined);
    expect((await a.search('한라산')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(asked));
    // Another tab adds an exchange this one never read: the text must not be this tab's copy.
    const more = ask(asked, '백록담까지 얼마나 걸리나요?', 9500);
    await b.save(more, asked);
    await storedHead(factory, 'trip', false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await a.search('백록담')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(more));
    await a.delete('trip');
    await storedHead(factory, 'trip', false);
  });

  it('writes only the text of a conversation read whole because it changed: saves keep its filter', async () => {
    const { repository, factory } = openRepository();
    await repository.save(trip(), undefined);
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
    try {
      expect((await repository.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
      await storedHead(factory, 'trip');
      const objectStores = puts.mock.contexts as IDBObjectStore[];
      expect(objectStores.map(({ name }) => name)).toEqual([SEARCH_HEAD_STORE]);
    } finally {
      puts.mockRestore();
    }
  });
});
