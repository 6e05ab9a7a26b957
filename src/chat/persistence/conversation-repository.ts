import { createConnection } from './connection';
import { conversationMigrations, type Database, type Migration } from './database';
import { foldExitWrites, type ExitStorage } from './exit-writes';
import { createRecordReader } from './record-reader';
import { importInto, readBackup } from './repository-backup';
import { createChangeBroadcast } from './repository-broadcast';
import { deleteAtExit, deleteConversation, deleted } from './repository-deletes';
import { getConversation, listConversations } from './repository-reads';
import { saveAtExit, saveConversation } from './repository-saves';
import { createRepositorySearch } from './repository-search';
import type { ChangeChannel, ClosableConversationRepository, SkippedRecord } from './repository-types';
import { aloneTab, type TabPresence } from './tab-presence';

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
 * The conversations in IndexedDB, as the app's tabs share them. This file puts the parts together: the
 * connection, reading records, the list, saves, deletes, search, backups and what the tabs tell each other
 * each have a module of their own.
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
  const connection = createConnection(factory, migrations, foldAndTell, () => {
    search.forget();
    broadcast.happened({ kind: 'cleared' });
  });
  const reader = createRecordReader(connection, exitStorage, onSkippedRecord);
  const search = createRepositorySearch(connection, reader, presence);
  const broadcast = createChangeBroadcast(channel, (change) => {
    if (change.kind === 'imported' || change.kind === 'cleared') search.forget();
    else search.outdated(change.id);
  });
  const parts = { connection, presence, exitStorage, search, broadcast };

  /** Once the database is open: folds in what closing pages wrote, and tells the other tabs. */
  async function foldAndTell(db: Database): Promise<void> {
    const folded = await foldExitWrites(db, exitStorage);
    for (const [id, versions] of folded.saved)
      broadcast.tell({ kind: 'saved', id, versions: [...versions], removed: [] });
    for (const id of folded.deleted) deleted(parts, id);
  }

  return {
    list: () => listConversations(connection),
    get: (id) => getConversation(connection, reader, presence, id),
    save: (next, previous) => saveConversation(parts, next, previous),
    saveAtExit: (next, previous) => saveAtExit(parts, next, previous),
    delete: (id) => deleteConversation(parts, id),
    deleteAtExit: (id, previous) => deleteAtExit(parts, id, previous),
    search: (query, limit) => search.search(query, limit),
    backup: () => readBackup(connection),
    async import(data) {
      const report = await importInto(connection, data, newId);
      search.forget();
      broadcast.tell({ kind: 'imported' });
      return report;
    },
    onExternalChange: (listener) => broadcast.onExternalChange(listener),
    close() {
      connection.close();
      broadcast.close();
    },
  };
}
