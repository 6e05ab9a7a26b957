// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationOf, shownConversation, syncTo, version } from '../../test/conversations';
import { fakeBrowser } from '../../test/fake-tabs';
import type { LiveAnswer } from '../answers/live-answer';
import { createCurrentRefresh, followOtherTabs } from './other-tabs';
import { createConversationRepository } from '../persistence/conversation-repository';
import type { ConversationRepository } from '../persistence/repository-types';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

const asked = conversationOf('asked', [version('v1', '첫 질문', '첫 답')], { title: '처음' });

/** Two tabs of one browser over one database (the fakes of IndexedDB and of the channel between tabs). */
function twoTabs() {
  const factory = new IDBFactory();
  const platform = fakeBrowser();
  const open = (name: string) => {
    const repository = createConversationRepository({
      factory,
      presence: platform.presence(name),
      channel: platform.channel(),
    });
    cleanups.push(() => repository.close());
    return repository;
  };
  return { factory, mine: open('mine'), other: open('other') };
}

/** This tab's conversation on screen, saved through `repository`, and its refresh from storage. */
function refreshing(
  repository: ConversationRepository,
  live: () => LiveAnswer | undefined = () => undefined,
) {
  const sync = syncTo(repository, 10);
  const { store, shown } = shownConversation(sync);
  const refresh = createCurrentRefresh({
    current: () => store.getState().current,
    repository,
    sync,
    shown,
    generation: { live },
  });
  return { store, shown, sync, refresh };
}

describe('reading the conversation on screen again', () => {
  it('shows it as another tab left it', async () => {
    const { mine, other } = twoTabs();
    const { store, shown, refresh } = refreshing(mine);
    shown.show(asked);
    await shown.saveNow();
    await other.save({ ...asked, title: '다른 탭에서' }, asked);
    await refresh();
    expect(store.getState().current.title).toBe('다른 탭에서');
  });

  it('keeps the answer this tab is writing as this tab has it', async () => {
    const { mine, other } = twoTabs();
    const { store, shown, refresh } = refreshing(mine, () => ({ conversationId: 'asked', versionId: 'v1' }));
    shown.show(asked);
    await shown.saveNow();
    await other.save({ ...asked, title: '다른 탭에서' }, asked);
    shown.change(
      (conversation) =>
        conversationOf(conversation.id, [version('v1', '첫 질문', '이 탭에서 자라는 답')], conversation),
      { save: 'none', stream: true },
    );
    await refresh();
    expect(store.getState().current.title).toBe('다른 탭에서');
    expect(store.getState().messages.at(-1)?.content).toBe('이 탭에서 자라는 답');
  });

  it('reads again once this tab’s change made meanwhile is saved, so that it is not undone', async () => {
    const { mine } = twoTabs();
    let reads = 0;
    const { store, shown, refresh } = refreshing({
      ...mine,
      get: (id) => {
        reads += 1;
        // The user renames the conversation while it is being read.
        if (reads === 1)
          shown.change((conversation) => ({ ...conversation, title: '이 탭에서' }), { save: 'soon' });
        return mine.get(id);
      },
    });
    shown.show(asked);
    await shown.saveNow();
    await refresh();
    expect(reads).toBe(2);
    expect(store.getState().current.title).toBe('이 탭에서');
  });

  it('joins a read under way when asked again, and reads once more', async () => {
    const { mine } = twoTabs();
    let reads = 0;
    const { shown, refresh } = refreshing({
      ...mine,
      get: (id) => {
        reads += 1;
        return mine.get(id);
      },
    });
    shown.show(asked);
    await shown.saveNow();
    const first = refresh();
    expect(refresh()).toBe(first);
    await first;
    expect(reads).toBe(2);
  });
});

describe('following what another tab changes', () => {
  async function following() {
    const { factory, mine, other } = twoTabs();
    const log: string[] = [];
    let current = asked;
    followOtherTabs(mine, {
      current: () => current,
      sync: {
        discard: (id) => Promise.resolve(void log.push(`discard ${id}`)),
        forgetStored: () => log.push('forget'),
      },
      refreshList: () => Promise.resolve(void log.push('list')),
      searchAgain: () => log.push('search'),
      refreshCurrent: () => Promise.resolve(void log.push('current')),
      closeCurrent: () => log.push('closed'),
      saveCurrent: () => log.push('save'),
      cleared: () => log.push('told'),
      savedElsewhere: (id) => Promise.resolve(void log.push(`saved elsewhere ${id}`)),
    });
    await other.save(asked, undefined);
    await expect.poll(() => log).toEqual(['list', 'search', 'current']);
    log.length = 0;
    return { factory, mine, other, log, show: (id: string) => (current = conversationOf(id, [])) };
  }

  it('reads the list, a search shown and the conversation on screen again when it saved that one', async () => {
    const { other, log } = await following();
    await other.save({ ...asked, title: '새 제목' }, asked);
    await expect.poll(() => log).toEqual(['list', 'search', 'current']);
  });

  it('reads only the list and a search shown when it saved another conversation, and tells the answers', async () => {
    const { other, log, show } = await following();
    show('another');
    await other.save({ ...asked, title: '새 제목' }, asked);
    await expect.poll(() => log).toEqual(['list', 'search', 'saved elsewhere asked']);
  });

  it('reads the conversation on screen again after an import, which may have replaced it', async () => {
    const { other, log, show } = await following();
    show('another');
    await other.import({ conversations: [{ ...asked, id: 'imported' }], unreadable: [] });
    await expect.poll(() => log).toEqual(['list', 'search', 'current']);
  });

  it('leaves the conversation on screen for a new one when it deleted that one, and nothing waits to bring it back', async () => {
    const { other, log } = await following();
    await other.delete('asked');
    await expect.poll(() => log).toEqual(['list', 'search', 'discard asked', 'closed']);
  });

  it('keeps the conversation on screen and saves it again, whole, when the database was deleted under it', async () => {
    const { factory, mine, log } = await following();
    await mine.list();
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase('hangul-llama');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error('delete failed'));
    });
    await expect.poll(() => log).toEqual(['forget', 'save', 'list', 'search', 'told']);
    expect(log).not.toContain('closed');
  });
});
