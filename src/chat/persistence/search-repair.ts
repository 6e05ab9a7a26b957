import type { Connection } from './connection';
import {
  CONVERSATIONS_STORE,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  STALE_SEARCH_STORE,
  VERSIONS_STORE,
  writeSearchText,
  type StoreName,
} from './database';
import { readRecords, type RecordReader } from './record-reader';
import type { SearchCache } from './search-cache';
import { buildFilter, type SearchFilter } from './search-index';

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

/**
 * Writes the search text of conversations a search read whole because it was missing, and the filter of
 * those whose filter was missing or behind (`unfiltered`). They are read again in the transaction that
 * writes them: a save between the search and this write would otherwise be undone in them. A failure is
 * passed over: the next search reads them whole again.
 */
export async function repairSearch(
  { writing }: Pick<Connection, 'writing'>,
  { readRaw }: Pick<RecordReader, 'readRaw'>,
  cache: Pick<SearchCache, 'repaired'>,
  ids: readonly string[],
  unfiltered: ReadonlySet<string>,
): Promise<void> {
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
    cache.repaired(filters);
  }).catch(() => undefined); // Search reads the records whole meanwhile, and the next search repairs again.
}
