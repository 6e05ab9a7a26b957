import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSlice } from './conversation-state';
import type { ConversationSync } from './conversation-sync';
import type { CurrentConversation } from './current-conversation';
import type { Generation } from '../answers/generation';
import { withLiveAnswer } from '../answers/live-answer';

export interface CurrentRefreshDependencies {
  /** The conversation on screen. */
  readonly current: () => ConversationSlice['current'];
  readonly repository: ConversationRepository | undefined;
  readonly sync: ConversationSync | undefined;
  readonly shown: Pick<CurrentConversation, 'show' | 'edits'>;
  readonly generation: Pick<Generation, 'live'>;
}

/**
 * Reads the current conversation again after another tab changed it, keeping what this tab shows: its own
 * changes are written first, and the answer it is streaming stays as it is here. If the user changed something
 * meanwhile, it tries again after that was saved. A call while one runs joins it (and makes it read once more).
 */
export function createCurrentRefresh({
  current,
  repository,
  sync,
  shown,
  generation,
}: CurrentRefreshDependencies): () => Promise<void> {
  let refreshing: Promise<void> | undefined;
  let refreshAgain = false;

  return function refreshCurrent(): Promise<void> {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const { id } = current();
        const before = shown.edits();
        await sync?.written();
        const fresh = await repository?.get(id).catch(() => undefined); // Unread: this tab's copy stays shown.
        if (!fresh || current().id !== id) continue;
        if (shown.edits() !== before) {
          refreshAgain = true;
          continue;
        }
        const view = withLiveAnswer(fresh, current(), generation.live());
        if (!view) continue;
        sync?.adopt(fresh);
        shown.show(view);
      } while (refreshAgain);
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
}

export interface OtherTabsDependencies {
  readonly current: () => ConversationSlice['current'];
  readonly sync: Pick<ConversationSync, 'discard' | 'forgetStored'> | undefined;
  readonly refreshList: () => Promise<void>;
  /** Saves the conversation on screen (soon). */
  readonly saveCurrent: () => void;
  /** Tells the user the stored conversations were deleted under this tab. */
  readonly cleared: () => void;
  readonly searchAgain: () => void;
  readonly refreshCurrent: () => Promise<void>;
  /** Leaves the current conversation for a new, empty one: another tab deleted it. */
  readonly closeCurrent: () => void;
  /** Another tab saved a conversation not on screen here (it may have brought back one deleted). */
  readonly savedElsewhere: (id: string) => Promise<void>;
}

/** Follows what another tab of this browser changes in storage: the list, a search shown, the current conversation. */
export function followOtherTabs(
  repository: ConversationRepository | undefined,
  {
    current,
    sync,
    refreshList,
    searchAgain,
    refreshCurrent,
    closeCurrent,
    saveCurrent,
    cleared,
    savedElsewhere,
  }: OtherTabsDependencies,
): void {
  repository?.onExternalChange((external) => {
    if (external.kind === 'cleared') {
      // Nothing this tab read is stored any more: what is on screen stays, and is written again, whole.
      sync?.forgetStored();
      saveCurrent();
      void refreshList();
      searchAgain();
      cleared();
      return;
    }
    void refreshList();
    searchAgain();
    const { id } = current();
    if (external.kind === 'deleted') {
      if (external.id !== id) return;
      void sync?.discard(id);
      closeCurrent();
      return;
    }
    if (external.kind === 'imported' || external.id === id) void refreshCurrent();
    else void savedElsewhere(external.id);
  });
}
