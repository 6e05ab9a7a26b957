import * as v from 'valibot';
import { SEARCH_HEAD_STORE, SEARCH_TEXT_STORE, UPDATED_AT_INDEX, type Database } from './database';
import { searchHeadSchema, searchTextSchema, type ConversationSummary } from './schemas';
import type { SearchHead } from './search-index';

/**
 * The heads of a search's batch that are stored and match their summaries, by id. The newest conversations'
 * are read together, in one request through the time index, when the batch is most of them (a word found
 * everywhere); scattered ones each on their own (a rare word).
 */
export async function readHeads(
  db: Database,
  batch: readonly ConversationSummary[],
  /** Every summary, newest first. */
  newest: readonly ConversationSummary[],
): Promise<Map<string, SearchHead>> {
  const oldest = batch.at(-1);
  if (!oldest) return new Map();
  const together = newest.indexOf(oldest) < batch.length * 2;
  const store = db.transaction(SEARCH_HEAD_STORE).store;
  const records = await (together
    ? store.index(UPDATED_AT_INDEX).getAll(IDBKeyRange.lowerBound(oldest.updatedAt))
    : Promise.all(batch.map(({ id }) => store.get(id))));
  const wanted = new Map(batch.map((summary) => [summary.id, summary]));
  const heads = new Map<string, SearchHead>();
  for (const record of records) {
    const head = v.safeParse(searchHeadSchema, record);
    // A summary this tab has not read again since another tab's change: the conversation is read whole.
    if (head.success && wanted.get(head.output.id)?.updatedAt === head.output.updatedAt) {
      heads.set(head.output.id, head.output);
    }
  }
  return heads;
}

/** The whole texts of conversations whose heads did not settle a search, where stored and as new, by id. */
export async function readTexts(db: Database, heads: readonly SearchHead[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (heads.length === 0) return texts;
  const store = db.transaction(SEARCH_TEXT_STORE).store;
  const records = await Promise.all(heads.map(({ id }) => store.get(id)));
  records.forEach((record, index) => {
    const text = v.safeParse(searchTextSchema, record);
    if (text.success && text.output.updatedAt === heads[index]?.updatedAt) {
      texts.set(text.output.id, text.output.text);
    }
  });
  return texts;
}
