// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { answered, openStoredChat, waitForState } from '../../test/stored-chat';
import {
  ConversationRepositoryError,
  createConversationRepository,
} from '../persistence/conversation-repository';
import { storageFailureOf } from './storage-problems';

const artifactsBaseUrl = 'http://localhost/models/';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
  vi.restoreAllMocks();
});

const full = () => new ConversationRepositoryError('quota-exceeded', 'QuotaExceededError: full');

/** A tab over IndexedDB (the fake), with the model loaded; and a second reader of the same database. */
async function tab() {
  const factory = new IDBFactory();
  const connection = connectScriptedEngine({ tokenDelayMs: 1, loadMs: 5 });
  const repository = createConversationRepository({ factory });
  cleanups.push(() => {
    connection.close();
    repository.close();
  });
  const counters = { clock: 1000, ids: 0 };
  const store = await openStoredChat('tab', counters, {
    engine: connection.client,
    artifactsBaseUrl,
    repository,
  });
  await store.getState().loadModel();
  const stored = async (id: string) => createConversationRepository({ factory }).get(id);
  return { store, repository, stored };
}

describe('storage that fails', () => {
  it('is told as full or failed, and a newer version of the app as such', () => {
    expect(storageFailureOf(full())).toBe('full');
    expect(storageFailureOf(new DOMException('full', 'QuotaExceededError'))).toBe('full');
    expect(storageFailureOf(new ConversationRepositoryError('newer-version', 'VersionError'))).toBe(
      'newer-version',
    );
    expect(storageFailureOf(new ConversationRepositoryError('write-failed', 'UnknownError'))).toBe('failed');
  });

  it('says a save failed, keeps the screen, and writes it by itself once storage takes it', async () => {
    const { store, repository, stored } = await tab();
    const save = vi.spyOn(repository, 'save').mockRejectedValue(full());
    store.getState().send('/echo 가득 찬 디스크');
    await waitForState(store, (state) => state.storageProblem?.kind === 'not-saved');
    expect(store.getState().storageProblem).toMatchObject({ kind: 'not-saved', failure: 'full' });
    await waitForState(store, (state) => state.status === 'ready');
    const { id } = store.getState().current;
    expect(store.getState().messages.map(({ content }) => content)).toEqual([
      '/echo 가득 찬 디스크',
      '가득 찬 디스크',
    ]);
    expect(await stored(id)).toBeUndefined();

    save.mockRestore();
    // Tried again after a second, with no action of the user's.
    await waitForState(store, (state) => state.storageProblem === undefined);
    expect((await stored(id))?.first?.versions[0]?.answer.content).toBe('가득 찬 디스크');
    expect(store.getState().conversations.map((summary) => summary.id)).toEqual([id]);
  });

  it('keeps a conversation it could not delete listed and on screen, and deletes it when tried again', async () => {
    const { store, repository, stored } = await tab();
    await answered(store, '/echo 지울 대화');
    const { id } = store.getState().current;
    const remove = vi
      .spyOn(repository, 'delete')
      .mockRejectedValueOnce(new ConversationRepositoryError('write-failed', 'UnknownError: no'));
    // What is shown again is saved as changes from what storage still holds: none, so nothing is written (a
    // write would fail too, and its notice would hide this one).
    const save = vi.spyOn(repository, 'save');
    await store.getState().deleteConversation(id);
    await store.getState().flushSaves();
    expect(save).toHaveBeenCalledTimes(1);
    const [shown, previous] = save.mock.calls[0] ?? [];
    expect(previous).toEqual(shown);
    await expect(save.mock.results[0]?.value).resolves.toEqual({ kind: 'unchanged' });
    expect(store.getState().storageProblem).toMatchObject({ kind: 'not-deleted', failure: 'failed', id });
    expect(store.getState().conversations.map((summary) => summary.id)).toEqual([id]);
    expect(store.getState().current.id).toBe(id);
    expect(store.getState().deleted).toBeUndefined();
    expect(await stored(id)).toBeDefined();

    await store.getState().retryStorage();
    expect(remove).toHaveBeenCalledTimes(2);
    expect(store.getState().storageProblem).toBeUndefined();
    expect(store.getState().conversations).toEqual([]);
    expect(await stored(id)).toBeUndefined();
  });

  it('leaves a renamed entry as stored until the rename is written, and says so', async () => {
    const { store, repository } = await tab();
    await answered(store, '/echo 다른 대화');
    const { id } = store.getState().current;
    store.getState().newConversation();
    const save = vi.spyOn(repository, 'save').mockRejectedValue(full());
    await store.getState().renameConversation(id, '새 이름');
    expect(store.getState().storageProblem).toMatchObject({ kind: 'not-saved', failure: 'full' });
    expect(store.getState().conversations.map(({ title }) => title)).toEqual(['/echo 다른 대화']);

    save.mockRestore();
    await store.getState().retryStorage();
    expect(store.getState().storageProblem).toBeUndefined();
    expect(store.getState().conversations.map(({ title }) => title)).toEqual(['새 이름']);
  });

  it('says an undone delete and an added conversation are not saved yet, and saves them by themselves', async () => {
    const { store, repository, stored } = await tab();
    await answered(store, '/echo 되살릴 대화');
    const { id } = store.getState().current;
    await store.getState().deleteConversation(id);
    const save = vi.spyOn(repository, 'save').mockRejectedValue(full());
    await store.getState().undoDelete();
    expect(store.getState().storageProblem).toMatchObject({ kind: 'not-saved', failure: 'full' });
    expect(store.getState().current.id).toBe(id);
    expect(await stored(id)).toBeUndefined();

    const added = { ...store.getState().current, id: 'added', title: '받은 대화' };
    await store.getState().addConversation(added);
    expect(store.getState().storageProblem).toMatchObject({ kind: 'not-saved' });
    expect(store.getState().current.id).toBe('added');

    save.mockRestore();
    await waitForState(store, (state) => state.storageProblem === undefined);
    expect(await stored(id)).toBeDefined();
    expect((await stored('added'))?.title).toBe('받은 대화');
  });

  it('says the list could not be read when a newer version of the app holds the database', async () => {
    const { store, repository } = await tab();
    vi.spyOn(repository, 'list').mockRejectedValue(
      new ConversationRepositoryError('newer-version', 'VersionError: newer'),
    );
    await store.getState().restore();
    expect(store.getState().storageProblem).toEqual({
      kind: 'not-read',
      failure: 'newer-version',
      detail: 'VersionError: newer',
    });
  });
});
