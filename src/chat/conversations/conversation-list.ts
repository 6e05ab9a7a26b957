import { newestFirst } from '../persistence/record-reader';
import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSummary } from '../persistence/schemas';
import type { ConversationSlice } from './conversation-state';
import type { StoreWrite } from '../store-access';
import type { StorageProblem } from '../types';
import { notRead, told } from './storage-problems';

/** How old the newest entry's time in the list may grow while its conversation is saved again and again. */
const LIST_TIME_STEP_MS = 60_000;

/**
 * The list with a saved conversation's entry put in, newest first, or undefined when the list stays as it is:
 * the newest entry, saved again within a minute with the same title and question (a streaming answer is saved
 * twice a second), sorts and reads the same, and a list of a thousand entries is not rendered again for each
 * save.
 */
export function withListed(
  conversations: readonly ConversationSummary[],
  summary: ConversationSummary,
): readonly ConversationSummary[] | undefined {
  const [newest] = conversations;
  if (
    newest?.id === summary.id &&
    newest.title === summary.title &&
    newest.preview === summary.preview &&
    summary.updatedAt >= newest.updatedAt &&
    summary.updatedAt - newest.updatedAt < LIST_TIME_STEP_MS
  )
    return undefined;
  return [...conversations.filter(({ id }) => id !== summary.id), summary].sort(newestFirst);
}

/** The list of stored conversations, kept in step with what this tab saves and removes. */
export interface ConversationList {
  /** Puts a saved conversation's entry in the list, without reading the list again. */
  readonly listed: (summary: ConversationSummary) => void;
  readonly unlisted: (id: string) => void;
  /** Reads the list again (another tab changed it, or a backup was imported). */
  readonly refresh: () => Promise<void>;
}

export function createConversationList({
  set,
  repository,
  tell,
}: StoreWrite<Pick<ConversationSlice, 'conversations' | 'unreadable'>> & {
  readonly repository: ConversationRepository | undefined;
  /** Tells the user the list could not be read (it stays as it was). */
  readonly tell: (problem: StorageProblem) => void;
}): ConversationList {
  return {
    listed: (summary) =>
      set((state) => {
        const conversations = withListed(state.conversations, summary);
        return conversations ? { conversations } : state;
      }),
    unlisted: (id) =>
      set((state) => ({ conversations: state.conversations.filter((summary) => summary.id !== id) })),
    async refresh() {
      const list = await told(repository?.list(), tell, notRead);
      if (list) set({ conversations: list.summaries, unreadable: list.unreadable });
    },
  };
}
