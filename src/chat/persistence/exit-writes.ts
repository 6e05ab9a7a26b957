import * as v from 'valibot';
import {
  dropSearchText,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_TEXT_STORE,
  STALE_SEARCH_STORE,
  VERSIONS_STORE,
  type Database,
} from './database';
import { isUnsettled } from './interrupted';
import { versionRecordSchema } from './schemas';

/**
 * The part of `localStorage` the store writes a closing page's answer into. A write to IndexedDB started as a
 * page closes is often lost with it (Chromium drops its transaction with the page); one to localStorage is
 * synchronous, and the next page reads it back. Small (about 5 MB per site), so IndexedDB is written too.
 */
export type ExitStorage = Pick<Storage, 'length' | 'key' | 'getItem' | 'setItem' | 'removeItem'>;

/** Where in `localStorage` each version written as a page closed goes, followed by its key as JSON. */
export const EXIT_KEY = 'hangul-llama:exit:';

/**
 * Whether a version written as a page closed is newer than the stored one: it is, unless the stored answer
 * has settled or grown since (the page came back from the back/forward cache and went on).
 */
function supersedes(exit: unknown, stored: unknown): boolean {
  const written = v.safeParse(versionRecordSchema, exit);
  if (!written.success) return false;
  const kept = v.safeParse(versionRecordSchema, stored);
  if (!kept.success) return stored === undefined;
  return (
    isUnsettled(kept.output.answer) &&
    written.output.answer.content.length >= kept.output.answer.content.length
  );
}

/** The answers closing pages wrote into `storage`. */
export function exitEntries(
  storage: ExitStorage | undefined,
): { readonly key: string; readonly record: unknown }[] {
  if (!storage) return [];
  const entries: { key: string; record: unknown }[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (!key?.startsWith(EXIT_KEY)) continue;
    try {
      entries.push({ key, record: JSON.parse(storage.getItem(key) ?? 'null') as unknown });
    } catch {
      entries.push({ key, record: undefined });
    }
  }
  return entries;
}

/**
 * A conversation's version records with those written as a page closed put in where they are newer (entries
 * of other conversations are left out).
 */
export function withExitWrites(
  versions: readonly unknown[],
  exits: readonly unknown[],
  conversationId: string,
): unknown[] {
  const mine = exits.filter(
    (exit) => (exit as { conversationId?: unknown } | undefined)?.conversationId === conversationId,
  );
  if (mine.length === 0) return [...versions];
  const byId = new Map(versions.map((version) => [(version as { id?: unknown } | undefined)?.id, version]));
  for (const exit of mine) {
    const id = (exit as { id?: unknown } | undefined)?.id;
    if (supersedes(exit, byId.get(id))) byId.set(id, exit);
  }
  return [...byId.values()];
}

/**
 * Writes the versions written as pages closed over the stored ones, once a page opens the database; returns
 * the versions written, by conversation.
 */
export async function foldExitWrites(
  db: Database,
  storage: ExitStorage | undefined,
): Promise<Map<string, string[]>> {
  const folded = new Map<string, string[]>();
  try {
    const fromStorage = exitEntries(storage);
    const transaction = db.transaction(
      [EXIT_WRITES_STORE, VERSIONS_STORE, STALE_SEARCH_STORE, SEARCH_HEAD_STORE, SEARCH_TEXT_STORE],
      'readwrite',
    );
    const exits = transaction.objectStore(EXIT_WRITES_STORE);
    const [keys, values] = await Promise.all([exits.getAllKeys(), exits.getAll()]);
    for (const key of keys) void exits.delete(key);
    const versions = transaction.objectStore(VERSIONS_STORE);
    // The newest of each version's exit writes, wherever it was written.
    const newest = new Map<string, unknown>();
    for (const record of [...values, ...fromStorage.map((entry) => entry.record)]) {
      const parsed = v.safeParse(versionRecordSchema, record);
      if (!parsed.success) continue;
      const key = JSON.stringify([parsed.output.conversationId, parsed.output.id]);
      if (supersedes(record, newest.get(key))) newest.set(key, record);
    }
    await Promise.all(
      [...newest.values()].map(async (record) => {
        const { conversationId, id } = record as { conversationId: string; id: string };
        if (!supersedes(record, await versions.get([conversationId, id]))) return;
        void versions.put(record);
        void transaction.objectStore(STALE_SEARCH_STORE).put({ id: conversationId });
        dropSearchText(transaction, conversationId);
        folded.set(conversationId, [...(folded.get(conversationId) ?? []), id]);
      }),
    );
    await transaction.done;
    for (const { key } of fromStorage) storage?.removeItem(key);
  } catch {
    // Left for the next page that opens the database; reads fold them in meanwhile.
  }
  return folded;
}
