import type { Conversation } from '../../conversation/conversation';
import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSummary } from '../persistence/schemas';
import { createThrottledSaver } from '../persistence/throttled-saver';

export interface ConversationSyncOptions {
  readonly repository: ConversationRepository;
  /** How often a streaming answer is saved; a crash loses at most about this much of it. */
  readonly intervalMs: number;
  /** A conversation was written: its entry in the list. */
  readonly onSaved: (summary: ConversationSummary) => void;
  /** A conversation left with no exchange was taken out of storage. */
  readonly onRemoved: (id: string) => void;
  /** Another tab deleted a conversation this tab was saving: it was not written again. */
  readonly onDeletedElsewhere: (id: string) => void;
  /** A save failed (a full disk, say): it is tried again by itself, later and later. */
  readonly onError: (error: unknown) => void;
  /** Every save that had failed has been written since. */
  readonly onRecovered: () => void;
}

/**
 * Saves conversations as changes: for each, it remembers the copy last read or written, and a save writes only
 * what differs from it (see `ConversationRepository.save`). The first change is written at once, later ones at most
 * every interval, always the latest.
 */
export interface ConversationSync {
  /** Reads a conversation, remembering it as the copy changes are counted from. */
  read(id: string): Promise<Conversation | undefined>;
  /** Remembers `conversation` as stored (read again after another tab changed it). */
  adopt(conversation: Conversation): void;
  /**
   * Saves soon. A conversation with no exchange is not saved (and taken out if it was). One deleted (here or in
   * another tab) is not saved until it is read again or restored: false then.
   */
  schedule(conversation: Conversation): boolean;
  /**
   * Saves a deleted conversation brought back: as a new one, or, when its delete failed, as changes from
   * `stored` (the copy `discard` returned, which storage still holds).
   */
  restore(conversation: Conversation, stored?: Conversation): void;
  /** Writes what is waiting (and what failed) and waits for it; rejects if a write fails (told to `onError` too). */
  flush(): Promise<void>;
  /**
   * As `flush`, for callers with nothing to add to a failure: false when a write failed, which `onError` has told
   * and which is tried again by itself.
   */
  written(): Promise<boolean>;
  /**
   * Forgets every copy it counted changes from: the stored conversations were deleted under this tab, so the
   * next save of each writes it whole.
   */
  forgetStored(): void;
  /**
   * Forgets a conversation that is being deleted: nothing waiting for it, or scheduled later, is written (until
   * it is read again or restored).
   */
  discard(id: string): Promise<Conversation | undefined>;
  /**
   * Starts writing `conversation` before returning (or deleting it, if it has no exchange left): the page is
   * being hidden or closed.
   */
  saveAtExit(conversation: Conversation): void;
}

export function createConversationSync({
  repository,
  intervalMs,
  onSaved,
  onRemoved,
  onDeletedElsewhere,
  onError,
  onRecovered,
}: ConversationSyncOptions): ConversationSync {
  const stored = new Map<string, Conversation>();
  // Raised when a conversation is read again: a save under way then must not put back the older copy it
  // counted from (the next save would take the other tab's versions for this tab's, and write them).
  const readings = new Map<string, number>();
  // Raised when the stored conversations were deleted under this tab: a save under way then must not keep
  // its copy as stored (the next save would count changes from it, and find the conversation deleted).
  let forgotten = 0;
  // A late change of a deleted conversation (the end of an answer left while it was written) must not bring
  // it back: with no copy stored, a save would write it as new.
  const deleted = new Set<string>();
  const saver = createThrottledSaver<Conversation>({
    intervalMs,
    onError,
    onRecovered,
    save: async (conversation) => {
      const previous = stored.get(conversation.id);
      const reading = readings.get(conversation.id);
      const epoch = forgotten;
      if (conversation.first === undefined) {
        if (!previous) return;
        await repository.delete(conversation.id);
        stored.delete(conversation.id);
        onRemoved(conversation.id);
        return;
      }
      const outcome = await repository.save(conversation, previous);
      if (outcome.kind === 'deleted') {
        stored.delete(conversation.id);
        deleted.add(conversation.id);
        onDeletedElsewhere(conversation.id);
        return;
      }
      if (readings.get(conversation.id) === reading && forgotten === epoch)
        stored.set(conversation.id, conversation);
      if (outcome.kind === 'saved') onSaved(outcome.summary);
    },
  });

  function adopt(conversation: Conversation): void {
    deleted.delete(conversation.id);
    readings.set(conversation.id, (readings.get(conversation.id) ?? 0) + 1);
    stored.set(conversation.id, conversation);
  }

  return {
    async read(id) {
      const conversation = await repository.get(id);
      if (conversation) adopt(conversation);
      return conversation;
    },

    adopt,

    schedule(conversation) {
      if (deleted.has(conversation.id)) return false;
      // Even a conversation with no exchange: a save of its first one may be under way, and must not stay.
      saver.schedule(conversation);
      return true;
    },

    restore(conversation, previous) {
      deleted.delete(conversation.id);
      if (previous) adopt(previous);
      saver.schedule(conversation);
    },

    flush: () => saver.flush(),

    written: () =>
      saver.flush().then(
        () => true,
        () => false,
      ),

    forgetStored() {
      forgotten += 1;
      stored.clear();
    },

    async discard(id) {
      // A save still waiting must not bring the conversation back.
      deleted.add(id);
      await saver.discard(id);
      const previous = stored.get(id);
      stored.delete(id);
      return previous;
    },

    saveAtExit(conversation) {
      const previous = stored.get(conversation.id);
      if (conversation.first !== undefined) repository.saveAtExit(conversation, previous);
      // Its last exchange was taken back, and the delete may not have landed: it must not come back.
      else if (previous) repository.deleteAtExit(conversation.id, previous);
    },
  };
}
