import * as v from 'valibot';
import {
  deleteWhole,
  dropSearchText,
  CONVERSATIONS_STORE,
  EVERY_STORE,
  EXIT_WRITES_STORE,
  STALE_SEARCH_STORE,
  VERSIONS_STORE,
  versionsOf,
  writeOnly,
  writeWhole,
  type Database,
  type WriteTransaction,
} from './database';
import { isUnsettled } from '../../conversation/interrupted';
import {
  fromRecords,
  headerSchema,
  versionRecordSchema,
  type HeaderRecord,
  type VersionRecord,
} from '../../conversation/formats/records';

/**
 * The part of `localStorage` the repository writes a closing page's answer into. A write to IndexedDB started as a
 * page closes is often lost with it (Chromium drops its transaction with the page); one to localStorage is
 * synchronous, and the next page reads it back. Small (about 5 MB per site), so IndexedDB is written too.
 */
export type ExitStorage = Pick<Storage, 'length' | 'key' | 'getItem' | 'setItem' | 'removeItem'>;

/** Where in `localStorage` each version written as a page closed goes, followed by its key as JSON. */
export const EXIT_KEY = 'hangul-llama:exit:';

/**
 * Where a closing page writes the header of a conversation that was never stored (every save of it failed, on
 * a full disk say), followed by its id as JSON: its versions alone would be stored with nothing that lists them.
 */
export const EXIT_HEADER_KEY = 'hangul-llama:exit-header:';

/** Where a closing page notes a conversation it was taking out of storage, followed by its id as JSON. */
export const EXIT_DELETE_KEY = 'hangul-llama:exit-delete:';

/**
 * A conversation a closing page was deleting (its last exchange had been taken back), with the versions that
 * page knew were stored. The next page deletes it only if no other version has been stored since: the page may
 * have come back from the back/forward cache and gone on with it, or another tab may have written to it.
 */
export const exitDeleteSchema = v.object({ id: v.string(), known: v.array(v.string()) });

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

/** The answers closing pages wrote into `storage` (or, with `EXIT_DELETE_KEY`, the deletes they noted). */
export function exitEntries(
  storage: ExitStorage | undefined,
  prefix = EXIT_KEY,
): { readonly key: string; readonly record: unknown }[] {
  if (!storage) return [];
  const entries: { key: string; record: unknown }[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (!key?.startsWith(prefix)) continue;
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
 * Notes in `storage` the versions a page being hidden or closed is writing, which the next page that opens the
 * database folds in (`foldExitWrites`): Chromium often drops a closing page's transaction.
 */
export function noteSaveAtExit(
  storage: ExitStorage | undefined,
  conversationId: string,
  records: readonly VersionRecord[],
  /** The conversation's header, when it was never stored. */
  header?: HeaderRecord,
): void {
  if (header) {
    try {
      storage?.setItem(`${EXIT_HEADER_KEY}${JSON.stringify(conversationId)}`, JSON.stringify(header));
    } catch {
      // Over localStorage's quota: the versions below may still be written; without a header nothing lists them.
    }
  }
  for (const record of records) {
    try {
      storage?.setItem(`${EXIT_KEY}${JSON.stringify([conversationId, record.id])}`, JSON.stringify(record));
    } catch {
      // Over localStorage's quota (a very long answer): the IndexedDB write the page starts is all there is.
    }
  }
}

/**
 * Notes in `storage` that a page being hidden or closed is deleting a conversation, for the next page that
 * opens the database to finish (`foldExitWrites`): Chromium often drops a closing page's transaction. `known`
 * are the ids of the versions this page knew were stored.
 */
export function noteDeleteAtExit(
  storage: ExitStorage | undefined,
  id: string,
  known: readonly string[],
): void {
  try {
    storage?.setItem(`${EXIT_DELETE_KEY}${JSON.stringify(id)}`, JSON.stringify({ id, known }));
  } catch {
    // localStorage is full or off: the delete the page starts is all there is.
  }
}

/** What folding the exit writes did: the versions written, by conversation, and the conversations deleted. */
export interface Folded {
  readonly saved: ReadonlyMap<string, readonly string[]>;
  readonly deleted: readonly string[];
}

/**
 * Stores whole a conversation that a closing page wrote the header of because it was never stored: from that
 * header and its versions (those just folded in). Its id, or undefined when there is nothing to store (it is
 * stored already, or none of its versions was written).
 */
async function storeNeverStored(transaction: WriteTransaction, record: unknown): Promise<string | undefined> {
  const header = v.safeParse(headerSchema, record);
  if (!header.success) return undefined;
  const { id } = header.output;
  if ((await transaction.objectStore(CONVERSATIONS_STORE).get(id)) !== undefined) return undefined;
  const versions: VersionRecord[] = [];
  for (const raw of await transaction.objectStore(VERSIONS_STORE).getAll(versionsOf(id))) {
    const version = v.safeParse(versionRecordSchema, raw);
    // A version this version cannot read stays stored as it is, as in any conversation.
    if (version.success) versions.push(version.output);
  }
  const conversation = fromRecords(header.output, versions);
  if (conversation.first === undefined) return undefined;
  writeWhole(transaction, conversation);
  return id;
}

/**
 * Writes the versions written as pages closed over the stored ones, and carries out the deletes they noted,
 * once a page opens the database.
 */
export async function foldExitWrites(db: Database, storage: ExitStorage | undefined): Promise<Folded> {
  const saved = new Map<string, string[]>();
  const deleted: string[] = [];
  try {
    const fromStorage = exitEntries(storage);
    const deletes = exitEntries(storage, EXIT_DELETE_KEY);
    const transaction = db.transaction(EVERY_STORE, 'readwrite');
    const exits = transaction.objectStore(EXIT_WRITES_STORE);
    const [keys, values] = await Promise.all([exits.getAllKeys(), exits.getAll()]);
    // A failed request aborts the whole fold, which the catch below tells; their own rejections would say it again.
    transaction.done.catch(() => undefined); // Told by the awaited requests and `done` below.
    for (const key of keys) writeOnly(transaction, EXIT_WRITES_STORE).delete(key);
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
        writeOnly(transaction, VERSIONS_STORE).put(record);
        writeOnly(transaction, STALE_SEARCH_STORE).put({ id: conversationId });
        dropSearchText(transaction, conversationId);
        saved.set(conversationId, [...(saved.get(conversationId) ?? []), id]);
      }),
    );
    const headers = exitEntries(storage, EXIT_HEADER_KEY);
    for (const { record } of headers) {
      const id = await storeNeverStored(transaction, record);
      if (id !== undefined && !saved.has(id)) saved.set(id, []);
    }
    for (const { record } of deletes) {
      const parsed = v.safeParse(exitDeleteSchema, record);
      if (!parsed.success) continue;
      const { id, known } = parsed.output;
      const stored = await versions.getAllKeys(versionsOf(id));
      const knew = new Set(known);
      if (!stored.every(([, version]) => knew.has(version))) continue;
      deleteWhole(transaction, id);
      saved.delete(id);
      deleted.push(id);
    }
    await transaction.done;
    for (const { key } of [...fromStorage, ...headers, ...deletes]) storage?.removeItem(key);
  } catch {
    // Left for the next page that opens the database; reads fold the versions in meanwhile.
    return { saved: new Map(), deleted: [] };
  }
  return { saved, deleted };
}
