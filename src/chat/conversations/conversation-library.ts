import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationList } from './conversation-list';
import type { ConversationSlice, SharedViewEffects } from './conversation-state';
import type { ConversationSync } from './conversation-sync';
import type { CurrentConversation } from './current-conversation';
import type { Generation } from '../answers/generation';
import type { StoreAccess } from '../store-access';

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
  Pick<ConversationSlice, 'conversations' | 'current' | 'draft' | 'notice' | 'deleted'>
> {
  readonly repository: ConversationRepository | undefined;
  readonly sync: ConversationSync | undefined;
  readonly shown: Pick<CurrentConversation, 'blank' | 'show' | 'edited' | 'saveNow'>;
  readonly list: Pick<ConversationList, 'refresh' | 'unlisted'>;
  readonly generation: Pick<Generation, 'stop'>;
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
  const { get, set, repository, sync, shown, list, generation, sharedView } = dependencies;

  function closeCurrent(): void {
    generation.stop();
    shown.show(shown.blank());
    set({ draft: '', notice: undefined });
  }

  return {
    closeCurrent,
    actions: {
      async restore() {
        if (!repository) return;
        await list.refresh();
        const latest = get().conversations[0];
        if (!latest || get().current.first !== undefined) return;
        const conversation = await sync?.read(latest.id).catch(() => undefined);
        if (conversation && get().current.first === undefined) shown.show(conversation);
      },

      newConversation() {
        sharedView.leave();
        closeCurrent();
      },

      async openConversation(id) {
        sharedView.leave();
        if (id === get().current.id || !sync) return;
        generation.stop();
        const conversation = await sync.read(id).catch(() => undefined);
        if (conversation) {
          shown.show(conversation);
          set({ draft: '', notice: undefined });
        }
      },

      async addConversation(conversation) {
        generation.stop();
        shown.edited();
        shown.show(conversation);
        set({ draft: '', notice: undefined });
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
        const conversation = await sync?.read(id).catch(() => undefined);
        if (conversation) {
          sync?.schedule({ ...conversation, title: trimmed });
          await sync?.flush().catch(() => undefined);
        }
      },

      async deleteConversation(id) {
        const conversation =
          id === get().current.id ? get().current : await repository?.get(id).catch(() => undefined);
        if (!conversation) return;
        if (id === get().current.id) closeCurrent();
        await sync?.discard(id);
        await repository?.delete(id).catch(() => undefined);
        list.unlisted(id);
        set({ deleted: conversation });
      },

      async undoDelete() {
        const { deleted } = get();
        if (!deleted) return;
        set({ deleted: undefined });
        sync?.schedule(deleted);
        await sync?.flush().catch(() => undefined);
        if (get().current.first === undefined) shown.show(deleted);
      },
    },
  };
}
