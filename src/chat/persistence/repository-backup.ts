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
  writeWhole,
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
 * it is newer (`updatedAt`). Nothing stored is deleted, whether this version can read it or not.
 */
export async function importInto(
  { writing }: Connection,
  { conversations, unreadable }: StoredData,
  /** Ids for conversations that must be stored beside one this version cannot read. */
  newId: () => string,
): Promise<ImportReport> {
  return writing(async (db) => {
    const transaction = db.transaction(EVERY_STORE, 'readwrite');
    const store = transaction.objectStore(CONVERSATIONS_STORE);
    const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
    const stored = new Map<unknown, unknown>(keys.map((key, index) => [key, values[index]]));
    let added = 0;
    let updated = 0;
    let kept = 0;
    let unreadableAdded = 0;
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
        void transaction.objectStore(VERSIONS_STORE).delete(versionsOf(conversation.id));
        void transaction.objectStore(STALE_SEARCH_STORE).delete(conversation.id);
        void transaction.objectStore(EXIT_WRITES_STORE).delete(versionsOf(conversation.id));
        writeWhole(transaction, conversation);
        updated += 1;
      }
    }
    for (const { record, versions } of unreadable) {
      const id = (record as { id: string | number }).id;
      if (stored.has(id)) {
        kept += 1;
        continue;
      }
      const readable = readKept(record, versions);
      if (readable.ok) {
        // Written by a version that could not read it, and this one can.
        writeWhole(transaction, readable.conversation);
        added += 1;
        continue;
      }
      void store.put(record);
      for (const version of versions) void transaction.objectStore(VERSIONS_STORE).put(version);
      const summary: UnreadableSummary = { id, unreadable: readable.reason };
      void transaction.objectStore(SUMMARIES_STORE).put(summary);
      unreadableAdded += 1;
    }
    await transaction.done;
    return { added, updated, kept, unreadableAdded };
  });
}
