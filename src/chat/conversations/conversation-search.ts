import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSlice } from './conversation-state';
import type { StoreWrite } from '../store-access';

export interface ConversationSearch {
  readonly searchConversations: ConversationSlice['searchConversations'];
  /** Runs the last search again, if one is shown: the stored conversations changed. */
  readonly searchAgain: () => void;
}

/** Searches the stored conversations; only the latest search's results are shown. */
export function createConversationSearch({
  set,
  repository,
}: StoreWrite<Pick<ConversationSlice, 'searchResults' | 'searchMore'>> & {
  readonly repository: ConversationRepository | undefined;
}): ConversationSearch {
  let lastQuery = '';
  let searches = 0;

  async function searchConversations(query: string): Promise<void> {
    lastQuery = query.trim() === '' ? '' : query;
    const mine = ++searches;
    if (lastQuery === '') {
      set({ searchResults: undefined, searchMore: false });
      return;
    }
    const result = await repository?.search(query).catch(() => undefined);
    if (mine !== searches) return;
    set({ searchResults: result?.hits ?? [], searchMore: result?.more ?? false });
  }

  return {
    searchConversations,
    searchAgain() {
      if (lastQuery !== '') void searchConversations(lastQuery);
    },
  };
}
