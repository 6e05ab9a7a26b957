import * as v from 'valibot';
import type { Connection } from './connection';
import {
  CONVERSATIONS_STORE,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  STALE_SEARCH_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  writeSearchText,
  type StoreName,
} from './database';
import type { TabPresence } from './tab-presence';
import { newestFirst, readRecords, type RecordReader } from './records';
import { summarySchema, type ConversationSummary } from './schemas';
import {
  buildFilter,
  findIn,
  findInHead,
  mayHold,
  searchedGrams,
  searchedText,
  searchTextOf,
  type SearchFilter,
  type SearchHead,
  type SearchHit,
} from './search-index';
import { readHeads, readTexts } from './search-reads';
import type { SearchResult } from './repository-types';

/** What a search's repair reads and writes: a conversation's records, and what search keeps of them. */
const REPAIR_STORES: StoreName[] = [
  CONVERSATIONS_STORE,
  VERSIONS_STORE,
  EXIT_WRITES_STORE,
  SEARCH_STORE,
  STALE_SEARCH_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_TEXT_STORE,
];

/** How many conversations a search reads at once (one transaction), once their filters said they may hold the text: as many as it lists, so a word in every conversation takes one read. */
const SEARCH_BATCH = 50;
export const SEARCH_LIMIT = 50;

/**
 * Search over the stored conversations: the filters say which conversations may hold the text, the heads and
 * texts search keeps settle most of those, and the rest are read whole (and what search keeps of them written
 * again). What it reads once is kept, and told what changed.
 */
export interface RepositorySearch {
  search(query: string, limit?: number): Promise<SearchResult>;
  /** This tab saved a conversation: its summary, and its filter if the save changed it. */
  saved(summary: ConversationSummary, filter: SearchFilter | undefined): void;
  /** This tab deleted a conversation. */
  deleted(id: string): void;
  /** Another tab changed (or deleted) a conversation: the next search reads its summary and filter again. */
  outdated(id: string): void;
  /** An import changed any number of them: the next search reads everything again. */
  forget(): void;
}

export function createRepositorySearch(
  { reading, writing }: Connection,
  { readMany, readRaw }: RecordReader,
  presence: TabPresence,
): RepositorySearch {
  /**
   * The search filters, read by the first search and then kept: this tab's saves update them, and what the
   * other tabs say they changed is read again by the next search.
   */
  let filterCache: Map<string, SearchFilter> | undefined;
  /**
   * The summaries, kept alongside the filters and in the same way: a search reads and checks all 1,000 of
   * them only once, and afterwards only those of conversations another tab changed.
   */
  let summaryCache: Map<string, ConversationSummary> | undefined;
  const outdatedFilters = new Set<string>();

  async function search(query: string, limit = SEARCH_LIMIT): Promise<SearchResult> {
    const needle = searchedText(query);
    if (needle === '') return { hits: [], more: false };
    const grams = searchedGrams(needle);
    let tabs: Promise<ReadonlySet<string>> | undefined;
    const alive = (): Promise<ReadonlySet<string>> => (tabs ??= presence.alive());
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
    // Text written as a page closed is not in the filters yet: those conversations are read whole.
    const staleIds = new Set([...stale, ...exits.map(([conversationId]) => conversationId)]);
    const candidates: ConversationSummary[] = [];
    for (const shown of summaryOf.values()) {
      const filter = filterOf.get(shown.id);
      if (staleIds.has(shown.id) || !filter || mayHold(filter, grams)) candidates.push(shown);
    }
    candidates.sort(newestFirst);
    const newest = [...summaryOf.values()].sort(newestFirst);
    const hits: SearchHit[] = [];
    const repaired: string[] = [];
    // Of those, the conversations whose filter is missing or misses text written as a page closed.
    const unfiltered = new Set<string>();
    for (let start = 0; start < candidates.length; start += SEARCH_BATCH) {
      const batch = candidates.slice(start, start + SEARCH_BATCH);
      const found = new Map<string, SearchHit | undefined>();
      // Without a head (never read since it changed) or with text written as a page closed: read whole.
      const whole: ConversationSummary[] = [];
      const further = new Map<string, { readonly summary: ConversationSummary; readonly head: SearchHead }>();
      const heads = await reading((db) => readHeads(db, batch, newest));
      for (const summary of batch) {
        const head = staleIds.has(summary.id) ? undefined : heads.get(summary.id);
        const hit = head && findInHead(summary, needle, head);
        if (!head) whole.push(summary);
        else if (hit === 'further') further.set(summary.id, { summary, head });
        else found.set(summary.id, hit);
      }
      const texts = await reading((db) =>
        readTexts(
          db,
          [...further.values()].map(({ head }) => head),
        ),
      );
      for (const { summary, head } of further.values()) {
        const text = texts.get(summary.id);
        if (text === undefined) whole.push(summary);
        else found.set(summary.id, findIn(summary, needle, text, head));
      }
      // Only the conversations with text written as a page closed have records in that store.
      const conversations = await readMany(
        whole.map(({ id }) => id),
        alive,
        (id) => staleIds.has(id),
      );
      whole.forEach((summary, index) => {
        const conversation = conversations[index];
        if (!conversation) return;
        const text = searchTextOf(conversation);
        found.set(summary.id, findIn(summary, needle, text.text, text));
        repaired.push(summary.id);
        if (staleIds.has(summary.id) || !filterOf.has(summary.id)) unfiltered.add(summary.id);
      });
      for (const { id } of batch) {
        const hit = found.get(id);
        if (hit) hits.push(hit);
      }
      if (hits.length >= limit) {
        void repair(repaired, unfiltered);
        return {
          hits: hits.slice(0, limit),
          more: hits.length > limit || start + SEARCH_BATCH < candidates.length,
        };
      }
    }
    void repair(repaired, unfiltered);
    return { hits, more: false };
  }

  /**
   * Writes the search text of conversations a search read whole because it was missing, and the filter of
   * those whose filter was missing or behind (`unfiltered`). They are read again in the transaction that
   * writes them: a save between the search and this write would otherwise be undone in them.
   */
  async function repair(ids: readonly string[], unfiltered: ReadonlySet<string>): Promise<void> {
    if (ids.length === 0) return;
    await writing(async (db) => {
      const transaction = db.transaction(REPAIR_STORES, 'readwrite');
      const raws = await readRaw(transaction, ids, () => true);
      const filters: SearchFilter[] = [];
      for (const raw of raws) {
        const read = raw && readRecords(raw.header, raw.records, undefined);
        if (!read?.ok) continue;
        writeSearchText(transaction, read.conversation);
        // Only where it is missing or behind: the filter of a long conversation costs its whole text to build,
        // and saves keep the others up to date.
        if (!unfiltered.has(read.conversation.id)) continue;
        const filter = buildFilter(read.conversation);
        filters.push(filter);
        void transaction.objectStore(SEARCH_STORE).put(filter);
        void transaction.objectStore(STALE_SEARCH_STORE).delete(filter.id);
      }
      await transaction.done;
      for (const filter of filters) filterCache?.set(filter.id, filter);
    }).catch(() => undefined);
  }

  return {
    search,
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
