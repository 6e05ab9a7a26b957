import * as v from 'valibot';
import type { Connection } from './connection';
import { EXIT_WRITES_STORE, SEARCH_STORE, STALE_SEARCH_STORE, SUMMARIES_STORE } from './database';
import { summarySchema, type ConversationSummary } from './schemas';
import type { SearchFilter } from './search-index';

/** What a search starts from: the summaries and filters of every conversation, and what to read whole. */
export interface SearchSnapshot {
  readonly summaries: ReadonlyMap<string, ConversationSummary>;
  /** By id; a conversation without one is read whole. */
  readonly filters: ReadonlyMap<string, SearchFilter>;
  /** Conversations with text written as a page closed, which is not in their filters yet: they are read whole. */
  readonly stale: ReadonlySet<string>;
}

/** What the repository tells the cache: what this tab and the others changed. */
export interface SearchCacheUpdates {
  /** This tab saved a conversation: its summary, and its filter if the save changed it. */
  saved(summary: ConversationSummary, filter: SearchFilter | undefined): void;
  /** This tab deleted a conversation. */
  deleted(id: string): void;
  /** Another tab changed (or deleted) a conversation: the next search reads its summary and filter again. */
  outdated(id: string): void;
  /** An import changed any number of them: the next search reads everything again. */
  forget(): void;
}

/**
 * The summaries and search filters, read by the first search and then kept: this tab's saves update them, and
 * what the other tabs say they changed is read again by the next search. So a search reads and checks all
 * 1,000 of them only once, and afterwards only those of conversations another tab changed.
 */
export interface SearchCache extends SearchCacheUpdates {
  /** The snapshot a search starts from, read where it is not kept (or another tab changed it). */
  read(): Promise<SearchSnapshot>;
  /** Filters a search wrote again, where they were missing or behind. */
  repaired(filters: readonly SearchFilter[]): void;
}

export function createSearchCache({ reading }: Pick<Connection, 'reading'>): SearchCache {
  let filterCache: Map<string, SearchFilter> | undefined;
  let summaryCache: Map<string, ConversationSummary> | undefined;
  const outdatedFilters = new Set<string>();

  async function read(): Promise<SearchSnapshot> {
    const cachedFilters = filterCache;
    const cachedSummaries = summaryCache;
    const held = cachedFilters !== undefined && cachedSummaries !== undefined;
    const outdated = [...outdatedFilters];
    outdatedFilters.clear();
    const [records, filters, stale, exits] = await reading(async (db) => {
      const transaction = db.transaction([
        SUMMARIES_STORE,
        SEARCH_STORE,
        STALE_SEARCH_STORE,
        EXIT_WRITES_STORE,
      ]);
      const search = transaction.objectStore(SEARCH_STORE);
      const summaries = transaction.objectStore(SUMMARIES_STORE);
      const some = <T>(read: (id: string) => Promise<T | undefined>): Promise<T[]> =>
        Promise.all(outdated.map(read)).then((found) => found.filter((item) => item !== undefined));
      return Promise.all([
        held ? some((id) => summaries.get(id)) : summaries.getAll(),
        held ? some((id) => search.get(id)) : search.getAll(),
        transaction.objectStore(STALE_SEARCH_STORE).getAllKeys(),
        transaction.objectStore(EXIT_WRITES_STORE).getAllKeys(),
      ]);
    });
    const filterOf = held ? cachedFilters : new Map<string, SearchFilter>();
    const summaryOf = held ? cachedSummaries : new Map<string, ConversationSummary>();
    for (const id of outdated) {
      filterOf.delete(id);
      summaryOf.delete(id);
    }
    for (const filter of filters) filterOf.set(filter.id, filter);
    for (const record of records) {
      const summary = v.safeParse(summarySchema, record);
      if (!summary.success) continue;
      const { schema: _schema, ...shown } = summary.output;
      summaryOf.set(shown.id, shown);
    }
    filterCache = filterOf;
    summaryCache = summaryOf;
    const staleIds = new Set([...stale, ...exits.map(([conversationId]) => conversationId)]);
    return { summaries: summaryOf, filters: filterOf, stale: staleIds };
  }

  return {
    read,
    repaired(filters) {
      for (const filter of filters) filterCache?.set(filter.id, filter);
    },
    saved(summary, filter) {
      if (filter) filterCache?.set(summary.id, filter);
      summaryCache?.set(summary.id, summary);
    },
    deleted(id) {
      filterCache?.delete(id);
      summaryCache?.delete(id);
    },
    outdated: (id) => void outdatedFilters.add(id),
    forget() {
      filterCache = undefined;
      summaryCache = undefined;
    },
  };
}
