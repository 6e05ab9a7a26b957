import type { Conversation } from '../../conversation/conversation';
import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationList } from './conversation-list';
import type { ConversationSlice, SharedViewEffects } from './conversation-state';
import type { ConversationSync } from './conversation-sync';
import type { CurrentConversation } from './current-conversation';
import type { ConversationAnswers } from './conversation-answers';
import type { StoreAccess } from '../store-access';
import type { StorageProblem } from '../types';
import { notDeleted, notRead, told } from './storage-problems';

/** Opening, adding, renaming, deleting and restoring the user's conversations. */
export type LibraryActions = Pick<
  ConversationSlice,
  | 'restore'
  | 'newConversation'
  | 'openConversation'
  | 'addConversation'
  | 'renameConversation'
  | 'deleteConversation'
  | 'undoDelete'
>;

export interface ConversationLibraryDependencies extends StoreAccess<
  Pick<
    ConversationSlice,
    'conversations' | 'unreadable' | 'current' | 'draft' | 'notice' | 'deleted' | 'storageProblem'
  >
> {
  readonly repository: ConversationRepository | undefined;
  readonly sync: ConversationSync | undefined;
  readonly shown: Pick<CurrentConversation, 'blank' | 'show' | 'edited' | 'saveNow'>;
  readonly list: Pick<ConversationList, 'refresh' | 'unlisted'>;
  /** Tells the user what storage did not do. */
  readonly tell: (problem: StorageProblem) => void;
  readonly answers: Pick<ConversationAnswers, 'leave' | 'withOwnAnswer' | 'restored'>;
  readonly sharedView: SharedViewEffects;
}

export interface ConversationLibrary {
  readonly actions: LibraryActions;
  /** Leaves the current conversation for a new, empty one. */
  readonly closeCurrent: () => void;
}

export function createConversationLibrary(
  dependencies: ConversationLibraryDependencies,
): ConversationLibrary {
  const { get, set, repository, sync, shown, list, answers, sharedView, tell } = dependencies;

  /** Reads a conversation; a failure is told, and undefined. */
  const read = (id: string) => told(sync?.read(id), tell, notRead);

  /**
   * Shows `next` instead of the current conversation, whichever way it goes (a new one, another entry of the
   * list, a saved shared link, a delete here or in another tab): the answer being written stops, and ends in
   * its own conversation, not in `next`.
   */
  function leaveFor(next: Conversation): void {
    answers.leave(get().current);
    shown.show(next);
    set({ draft: '', notice: undefined });
  }

  function closeCurrent(): void {
    leaveFor(shown.blank());
  }

  /**
   * A listed conversation read as nothing. The repository lists one whose records cannot be read (one of them
   * damaged, say) among the unreadable from then on, and the user is told; one another tab deleted leaves the
   * list.
   */
  async function notOpened(id: string): Promise<void> {
    const title = get().conversations.find((summary) => summary.id === id)?.title ?? '';
    await list.refresh();
    if (get().unreadable.some((entry) => entry.id === id)) set({ notice: { kind: 'unreadable', title } });
  }

  return {
    closeCurrent,
    actions: {
      async restore() {
        if (!repository) return;
        await list.refresh();
        const latest = get().conversations[0];
        if (!latest || get().current.first !== undefined) return;
        const conversation = await read(latest.id);
        if (!conversation) await notOpened(latest.id);
        else if (get().current.first === undefined) shown.show(conversation);
      },

      newConversation() {
        sharedView.leave();
        closeCurrent();
      },

      async openConversation(id) {
        sharedView.leave();
        if (id === get().current.id || !sync) return;
        const conversation = await read(id);
        if (!conversation) {
          await notOpened(id);
          return;
        }
        if (id === get().current.id) return;
        leaveFor(answers.withOwnAnswer(conversation));
        // The answer this tab ended in it after it left the screen, if that was not written (it was deleted).
        if (get().current !== conversation) await shown.saveNow();
      },

      async addConversation(conversation) {
        shown.edited();
        leaveFor(conversation);
        await shown.saveNow();
      },

      async renameConversation(id, title) {
        const trimmed = title.trim();
        if (trimmed === '') return;
        if (id === get().current.id) {
          shown.edited();
          shown.show({ ...get().current, title: trimmed });
          await shown.saveNow();
          return;
        }
        const conversation = await read(id);
        if (!conversation) {
          await notOpened(id);
          return;
        }
        sync?.schedule({ ...conversation, title: trimmed });
        await sync?.written();
      },

      async deleteConversation(id) {
        const wasCurrent = id === get().current.id;
        const conversation = wasCurrent ? get().current : await told(repository?.get(id), tell, notRead);
        if (!conversation) {
          await notOpened(id);
          return;
        }
        if (wasCurrent) closeCurrent();
        const stored = await sync?.discard(id);
        try {
          await repository?.delete(id);
        } catch (error) {
          // Still stored, and still listed: the user is told, and what was shown is saved, as changes from what
          // storage holds (the end of the answer the delete stopped, say; nothing when nothing changed).
          tell(notDeleted(error, id));
          const kept = answers.withOwnAnswer(conversation);
          sync?.restore(kept, stored);
          if (wasCurrent && get().current.first === undefined) shown.show(kept);
          return;
        }
        list.unlisted(id);
        const problem = get().storageProblem;
        set({
          deleted: conversation,
          ...(problem?.kind === 'not-deleted' && problem.id === id ? { storageProblem: undefined } : {}),
        });
      },

      async undoDelete() {
        const { deleted } = get();
        if (!deleted) return;
        set({ deleted: undefined });
        const restored = answers.restored(deleted);
        sync?.restore(restored);
        await sync?.written();
        if (get().current.first === undefined) shown.show(restored);
      },
    },
  };
}
