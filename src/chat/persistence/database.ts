import { unwrap, wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { check } from '../../schema/issues';
import type { Conversation } from '../../conversation/conversation';
import { legacyRecordSchema } from '../../conversation/formats/records';
import { type SummaryRecord, type UnreadableSummary } from './schemas';
import { buildFilter, headOf, searchTextOf, type SearchFilter } from './search-index';
import { summarize } from './summaries';
import { fromConversationData } from '../../conversation/formats/conversation-data';
import { toRecords } from '../../conversation/formats/records';

export const DATABASE_NAME = 'hangul-llama';
export const CONVERSATIONS_STORE = 'conversations';
export const VERSIONS_STORE = 'versions';
export const SUMMARIES_STORE = 'summaries';
export const SEARCH_STORE = 'search';
/** Conversations whose search filter misses text written as the page closed (no time to read the filter). */
export const STALE_SEARCH_STORE = 'staleSearch';
/**
 * Versions written as the page closed. A store of their own: a closing page gets no more turns, so its write
 * must not wait behind a save that needs one (a transaction waits for every earlier one on the same stores).
 * They are folded into the versions when read, and written over them when the database is next opened.
 */
export const EXIT_WRITES_STORE = 'exitWrites';
/** The start of each conversation's text as search reads it, by id; the newest are read together by time. */
export const SEARCH_HEAD_STORE = 'searchHeads';
/** The whole text, for conversations whose text is longer than its head. */
export const SEARCH_TEXT_STORE = 'searchText';
export const UPDATED_AT_INDEX = 'updatedAt';
export const BY_CONVERSATION_INDEX = 'conversation';

/**
 * The stores. Values are `unknown` where a record may have been written by another version of the app (or be
 * damaged): they are checked with the schemas when read, and records that fail are kept as they are.
 */
export interface ConversationDatabase extends DBSchema {
  /** One header per conversation (schema 2), or a whole conversation left by database version 1. */
  [CONVERSATIONS_STORE]: { key: IDBValidKey; value: unknown; indexes: { [UPDATED_AT_INDEX]: number } };
  /** One record per version of an exchange, keyed by conversation and version. */
  [VERSIONS_STORE]: {
    key: [string, string];
    value: unknown;
    indexes: { [BY_CONVERSATION_INDEX]: string };
  };
  [SUMMARIES_STORE]: { key: IDBValidKey; value: SummaryRecord | UnreadableSummary | Record<string, unknown> };
  [SEARCH_STORE]: { key: string; value: SearchFilter };
  [STALE_SEARCH_STORE]: { key: string; value: { readonly id: string } };
  [EXIT_WRITES_STORE]: {
    key: [string, string];
    value: unknown;
    indexes: { [BY_CONVERSATION_INDEX]: string };
  };
  [SEARCH_HEAD_STORE]: { key: string; value: unknown; indexes: { [UPDATED_AT_INDEX]: number } };
  [SEARCH_TEXT_STORE]: { key: string; value: unknown };
}

export type StoreName = StoreNames<ConversationDatabase>;
export type Database = IDBPDatabase<ConversationDatabase>;
export type UpgradeTransaction = IDBPTransaction<ConversationDatabase, StoreName[], 'versionchange'>;
export type ReadTransaction = IDBPTransaction<ConversationDatabase, StoreName[], 'readonly' | 'readwrite'>;

export interface Migration {
  /** The database version this step brings the database to; the list counts up from 1 with no gaps. */
  readonly version: number;
  /**
   * Runs in the upgrade transaction, awaiting only its requests; throwing (or a failing request) aborts the
   * whole upgrade and leaves the database at the version it had.
   */
  migrate(db: Database, transaction: UpgradeTransaction): Promise<void> | void;
}

/** A record of database version 1 (one whole conversation), read as a conversation. */
export function parseLegacyRecord(value: unknown): ReturnType<typeof fromConversationData> {
  const checked = check(legacyRecordSchema, value, 'record');
  return checked.ok ? fromConversationData(checked.value, 'record') : checked;
}

export type WriteTransaction = IDBPTransaction<
  ConversationDatabase,
  StoreName[],
  'readwrite' | 'versionchange'
>;

/** Writes a whole conversation into the stores of version 2: header, versions, summary and search filter. */
function writeWholeVersion2(transaction: WriteTransaction, conversation: Conversation): void {
  const { header, versions } = toRecords(conversation);
  writeOnly(transaction, CONVERSATIONS_STORE).put(header);
  const store = writeOnly(transaction, VERSIONS_STORE);
  for (const version of versions) store.put(version);
  writeOnly(transaction, SUMMARIES_STORE).put(summarize(conversation));
  writeOnly(transaction, SEARCH_STORE).put(buildFilter(conversation));
}

/** Writes what search keeps of a conversation's text: its head, and the whole text where it is longer. */
export function writeSearchText(transaction: WriteTransaction, conversation: Conversation): void {
  const text = searchTextOf(conversation);
  const head = headOf(text);
  writeOnly(transaction, SEARCH_HEAD_STORE).put(head);
  if (head.whole) writeOnly(transaction, SEARCH_TEXT_STORE).delete(text.id);
  else
    writeOnly(transaction, SEARCH_TEXT_STORE).put({
      id: text.id,
      updatedAt: text.updatedAt,
      text: text.text,
    });
}

/**
 * The plain IndexedDB store, for writes whose results nothing waits for. idb's promise of a request wakes the
 * page when it is answered (a task, and its microtasks): a save writes half a dozen records, twice a second
 * while an answer streams. A plain request that fails still aborts its transaction, so `done` rejects.
 */
export function writeOnly(transaction: WriteTransaction, name: StoreName): IDBObjectStore {
  return unwrap(transaction.objectStore(name));
}

/**
 * Deletes what search keeps of a conversation's text: any change to the conversation (a save, a delete, a
 * fold of what a closing page wrote) may have made it wrong, and the next search writes it again.
 */
export function dropSearchText(transaction: WriteTransaction, id: string): void {
  writeOnly(transaction, SEARCH_HEAD_STORE).delete(id);
  writeOnly(transaction, SEARCH_TEXT_STORE).delete(id);
}

/** Every store a conversation has records in: deleting one, or importing, touches them all. */
export const EVERY_STORE: StoreName[] = [
  CONVERSATIONS_STORE,
  VERSIONS_STORE,
  SUMMARIES_STORE,
  SEARCH_STORE,
  STALE_SEARCH_STORE,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_TEXT_STORE,
];

/** The range of keys of one conversation's version records (and of what closing pages wrote of them). */
export function versionsOf(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId], [conversationId, []]);
}

/** Deletes a conversation's records from every store (a transaction over `EVERY_STORE`). */
export function deleteWhole(transaction: WriteTransaction, id: string): void {
  for (const name of [CONVERSATIONS_STORE, SUMMARIES_STORE, SEARCH_STORE, STALE_SEARCH_STORE] as const) {
    writeOnly(transaction, name).delete(id);
  }
  writeOnly(transaction, VERSIONS_STORE).delete(versionsOf(id));
  writeOnly(transaction, EXIT_WRITES_STORE).delete(versionsOf(id));
  dropSearchText(transaction, id);
}

/** Writes a whole conversation into every store it has records in, what search keeps of its text included. */
export function writeWhole(transaction: WriteTransaction, conversation: Conversation): void {
  writeWholeVersion2(transaction, conversation);
  writeSearchText(transaction, conversation);
}

export const conversationMigrations: readonly Migration[] = [
  {
    version: 1,
    migrate(db) {
      const store = db.createObjectStore(CONVERSATIONS_STORE, { keyPath: 'id' });
      // For a list that pages through the newest conversations once it grows too long to read whole.
      store.createIndex(UPDATED_AT_INDEX, 'updatedAt');
    },
  },
  {
    // Each conversation was one record, written whole on every save (and over another tab's save), and the
    // list and search read them all. Now the exchanges' versions are records of their own, and the list and
    // search read small records written with them. Records this version cannot read stay as they were.
    version: 2,
    async migrate(db, transaction) {
      db.createObjectStore(VERSIONS_STORE, { keyPath: ['conversationId', 'id'] }).createIndex(
        BY_CONVERSATION_INDEX,
        'conversationId',
      );
      db.createObjectStore(SUMMARIES_STORE, { keyPath: 'id' });
      db.createObjectStore(SEARCH_STORE, { keyPath: 'id' });
      db.createObjectStore(STALE_SEARCH_STORE, { keyPath: 'id' });
      db.createObjectStore(EXIT_WRITES_STORE, { keyPath: ['conversationId', 'id'] }).createIndex(
        BY_CONVERSATION_INDEX,
        'conversationId',
      );
      const store = transaction.objectStore(CONVERSATIONS_STORE);
      for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
        const parsed = parseLegacyRecord(cursor.value);
        if (parsed.ok) writeWholeVersion2(transaction, parsed.value);
        else {
          const unreadable: UnreadableSummary = {
            id: cursor.primaryKey as string,
            unreadable: parsed.reason,
          };
          void transaction.objectStore(SUMMARIES_STORE).put(unreadable);
        }
      }
    },
  },
  {
    // A search for a word in many conversations read each one's header and versions (two requests and a
    // check of every record each). Now it reads the start of their text, kept per conversation, the newest
    // together by time, and the rest only where the start does not have it. They are written as searches
    // read conversations whole, and by imports: not here, where reading every conversation would hold the
    // upgrade (and every tab) for as long as that takes.
    version: 3,
    migrate(db) {
      db.createObjectStore(SEARCH_HEAD_STORE, { keyPath: 'id' }).createIndex(UPDATED_AT_INDEX, 'updatedAt');
      db.createObjectStore(SEARCH_TEXT_STORE, { keyPath: 'id' });
    },
  },
];

/** The version of the database structure (stores, indexes); raise it with a new entry in `conversationMigrations`. */
export const DATABASE_VERSION = conversationMigrations.length;

/**
 * `newer-version`: a newer version of the app upgraded the database, so this one cannot open it.
 * `invalid-conversation`: a conversation that could not be read back, refused before anything is written.
 * `deleted`: another tab deleted the conversation being saved.
 */
export type ConversationRepositoryErrorCode =
  | 'unavailable'
  | 'newer-version'
  | 'migration-failed'
  | 'invalid-conversation'
  | 'quota-exceeded'
  | 'read-failed'
  | 'write-failed';

export class ConversationRepositoryError extends Error {
  override readonly name = 'ConversationRepositoryError';
  readonly code: ConversationRepositoryErrorCode;

  constructor(code: ConversationRepositoryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface OpenOptions {
  /** Told when another tab needs this connection closed (to upgrade), or the browser closed it. */
  readonly onClose?: () => void;
  /** Told (after `onClose`) when the connection was closed because the database is being deleted. */
  readonly onDeleted?: () => void;
}

/** Opens the database, bringing it from whatever version it has to the last version of `migrations`. */
export function openConversationDatabase(
  factory: IDBFactory,
  migrations: readonly Migration[] = conversationMigrations,
  { onClose, onDeleted }: OpenOptions = {},
): Promise<Database> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new RangeError(`Migration ${index} must bring version ${index + 1}.`);
  });
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(DATABASE_NAME, migrations.length);
  } catch (error) {
    return Promise.reject(
      new ConversationRepositoryError('unavailable', describeError(error), { cause: error }),
    );
  }
  let migrationError: unknown;
  request.addEventListener('upgradeneeded', (event) => {
    const raw = request.transaction;
    if (!raw) return;
    const db = wrap(request.result) as Database;
    const transaction = wrap(raw) as unknown as UpgradeTransaction;
    // A failed upgrade is reported by the open request; its transaction's own rejection is the same news.
    transaction.done.catch(() => undefined); // The same failure the open request reports.
    const run = async (): Promise<void> => {
      for (const migration of migrations) {
        if (migration.version > event.oldVersion) await migration.migrate(db, transaction);
      }
    };
    run().catch((error: unknown) => {
      migrationError = error;
      try {
        raw.abort();
      } catch {
        // Already finished or aborted by the failing request.
      }
    });
  });
  // `blocked` (an older tab does not let go) needs nothing: the request waits until that tab closes.
  return (wrap(request) as Promise<Database>).then(
    (db) => {
      // Another tab is upgrading: let it, or it waits until this page is closed.
      db.addEventListener('versionchange', (event) => {
        db.close();
        onClose?.();
        // No new version: the database is being deleted (the browser's "clear site data", or a page's call).
        if (event.newVersion === null) onDeleted?.();
      });
      db.addEventListener('close', () => onClose?.());
      return db;
    },
    (error: unknown) => {
      const name = error instanceof DOMException ? error.name : undefined;
      const code =
        name === 'VersionError'
          ? 'newer-version'
          : name === 'AbortError'
            ? 'migration-failed'
            : 'unavailable';
      const cause = migrationError ?? error;
      throw new ConversationRepositoryError(code, describeError(cause), { cause });
    },
  );
}
