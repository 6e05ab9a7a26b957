import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSlice } from './conversation-state';
import type { StoreWrite } from '../store-access';
import type { StorageProblem } from '../types';
import { notRead } from './storage-problems';

export interface ConversationSearch {
  readonly searchConversations: ConversationSlice['searchConversations'];
  /** Runs the last search again, if one is shown: the stored conversations changed. */
  readonly searchAgain: () => void;
}

/** Searches the stored conversations; only the latest search's results are shown. */
export function createConversationSearch({
  set,
  repository,
  tell,
}: StoreWrite<Pick<ConversationSlice, 'searchResults' | 'searchMore'>> & {
  readonly repository: ConversationRepository | undefined;
  /** Tells the user a search could not read the stored conversations. */
  readonly tell: (problem: StorageProblem) => void;
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
    let result;
    try {
      result = await repository?.search(query);
    } catch (error) {
      // No results shown for it: "nothing found" would be untrue; the notice says the search could not read.
      if (mine === searches) {
        set({ searchResults: undefined, searchMore: false });
        tell(notRead(error));
      }
      return;
    }
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
