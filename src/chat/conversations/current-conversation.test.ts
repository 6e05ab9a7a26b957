// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { conversationOf, shownConversation, syncTo, version } from '../../test/conversations';
import { createConversationRepository } from '../persistence/conversation-repository';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

const asked = conversationOf('asked', [version('v1', '첫 질문', '첫 답')], {
  sampling: { ...MODEL_CARD_SAMPLING, temperature: 0.3 },
});

describe('the conversation on screen', () => {
  it('is shown with its messages and its sampling values', () => {
    const { store, shown } = shownConversation();
    shown.show(asked);
    expect(store.getState().current).toBe(asked);
    expect(store.getState().messages.map(({ content }) => content)).toEqual(['첫 질문', '첫 답']);
    expect(store.getState().sampling.temperature).toBe(0.3);
  });

  it('keeps the message objects that did not change, so only what changed renders again', () => {
    const { store, shown } = shownConversation();
    shown.show(asked);
    const [question] = store.getState().messages;
    shown.change((conversation) => ({ ...conversation, title: '새 제목' }), { save: 'none' });
    expect(store.getState().messages[0]).toBe(question);
  });

  it('starts blank with a new id and the model card’s values', () => {
    const { shown } = shownConversation();
    expect(shown.blank()).toEqual({
      id: 'c1',
      title: '',
      createdAt: 1001,
      updatedAt: 1002,
      sampling: MODEL_CARD_SAMPLING,
      first: undefined,
    });
    expect(shown.blank().id).toBe('c2');
  });
});

describe('a change of the conversation on screen', () => {
  it('takes the time it was made, and counts as this tab’s change unless it is an answer growing', () => {
    const { store, shown } = shownConversation();
    shown.show(asked);
    shown.change((conversation) => conversation, { save: 'none' });
    expect(store.getState().current.updatedAt).toBe(1001);
    expect(shown.edits()).toBe(1);
    shown.change((conversation) => conversation, { save: 'none', stream: true });
    expect(shown.edits()).toBe(1);
    shown.edited();
    expect(shown.edits()).toBe(2);
  });

  it('is saved as it says: now, soon, or not at all; and nothing before the first message', async () => {
    const repository = createConversationRepository({ factory: new IDBFactory() });
    cleanups.push(() => repository.close());
    const sync = syncTo(repository, 10_000);
    const { shown } = shownConversation(sync);
    const titles = async () => (await repository.list()).summaries.map(({ title }) => title);

    shown.change(() => conversationOf('blank', []), { save: 'now' });
    await sync.flush();
    expect(await titles()).toEqual([]);

    shown.show(asked);
    await shown.saveNow();
    expect(await titles()).toEqual(['']);
    shown.change((conversation) => ({ ...conversation, title: '바로' }), { save: 'none' });
    await sync.flush();
    expect(await titles()).toEqual(['']);
    shown.change((conversation) => ({ ...conversation, title: '곧' }), { save: 'soon' });
    await sync.flush();
    expect(await titles()).toEqual(['곧']);
  });
});

describe('a conversation saved off screen', () => {
  it('is saved where it is stored, unless it was deleted: then not until it is restored or read again', async () => {
    const repository = createConversationRepository({ factory: new IDBFactory() });
    cleanups.push(() => repository.close());
    const sync = syncTo(repository, 10_000);
    const { shown } = shownConversation(sync);
    const titles = async () => (await repository.list()).summaries.map(({ title }) => title);
    shown.show(asked);
    await shown.saveNow();
    shown.show(shown.blank());

    expect(shown.saveElsewhere({ ...asked, title: '화면 밖에서' }, 'now')).toBe(true);
    await sync.flush();
    expect(await titles()).toEqual(['화면 밖에서']);

    await sync.discard(asked.id);
    await repository.delete(asked.id);
    // A late change of the deleted conversation (an answer's end) does not bring it back.
    expect(shown.saveElsewhere({ ...asked, title: '지운 뒤' }, 'now')).toBe(false);
    await sync.flush();
    expect(await titles()).toEqual([]);

    sync.restore({ ...asked, title: '되살림' });
    await sync.flush();
    expect(shown.saveElsewhere({ ...asked, title: '되살린 뒤' }, 'now')).toBe(true);
    await sync.flush();
    expect(await titles()).toEqual(['되살린 뒤']);
  });
});
