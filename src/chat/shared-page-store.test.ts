import { describe, expect, it } from 'vitest';
import type { SharedConversation, SharedLinkResult } from '../conversation/formats/shared-link';
import { conversationOf, version } from '../test/conversations';
import { createSharedPageStore, type SharedPageExit } from './shared-page-store';

const shared = (title: string): SharedConversation => ({
  conversation: conversationOf(title, [version('v1', `${title}의 질문`, `${title}의 답`)], { title }),
  modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
});

/** A reader whose answers the test gives, link by link, in any order. */
function reader() {
  const pending = new Map<string, (result: SharedLinkResult) => void>();
  return {
    decode: (hash: string) => new Promise<SharedLinkResult>((resolve) => pending.set(hash, resolve)),
    answer(hash: string, result: SharedLinkResult): Promise<void> {
      const resolve = pending.get(hash);
      if (!resolve) throw new Error(`${hash} was not read`);
      resolve(result);
      return new Promise((done) => setTimeout(done, 0));
    },
  };
}

/** The page over a reader the test answers; the app comes when asked unless `appComes` says otherwise. */
function page(hash = '#share=a', appComes: () => boolean = () => true) {
  const links = reader();
  const exits: SharedPageExit[] = [];
  const store = createSharedPageStore(hash, {
    decode: links.decode,
    leave: (exit) => {
      exits.push(exit);
      return appComes() ? Promise.resolve() : Promise.reject(new Error('Failed to fetch the app'));
    },
  });
  return { store, links, exits };
}

const turn = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

describe('the page a shared link opens on', () => {
  it('reads the link, shows its conversation read-only, and hands it to the app when saved, once', async () => {
    const { store, links, exits } = page();
    expect(store.getState().view).toEqual({ kind: 'opening' });
    const theirs = shared('받은 대화');
    await links.answer('#share=a', { kind: 'shared', shared: theirs });
    const view = store.getState().view;
    expect(view.kind).toBe('viewing');
    if (view.kind !== 'viewing') return;
    expect(view.shared).toBe(theirs);
    expect(view.messages.map(({ content }) => content)).toEqual(['받은 대화의 질문', '받은 대화의 답']);
    expect(exits).toEqual([]);

    store.getState().save();
    store.getState().save();
    store.getState().close();
    await turn();
    store.getState().close();
    expect(exits).toEqual([{ kind: 'saved', link: { kind: 'shared', shared: theirs } }]);
  });

  it('hands a link it cannot read to the app, which says why; one that is none is the app as it opens', async () => {
    const bad = page();
    const problem = { kind: 'invalid', problem: 'truncated', detail: 'shorter than it says' } as const;
    await bad.links.answer('#share=a', problem);
    expect(bad.exits).toEqual([{ kind: 'unread', link: problem }]);

    const none = page();
    await none.links.answer('#share=a', { kind: 'none' });
    expect(none.exits).toEqual([{ kind: 'closed' }]);
  });

  it('closes to the app, even before the link is read, whose late answer then changes nothing', async () => {
    const { store, links, exits } = page();
    store.getState().close();
    await turn();
    expect(exits).toEqual([{ kind: 'closed' }]);
    await links.answer('#share=a', { kind: 'invalid', problem: 'corrupt', detail: 'x' });
    expect(exits).toEqual([{ kind: 'closed' }]);
    await store.getState().open('#share=b');
    expect(store.getState().view).toEqual({ kind: 'opening' });
  });

  it('shows only the latest of links pasted one after another, whichever is read first', async () => {
    const { store, links, exits } = page();
    await links.answer('#share=a', { kind: 'shared', shared: shared('첫 링크') });
    void store.getState().open('#share=b');
    void store.getState().open('#share=c');
    expect(store.getState().view).toEqual({ kind: 'opening' });
    await links.answer('#share=c', { kind: 'shared', shared: shared('세 번째 링크') });
    await links.answer('#share=b', { kind: 'invalid', problem: 'corrupt', detail: 'late' });
    const view = store.getState().view;
    expect(view.kind === 'viewing' && view.shared.conversation.title).toBe('세 번째 링크');
    expect(exits).toEqual([]);
  });

  it('keeps the conversation when the app cannot be fetched, says so, and tries the same again', async () => {
    let online = false;
    const { store, links, exits } = page('#share=a', () => online);
    const theirs = shared('받은 대화');
    await links.answer('#share=a', { kind: 'shared', shared: theirs });
    store.getState().save();
    expect(store.getState().handover).toBe('loading');
    store.getState().close();
    await turn();
    expect(store.getState().handover).toBe('failed');
    expect(store.getState().view).toMatchObject({ kind: 'viewing', shared: theirs });

    online = true;
    store.getState().retry();
    await turn();
    const saved = { kind: 'saved', link: { kind: 'shared', shared: theirs } };
    expect(exits).toEqual([saved, saved]);
    store.getState().close();
    store.getState().retry();
    expect(exits).toHaveLength(2);
  });
});
