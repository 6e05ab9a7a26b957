import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { Conversation } from '../../conversation/conversation';
import { updateMessages } from '../../conversation/messages';
import type { ConversationSync } from './conversation-sync';
import type { ConversationSlice } from './conversation-state';
import type { StoreAccess } from '../store-access';

/** When a change is written: soon (throttled), now, or not by this change. */
export type SaveWhen = 'soon' | 'now' | 'none';

/** The conversation on screen: showing it, changing it, and saving it. */
export interface CurrentConversation {
  /** A new, empty conversation (not shown). */
  readonly blank: () => Conversation;
  /** Makes `conversation` current, with its derived messages and sampling. */
  readonly show: (conversation: Conversation) => void;
  /**
   * Shows a change of the current conversation, and saves it as `save` says. `stream` marks an answer's own
   * growth, which is not counted as this tab's change.
   */
  readonly change: (
    update: (conversation: Conversation) => Conversation,
    options: { readonly save: SaveWhen; readonly stream?: boolean },
  ) => void;
  /** Counts a change of this tab's made without `change`. */
  readonly edited: () => void;
  /** How many changes this tab made (not an answer's growth): a read of another tab's change waits for them. */
  readonly edits: () => number;
  /** Saves the current conversation soon (throttled); nothing is saved before its first message. */
  readonly saveSoon: () => void;
  /** Saves the current conversation and waits for it to be written. */
  readonly saveNow: () => Promise<void>;
  /**
   * Saves a conversation that is not on screen (an answer left while it was written ended in it) as `save`
   * says; false when it was deleted, and so is not saved.
   */
  readonly saveElsewhere: (conversation: Conversation, save: 'soon' | 'now') => boolean;
}

export function createCurrentConversation({
  get,
  set,
  now,
  newId,
  sync,
}: StoreAccess<Pick<ConversationSlice, 'current' | 'messages' | 'sampling'>> & {
  readonly now: () => number;
  readonly newId: () => string;
  readonly sync: ConversationSync | undefined;
}): CurrentConversation {
  let edits = 0;

  const show = (conversation: Conversation): void =>
    set((state) => ({
      current: conversation,
      messages: updateMessages(state.current, state.messages, conversation),
      sampling: conversation.sampling,
    }));

  const saveSoon = (): void => void sync?.schedule(get().current);

  async function saveNow(): Promise<void> {
    saveSoon();
    await sync?.written();
  }

  return {
    blank: () => ({
      id: newId(),
      title: '',
      createdAt: now(),
      updatedAt: now(),
      sampling: MODEL_CARD_SAMPLING,
      first: undefined,
    }),
    show,
    change(update, { save, stream = false }) {
      if (!stream) edits += 1;
      show({ ...update(get().current), updatedAt: now() });
      if (save === 'soon') saveSoon();
      else if (save === 'now') void saveNow();
    },
    edited: () => {
      edits += 1;
    },
    edits: () => edits,
    saveSoon,
    saveNow,
    saveElsewhere(conversation, save) {
      if (sync && !sync.schedule(conversation)) return false;
      if (save === 'now') void sync?.written();
      return true;
    },
  };
}
