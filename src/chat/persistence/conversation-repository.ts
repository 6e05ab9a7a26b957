import * as v from 'valibot';
import { check } from '../../schema/issues';
import type { Conversation } from '../../conversation/conversation';
import { applyPatch, changesBetween } from './changes';
import { createConnection } from './connection';
import {
  CONVERSATIONS_STORE,
  ConversationRepositoryError,
  conversationMigrations,
  deleteWhole,
  dropSearchText,
  EVERY_STORE,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  writeOnly,
  type Migration,
} from './database';
import { EXIT_KEY, foldExitWrites, noteDeleteAtExit, type ExitStorage } from './exit-writes';
import { aloneTab, type TabPresence } from './tab-presence';
import { createRecordReader, describeSummaryProblem, newestFirst } from './records';
import { headerSchema, versionRecordSchema, type HeaderRecord } from '../../conversation/formats/records';
import { MAX_EXCHANGES } from '../../conversation/conversation';
import {
  summarySchema,
  unreadableSummarySchema,
  type ConversationSummary,
  type UnreadableSummary,
} from './schemas';
import { addToFilter, type SearchFilter } from './search-index';
import { importInto, readBackup } from './repository-backup';
import { createRepositorySearch } from './repository-search';
import {
  externalChangeSchema,
  type ChangeChannel,
  type ClosableConversationRepository,
  type ExternalChange,
  type SaveOutcome,
  type SkippedRecord,
} from './repository-types';
import { summarize } from './summaries';
import { exchangesOf } from '../../conversation/conversation';
import { headerOf, versionsWithPlaces } from '../../conversation/formats/records';

export { ConversationRepositoryError, type ConversationRepositoryErrorCode } from './database';
export type { ConversationSummary, UnreadableSummary } from './schemas';
export type { SearchHit } from './search-index';
export type { ExitStorage } from './exit-writes';
export { SEARCH_LIMIT } from './repository-search';
export type * from './repository-types';

export interface ConversationRepositoryOptions {
  /** `indexedDB` in the app; fake-indexeddb's `IDBFactory` in tests. */
  readonly factory: IDBFactory;
  readonly migrations?: readonly Migration[];
  /** Which tabs are open (default: this one alone). */
  readonly presence?: TabPresence;
  /** How the tabs tell each other about changes (BroadcastChannel in the app). */
  readonly channel?: ChangeChannel;
  /** Ids for conversations that must be stored beside one this version cannot read. */
  readonly newId?: () => string;
  /** Told about every record skipped on a read (default: `console.warn`). */
  readonly onSkippedRecord?: (skipped: SkippedRecord) => void;
  /** Where a closing page writes its answer first (`localStorage` in the app). */
  readonly exitStorage?: ExitStorage;
}

/**
 * The conversations in IndexedDB, as the app's tabs share them: this file writes and reads them; the connection,
 * reading records, search and backups each have a module of their own.
 */
export function createConversationRepository({
  factory,
  migrations = conversationMigrations,
  presence = aloneTab(),
  channel,
  newId = () => crypto.randomUUID(),
  onSkippedRecord = (skipped) => console.warn('Skipped a conversation record:', skipped.key, skipped.reason),
  exitStorage,
}: ConversationRepositoryOptions): ClosableConversationRepository {
  const listeners = new Set<(change: ExternalChange) => void>();
  const connection = createConnection(factory, migrations, async (db) => {
    const folded = await foldExitWrites(db, exitStorage);
    for (const [id, versions] of folded.saved)
      tell({ kind: 'saved', id, versions: [...versions], removed: [] });
    for (const id of folded.deleted) deleted(id);
  });
  const { reading, writing } = connection;
  const reader = createRecordReader(connection, exitStorage, onSkippedRecord);
  const search = createRepositorySearch(connection, reader, presence);

  channel?.addEventListener('message', (event) => {
    const parsed = v.safeParse(externalChangeSchema, event.data);
    if (!parsed.success) return;
    const change = parsed.output;
    if (change.kind === 'imported') search.forget();
    else search.outdated(change.id);
    for (const listener of listeners) listener(change);
  });
  const tell = (change: ExternalChange): void => {
    try {
      channel?.postMessage(change);
    } catch {
      // A closed channel: the other tabs see the change when they next read.
    }
  };

  /** Forgets what search keeps of a conversation that was deleted, and tells the other tabs. */
  function deleted(id: string): void {
    search.deleted(id);
    tell({ kind: 'deleted', id });
  }

  /** The changed records, checked as they would be read back. */
  function checkedChanges(next: Conversation, previous: Conversation | undefined) {
    const changes = changesBetween(previous, next, presence.self);
    if (!changes) return undefined;
    const header = check(headerSchema, headerOf(next), 'conversation');
    if (!header.ok) throw new ConversationRepositoryError('invalid-conversation', header.reason);
    for (const record of changes.put) {
      const checked = check(versionRecordSchema, record, `conversation.versions["${record.id}"]`);
      if (!checked.ok) throw new ConversationRepositoryError('invalid-conversation', checked.reason);
    }
    return changes;
  }

  return {
    async list() {
      const records = await reading((db) => db.getAll(SUMMARIES_STORE));
      const summaries: ConversationSummary[] = [];
      const unreadable: UnreadableSummary[] = [];
      for (const record of records) {
        const summary = v.safeParse(summarySchema, record);
        if (summary.success) {
          const { schema: _schema, ...rest } = summary.output;
          summaries.push(rest);
          continue;
        }
        const kept = v.safeParse(unreadableSummarySchema, record);
        const id = (record as { id?: unknown }).id;
        unreadable.push(
          kept.success
            ? kept.output
            : { id: typeof id === 'number' ? id : String(id), unreadable: describeSummaryProblem(record) },
        );
      }
      return { summaries: summaries.sort(newestFirst), unreadable };
    },

    async get(id) {
      const [conversation] = await reader.readMany([id], () => presence.alive());
      return conversation;
    },

    async save(next, previous) {
      if (exchangesOf(next.first).length > MAX_EXCHANGES) {
        throw new ConversationRepositoryError(
          'invalid-conversation',
          `conversation.exchanges: more than ${MAX_EXCHANGES} exchanges`,
        );
      }
      const changes = checkedChanges(next, previous);
      if (!changes) return { kind: 'unchanged' };
      const outcome = await writing(async (db): Promise<SaveOutcome> => {
        const transaction = db.transaction(
          [
            CONVERSATIONS_STORE,
            VERSIONS_STORE,
            SUMMARIES_STORE,
            SEARCH_STORE,
            SEARCH_HEAD_STORE,
            SEARCH_TEXT_STORE,
          ],
          'readwrite',
        );
        const raw = await transaction.objectStore(CONVERSATIONS_STORE).get(next.id);
        let header: HeaderRecord;
        if (raw === undefined) {
          if (previous) {
            await transaction.done;
            return { kind: 'deleted' };
          }
          header = headerOf(next);
        } else {
          const stored = check(headerSchema, raw, 'record');
          if (!stored.ok) {
            transaction.done.catch(() => undefined);
            transaction.abort();
            throw new ConversationRepositoryError(
              'invalid-conversation',
              `the stored conversation cannot be read, so it is left as it is (${stored.reason})`,
            );
          }
          header = applyPatch(stored.value, changes.header);
        }
        writeOnly(transaction, CONVERSATIONS_STORE).put(header);
        const versions = writeOnly(transaction, VERSIONS_STORE);
        for (const record of changes.put) versions.put(record);
        for (const id of changes.removed) versions.delete([next.id, id]);
        const summary = { ...summarize(next), title: header.title, updatedAt: header.updatedAt };
        writeOnly(transaction, SUMMARIES_STORE).put(summary);
        // Written again from the stored records by the next search that reads the conversation whole: built
        // here, from this tab's copy, it could miss what another tab wrote, and a streaming answer would
        // write it anew every half second.
        dropSearchText(transaction, next.id);
        let filter: SearchFilter | undefined;
        if (changes.newText.length > 0) {
          const stored = await transaction.objectStore(SEARCH_STORE).get(next.id);
          filter = addToFilter(stored, changes.newText, next);
          writeOnly(transaction, SEARCH_STORE).put(filter);
        }
        await transaction.done;
        const { schema: _schema, ...shown } = summary;
        search.saved(shown, filter);
        return { kind: 'saved', summary: shown };
      });
      if (outcome.kind === 'saved') {
        tell({
          kind: 'saved',
          id: next.id,
          versions: changes.put.map(({ id }) => id),
          removed: [...changes.removed],
        });
      }
      return outcome;
    },

    saveAtExit(next, previous) {
      const db = connection.opened();
      if (!db) return;
      let changes;
      try {
        changes = checkedChanges(next, previous);
      } catch {
        return;
      }
      if (!changes || changes.put.length === 0) return;
      try {
        for (const record of changes.put) {
          try {
            exitStorage?.setItem(
              `${EXIT_KEY}${JSON.stringify([next.id, record.id])}`,
              JSON.stringify(record),
            );
          } catch {
            // Over localStorage's quota (a very long answer): the IndexedDB write below is all there is.
          }
        }
        const transaction = db.transaction(EXIT_WRITES_STORE, 'readwrite');
        for (const record of changes.put) void transaction.store.put(record).catch(() => undefined);
        transaction.commit();
        transaction.done.catch(() => undefined);
        tell({ kind: 'saved', id: next.id, versions: changes.put.map(({ id }) => id), removed: [] });
      } catch {
        // The connection is closing with the page; the last throttled save is what remains.
      }
    },

    async delete(id) {
      await writing(async (db) => {
        const transaction = db.transaction(EVERY_STORE, 'readwrite');
        deleteWhole(transaction, id);
        await transaction.done;
      });
      deleted(id);
    },

    deleteAtExit(id, previous) {
      noteDeleteAtExit(
        exitStorage,
        id,
        versionsWithPlaces(previous).map(({ version }) => version.id),
      );
      const db = connection.opened();
      if (!db) return;
      try {
        const transaction = db.transaction(EVERY_STORE, 'readwrite');
        deleteWhole(transaction, id);
        transaction.commit();
        transaction.done.then(
          () => deleted(id),
          () => undefined,
        );
      } catch {
        // The connection is closing with the page: the next page carries the delete out.
      }
    },

    search: (query, limit) => search.search(query, limit),

    backup: () => readBackup(connection),

    async import(data) {
      const report = await importInto(connection, data, newId);
      search.forget();
      tell({ kind: 'imported' });
      return report;
    },

    onExternalChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      connection.close();
      channel?.close();
    },
  };
}
