import type { StateCreator } from 'zustand/vanilla';
import type { ConversationSlice } from './conversations/conversation-slice';
import type { ModelSlice } from './model/model-slice';
import type { Conversation } from '../conversation/conversation';
import { toMessages } from '../conversation/messages';
import {
  decodeSharedConversation,
  encodeSharedConversation,
  isSharedFragment,
  MAX_LINK_LENGTH,
  MESSENGER_LINK_LENGTH,
  type SharedConversation,
  type SharedLinkProblem,
  type SharedLinkResult,
} from '../conversation/formats/shared-link';
import { withNewIds } from '../conversation/copy';
import type { ChatMessage } from '../conversation/messages';

/**
 * A conversation someone sent as a link, shown apart from the user's own: nothing, one being read, one shown
 * read-only, or a link that could not be read (and changed nothing).
 */
export type SharedView =
  | { readonly kind: 'none' }
  | { readonly kind: 'opening' }
  | {
      readonly kind: 'viewing';
      readonly shared: SharedConversation;
      /** Its messages, derived once: the view never changes. */
      readonly messages: readonly ChatMessage[];
    }
  | { readonly kind: 'invalid'; readonly problem: SharedLinkProblem; readonly detail: string };

/**
 * A link to the current conversation: `short` fits the messengers that keep long messages, `long` may be cut
 * by them (a file travels better), `too-long` is past what a browser opens, so there is no link; `empty`:
 * nothing to share yet. `length` is the link's, in characters.
 */
export type ShareLinkPlan =
  | { readonly kind: 'empty' }
  | { readonly kind: 'short' | 'long'; readonly url: string; readonly length: number }
  | { readonly kind: 'too-long'; readonly length: number };

export interface SharedSliceDependencies {
  readonly now: () => number;
  readonly newId: () => string;
  /** Reads a link's hash (off the page's thread in the app, where a crafted link must cost nothing). */
  readonly decodeLink?: (hash: string) => Promise<SharedLinkResult>;
}

export interface SharedSlice {
  readonly shared: SharedView;
  /**
   * Reads a shared conversation from a location's hash and shows it. A hash that is not a shared link changes
   * nothing; a bad one says why, and changes nothing else either.
   */
  readonly openSharedLink: (hash: string) => Promise<void>;
  /**
   * Shows a link already read (by the shared page a link opens on, which hands over to the app when its reader
   * saves, closes, or the link could not be read): as `openSharedLink` does once it has read one.
   */
  readonly showSharedLink: (result: SharedLinkResult) => void;
  /** Back to the user's own conversations, as they were. */
  readonly closeShared: () => void;
  /** Stores the shared conversation as a new conversation of the user's (new ids) and opens it. */
  readonly saveShared: () => Promise<void>;
  /** The link to the current conversation's shown path, with the model loaded now, at the app's address. */
  readonly makeShareLink: (appUrl: string) => Promise<ShareLinkPlan>;
}

export function planShareLink(url: string): ShareLinkPlan {
  const { length } = url;
  if (length > MAX_LINK_LENGTH) return { kind: 'too-long', length };
  return { kind: length > MESSENGER_LINK_LENGTH ? 'long' : 'short', url, length };
}

export function createSharedSlice({
  now,
  newId,
  decodeLink = decodeSharedConversation,
}: SharedSliceDependencies): StateCreator<
  SharedSlice & Pick<ConversationSlice, 'addConversation' | 'current'> & Pick<ModelSlice, 'model'>,
  [],
  [],
  SharedSlice
> {
  return (set, get) => {
    /** Counts the links opened: only the latest one's outcome is shown. */
    let opened = 0;

    /** A link's outcome on screen: a link that was none leaves what was there before it. */
    const show = (result: SharedLinkResult, before: SharedView): void => {
      switch (result.kind) {
        case 'none':
          set({ shared: before });
          return;
        case 'shared':
          set({
            shared: {
              kind: 'viewing',
              shared: result.shared,
              messages: toMessages(result.shared.conversation),
            },
          });
          return;
        case 'invalid':
          set({ shared: { kind: 'invalid', problem: result.problem, detail: result.detail } });
          return;
      }
    };

    return {
      shared: { kind: 'none' },

      async openSharedLink(hash) {
        if (!isSharedFragment(hash)) return;
        const mine = ++opened;
        const before = get().shared;
        set({ shared: { kind: 'opening' } });
        const result = await decodeLink(hash).catch((error: unknown): SharedLinkResult => ({
          kind: 'invalid',
          problem: 'corrupt',
          detail: error instanceof Error ? error.message : String(error),
        }));
        if (mine === opened) show(result, before);
      },

      showSharedLink(result) {
        opened += 1;
        show(result, get().shared);
      },

      closeShared() {
        opened += 1;
        set({ shared: { kind: 'none' } });
      },

      async saveShared() {
        const view = get().shared;
        if (view.kind !== 'viewing') return;
        const copy: Conversation = withNewIds(view.shared.conversation, newId, now());
        opened += 1;
        set({ shared: { kind: 'none' } });
        await get().addConversation(copy);
      },

      async makeShareLink(appUrl) {
        const { current, model } = get();
        if (current.first === undefined) return { kind: 'empty' };
        const fragment = await encodeSharedConversation({
          conversation: current,
          modelId: model.kind === 'ready' ? model.model.modelId : undefined,
        });
        return planShareLink(`${appUrl.replace(/#.*$/, '')}#${fragment}`);
      },
    };
  };
}
