import type { Connection } from './connection';
import type { TabPresence } from './tab-presence';
import { newestFirst, type RecordReader } from './record-reader';
import type { ConversationSummary } from './schemas';
import { createSearchCache, type SearchCacheUpdates, type SearchSnapshot } from './search-cache';
import {
  findIn,
  findInHead,
  mayHold,
  searchedGrams,
  searchedText,
  searchTextOf,
  type SearchHead,
  type SearchHit,
} from './search-index';
import { readHeads, readTexts } from './search-reads';
import { repairSearch } from './search-repair';
import type { SearchResult } from './repository-types';

/** How many conversations a search reads at once (one transaction), once their filters said they may hold the text: as many as it lists, so a word in every conversation takes one read. */
const SEARCH_BATCH = 50;
export const SEARCH_LIMIT = 50;

/**
 * Search over the stored conversations: the filters say which conversations may hold the text, the heads and
 * texts search keeps settle most of those, and the rest are read whole (and what search keeps of them written
 * again). What it reads once is kept, and told what changed.
 */
export interface RepositorySearch extends SearchCacheUpdates {
  search(query: string, limit?: number): Promise<SearchResult>;
}

/** One search: the searched text, what it started from, and what it read whole on the way. */
interface SearchRun {
  readonly needle: string;
  readonly snapshot: SearchSnapshot;
  /** Every summary, newest first. */
  readonly newest: readonly ConversationSummary[];
  readonly alive: () => Promise<ReadonlySet<string>>;
  /** The conversations read whole, whose search text is written again once the search has answered. */
  readonly repaired: string[];
  /** Of those, the conversations whose filter is missing or misses text written as a page closed. */
  readonly unfiltered: Set<string>;
}

/** The conversations whose filter may hold the text (or that have none to say), newest first. */
function candidatesOf({ summaries, filters, stale }: SearchSnapshot, grams: readonly number[]) {
  const candidates: ConversationSummary[] = [];
  for (const shown of summaries.values()) {
    const filter = filters.get(shown.id);
    if (stale.has(shown.id) || !filter || mayHold(filter, grams)) candidates.push(shown);
  }
  return candidates.sort(newestFirst);
}

/**
 * Where the text is in each conversation of `batch`: from its head where that settles it, else from its whole
 * text, else from its records read whole (a conversation never read since it changed).
 */
async function findInBatch(
  { reading }: Pick<Connection, 'reading'>,
  { readMany }: Pick<RecordReader, 'readMany'>,
  run: SearchRun,
  batch: readonly ConversationSummary[],
): Promise<Map<string, SearchHit | undefined>> {
  const { needle, snapshot } = run;
  const found = new Map<string, SearchHit | undefined>();
  // Without a head (never read since it changed) or with text written as a page closed: read whole.
  const whole: ConversationSummary[] = [];
  const further = new Map<string, { readonly summary: ConversationSummary; readonly head: SearchHead }>();
  const heads = await reading((db) => readHeads(db, batch, run.newest));
  for (const summary of batch) {
    const head = snapshot.stale.has(summary.id) ? undefined : heads.get(summary.id);
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
    run.alive,
    (id) => snapshot.stale.has(id),
  );
  whole.forEach((summary, index) => {
    const conversation = conversations[index];
    if (!conversation) return;
    const text = searchTextOf(conversation);
    found.set(summary.id, findIn(summary, needle, text.text, text));
    run.repaired.push(summary.id);
    if (snapshot.stale.has(summary.id) || !snapshot.filters.has(summary.id)) run.unfiltered.add(summary.id);
  });
  return found;
}

export function createRepositorySearch(
  connection: Connection,
  reader: RecordReader,
  presence: TabPresence,
): RepositorySearch {
  const cache = createSearchCache(connection);

  async function search(query: string, limit = SEARCH_LIMIT): Promise<SearchResult> {
    const needle = searchedText(query);
    if (needle === '') return { hits: [], more: false };
    const grams = searchedGrams(needle);
    let tabs: Promise<ReadonlySet<string>> | undefined;
    const alive = (): Promise<ReadonlySet<string>> => (tabs ??= presence.alive());
    const snapshot = await cache.read();
    const candidates = candidatesOf(snapshot, grams);
    const newest = [...snapshot.summaries.values()].sort(newestFirst);
    const run: SearchRun = { needle, snapshot, newest, alive, repaired: [], unfiltered: new Set() };
    const repair = () => void repairSearch(connection, reader, cache, run.repaired, run.unfiltered);
    const hits: SearchHit[] = [];
    for (let start = 0; start < candidates.length; start += SEARCH_BATCH) {
      const batch = candidates.slice(start, start + SEARCH_BATCH);
      const found = await findInBatch(connection, reader, run, batch);
      for (const { id } of batch) {
        const hit = found.get(id);
        if (hit) hits.push(hit);
      }
      if (hits.length >= limit) {
        repair();
        return {
          hits: hits.slice(0, limit),
          more: hits.length > limit || start + SEARCH_BATCH < candidates.length,
        };
      }
    }
    repair();
    return { hits, more: false };
  }

  return {
    search,
    saved: (summary, filter) => cache.saved(summary, filter),
    deleted: (id) => cache.deleted(id),
    outdated: (id) => cache.outdated(id),
    forget: () => cache.forget(),
  };
}
