import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SharedLinkResult } from '../conversation/formats/shared-link';
import { toMessages } from '../conversation/messages';
import type { SharedView } from './shared-slice';

/**
 * How the page a shared link opens on hands over to the app: its reader closed it, saved the conversation
 * (the app stores it and opens it), or the link could not be read (the app says why, over the user's own
 * conversation, as it does for a link opened in the app).
 */
export type SharedPageExit =
  | { readonly kind: 'closed' }
  | { readonly kind: 'saved'; readonly link: Extract<SharedLinkResult, { kind: 'shared' }> }
  | { readonly kind: 'unread'; readonly link: Extract<SharedLinkResult, { kind: 'invalid' }> };

export interface SharedPageState {
  /** The link being read, or the conversation it holds (anything else has gone to the app). */
  readonly view: Extract<SharedView, { kind: 'opening' | 'viewing' }>;
  /**
   * Whether the app is being fetched to take over, whether it could not be (offline before it was cached:
   * the conversation stays on this page, and `retry` tries the same again), or has taken over (`done`: the
   * page does nothing more).
   */
  readonly handover: 'none' | 'loading' | 'failed' | 'done';
  readonly retry: () => void;
  /** Reads another link (one pasted into the tab): only the latest one's outcome is shown. */
  readonly open: (hash: string) => Promise<void>;
  readonly save: () => void;
  readonly close: () => void;
}

export type SharedPageStore = StoreApi<SharedPageState>;

export interface SharedPageDependencies {
  /** Reads a link's hash; never rejects (a reader that fails answers that the link is invalid). */
  readonly decode: (hash: string) => Promise<SharedLinkResult>;
  /**
   * Hands over to the app once it is fetched; rejects when it cannot be (the page stays, and says so). Once
   * it resolves, the page does nothing more.
   */
  readonly leave: (exit: SharedPageExit) => Promise<void>;
}

/**
 * The page a shared link opens on: the conversation, read-only, without the chat store, its storage or the
 * engine, which a first visit from a messenger does not need. Whatever the reader does next is the app's.
 */
export function createSharedPageStore(
  hash: string,
  { decode, leave }: SharedPageDependencies,
): SharedPageStore {
  let opened = 0;
  /** The handover asked for, while it is under way or after it failed (what `retry` does again). */
  let pending: SharedPageExit | undefined;
  /** Whether the page is leaving, or has left: it then neither leaves again nor reads another link. */
  const busy = (): boolean => ['loading', 'done'].includes(store.getState().handover);
  const exit = (to: SharedPageExit): void => {
    if (busy()) return;
    pending = to;
    opened += 1;
    store.setState({ handover: 'loading' });
    leave(to).then(
      () => store.setState({ handover: 'done' }),
      () => store.setState({ handover: 'failed' }),
    );
  };
  const store: SharedPageStore = createStore<SharedPageState>()((set, get) => ({
    view: { kind: 'opening' },
    handover: 'none',

    retry() {
      if (pending && get().handover === 'failed') exit(pending);
    },

    async open(link) {
      if (busy()) return;
      pending = undefined;
      const mine = ++opened;
      set({ view: { kind: 'opening' }, handover: 'none' });
      const result = await decode(link);
      if (mine !== opened) return;
      if (result.kind === 'shared') {
        set({
          view: { kind: 'viewing', shared: result.shared, messages: toMessages(result.shared.conversation) },
        });
      } else if (result.kind === 'invalid') exit({ kind: 'unread', link: result });
      // Not a shared link after all: the app, as the address without one opens it.
      else exit({ kind: 'closed' });
    },

    save() {
      const { view } = get();
      if (view.kind === 'viewing') exit({ kind: 'saved', link: { kind: 'shared', shared: view.shared } });
    },

    close() {
      exit({ kind: 'closed' });
    },
  }));
  void store.getState().open(hash);
  return store;
}
