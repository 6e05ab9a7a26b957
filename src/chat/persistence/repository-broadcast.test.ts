import { closeRepositories, twoTabs } from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { long, trip } from '../../test/conversation-fixtures';
import type { ExternalChange } from './repository-types';

afterEach(closeRepositories);

describe('what the tabs tell each other', () => {
  it('tells the other tabs what changed', async () => {
    const { a, b } = twoTabs();
    const heard: ExternalChange[] = [];
    b.onExternalChange((change) => heard.push(change));
    await a.save(trip(), undefined);
    await a.delete('trip');
    await a.import({ conversations: [long('l', 2)], unreadable: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard).toEqual([
      { kind: 'saved', id: 'trip', versions: expect.any(Array) as string[], removed: [] },
      { kind: 'deleted', id: 'trip' },
      { kind: 'imported' },
    ]);
    expect(heard[0]?.kind === 'saved' && heard[0].versions).toHaveLength(4);
  });
});
