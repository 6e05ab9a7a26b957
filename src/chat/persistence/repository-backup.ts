import { check } from '../../schema/issues';
import type { Conversation } from '../../conversation/conversation';
import type { Connection } from './connection';
import {
  CONVERSATIONS_STORE,
  EVERY_STORE,
  EXIT_WRITES_STORE,
  STALE_SEARCH_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  versionsOf,
  writeOnly,
  writeWhole,
  type WriteTransaction,
} from './database';
import { newestFirst, readKept, readRecords } from './record-reader';
import { headerSchema } from '../../conversation/formats/records';
import { type UnreadableSummary } from './schemas';
import type { ImportReport, StoredData } from './repository-types';
import type { UnreadableRecord } from '../../conversation/formats/records';

/** Everything stored, for a full backup: the conversations, and what this version cannot read, as it is. */
export async function readBackup({ reading }: Connection): Promise<StoredData> {
  const [keys, headers, versions] = await reading(async (db) => {
    const transaction = db.transaction([CONVERSATIONS_STORE, VERSIONS_STORE]);
    return Promise.all([
      transaction.objectStore(CONVERSATIONS_STORE).getAllKeys(),
      transaction.objectStore(CONVERSATIONS_STORE).getAll(),
      transaction.objectStore(VERSIONS_STORE).getAll(),
    ]);
  });
  const byConversation = new Map<unknown, unknown[]>();
  for (const version of versions) {
    const owner = (version as { conversationId?: unknown } | undefined)?.conversationId;
    const list = byConversation.get(owner);
    if (list) list.push(version);
    else byConversation.set(owner, [version]);
  }
  const conversations: Conversation[] = [];
  const unreadable: UnreadableRecord[] = [];
  headers.forEach((header, index) => {
    const own = byConversation.get(keys[index]) ?? [];
    const result = readRecords(header, own, undefined);
    if (result.ok) conversations.push(result.conversation);
    else unreadable.push({ record: header, versions: own });
  });
  return { conversations: conversations.sort(newestFirst), unreadable };
}

/**
 * Adds a backup's conversations in one transaction: one with an id already here replaces the stored one only if
 * it is newer (`updatedAt`). Nothing stored is deleted, whether this version can read it or not. A record the
 * backup holds both readable and unreadable is taken readable. Written whole or not at all: on any failure the
 * transaction is aborted, and the error (`quota-exceeded`, `write-failed`) thrown.
 */
export async function importInto(
  { writing }: Connection,
  data: StoredData,
  /** Ids for conversations that must be stored beside one this version cannot read. */
  newId: () => string,
): Promise<ImportReport> {
  return writing(async (db) => {
    const transaction = db.transaction(EVERY_STORE, 'readwrite');
    try {
      const report = await writeImport(transaction, data, newId);
      await transaction.done;
      return report;
    } catch (error) {
      // What was put before the failure must not be committed without the rest.
      try {
        transaction.abort();
      } catch {
        // Already aborted, by the browser or by the request that failed.
      }
      await transaction.done.catch(() => undefined); // The abort's own news: the failure is the error thrown.
      throw error;
    }
  });
}

async function writeImport(
  transaction: WriteTransaction,
  { conversations, unreadable }: StoredData,
  newId: () => string,
): Promise<ImportReport> {
  const store = transaction.objectStore(CONVERSATIONS_STORE);
  const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
  const stored = new Map<unknown, unknown>(keys.map((key, index) => [key, values[index]]));
  const readable = new Set<unknown>(conversations.map(({ id }) => id));
  let added = 0;
  let updated = 0;
  let kept = 0;
  let unreadableAdded = 0;
  let skipped = 0;
  for (const conversation of conversations) {
    const existing = stored.get(conversation.id);
    if (existing === undefined) {
      writeWhole(transaction, conversation);
      added += 1;
      continue;
    }
    const header = check(headerSchema, existing, 'record');
    if (!header.ok) {
      // Never over a record this version cannot read: the backup's copy goes beside it.
      writeWhole(transaction, { ...conversation, id: newId() });
      added += 1;
    } else if (header.value.updatedAt >= conversation.updatedAt) {
      kept += 1;
    } else {
      writeOnly(transaction, VERSIONS_STORE).delete(versionsOf(conversation.id));
      writeOnly(transaction, STALE_SEARCH_STORE).delete(conversation.id);
      writeOnly(transaction, EXIT_WRITES_STORE).delete(versionsOf(conversation.id));
      writeWhole(transaction, conversation);
      updated += 1;
    }
  }
  for (const { record, versions } of unreadable) {
    const id = (record as { id: string | number }).id;
    if (readable.has(id)) {
      skipped += 1;
      continue;
    }
    if (stored.has(id)) {
      kept += 1;
      continue;
    }
    const read = readKept(record, versions);
    if (read.ok) {
      // Written by a version that could not read it, and this one can.
      writeWhole(transaction, read.conversation);
      added += 1;
      continue;
    }
    writeOnly(transaction, CONVERSATIONS_STORE).put(record);
    for (const version of versions) writeOnly(transaction, VERSIONS_STORE).put(version);
    const summary: UnreadableSummary = { id, unreadable: read.reason };
    writeOnly(transaction, SUMMARIES_STORE).put(summary);
    unreadableAdded += 1;
  }
  return { added, updated, kept, unreadableAdded, skipped };
}
