import * as v from 'valibot';
import { check } from '../../schema/issues';
import type { Conversation } from '../conversation';
import { applyPatch, changesBetween } from './changes';
import {
  BY_CONVERSATION_INDEX,
  CONVERSATIONS_STORE,
  ConversationStoreError,
  conversationMigrations,
  deleteWhole,
  describeError,
  dropSearchText,
  EVERY_STORE,
  EXIT_WRITES_STORE,
  openConversationDatabase,
  parseLegacyRecord,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  STALE_SEARCH_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  versionsOf,
  writeOnly,
  writeSearchText,
  writeWhole,
  type Database,
  type ReadTransaction,
  type StoreName,
  type Migration,
} from './database';
import { aloneTab, interrupted, isUnsettled, type TabPresence } from './interrupted';
import {
  headerSchema,
  MAX_EXCHANGES,
  RECORD_SCHEMA,
  summarySchema,
  unreadableSummarySchema,
  versionRecordSchema,
  type ConversationSummary,
  type HeaderRecord,
  type UnreadableSummary,
  type VersionRecord,
} from './schemas';
import {
  addToFilter,
  buildFilter,
  findIn,
  findInHead,
  mayHold,
  searchedGrams,
  searchedText,
  searchTextOf,
  type SearchFilter,
  type SearchHead,
  type SearchHit,
} from './search-index';
import {
  EXIT_KEY,
  exitEntries,
  foldExitWrites,
  noteDeleteAtExit,
  withExitWrites,
  type ExitStorage,
} from './exit-writes';
import { readHeads, readTexts } from './search-reads';
import { summarize } from './summaries';
import { exchangesOf, fromRecords, headerOf, versionsWithPlaces } from './tree-codec';

export { ConversationStoreError, type ConversationStoreErrorCode } from './database';
export type { ConversationSummary, UnreadableSummary } from './schemas';
export type { SearchHit } from './search-index';
export type { ExitStorage } from './exit-writes';

/** A record the store could not read; it stays in the database untouched. */
export interface SkippedRecord {
  readonly key: IDBValidKey;
  readonly reason: string;
}

/** The conversation list: what can be opened, newest first, and what this version cannot read (kept). */
export interface ConversationList {
  readonly summaries: readonly ConversationSummary[];
  readonly unreadable: readonly UnreadableSummary[];
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly summary: ConversationSummary }
  | { readonly kind: 'unchanged' }
  /** Another tab deleted the conversation: nothing was written, so it does not come back. */
  | { readonly kind: 'deleted' };

export interface SearchResult {
  /** Newest first. */
  readonly hits: readonly SearchHit[];
  /** The search stopped at its limit: more conversations may hold the text. */
  readonly more: boolean;
}

/** A conversation this version cannot read, as stored: its record and the records of its versions. */
export interface UnreadableRecord {
  readonly record: unknown;
  readonly versions: readonly unknown[];
}

export interface StoredData {
  readonly conversations: readonly Conversation[];
  readonly unreadable: readonly UnreadableRecord[];
}

/** What an import did, conversation by conversation. */
export interface ImportReport {
  /** New here (a conversation with the id of one this version cannot read is added beside it). */
  readonly added: number;
  /** Replaced by the backup's copy, which was newer. */
  readonly updated: number;
  /** Kept as they were, because this browser's copy was as new or newer. */
  readonly kept: number;
  /** Records from the backup this version cannot read, stored as they were for a newer version. */
  readonly unreadableAdded: number;
}

/** What another tab changed, as it tells the others. */
export type ExternalChange =
  | {
      readonly kind: 'saved';
      readonly id: string;
      /** Versions written (new, or their answer grew) and taken back. */
      readonly versions: readonly string[];
      readonly removed: readonly string[];
    }
  | { readonly kind: 'deleted'; readonly id: string }
  | { readonly kind: 'imported' };

const externalChangeSchema = v.variant('kind', [
  v.object({
    kind: v.literal('saved'),
    id: v.string(),
    versions: v.array(v.string()),
    removed: v.array(v.string()),
  }),
  v.object({ kind: v.literal('deleted'), id: v.string() }),
  v.object({ kind: v.literal('imported') }),
]);

/** The part of `BroadcastChannel` the store uses to tell the other tabs what changed. */
export interface ChangeChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface ConversationStore {
  /** The conversation list, from the summaries alone. */
  list(): Promise<ConversationList>;
  /** The conversation, with answers whose tab has gone marked `interrupted` (in what is returned only). */
  get(id: string): Promise<Conversation | undefined>;
  /**
   * Writes what changed from `previous` (the conversation as this tab last read or saved it) to `next`, in one
   * transaction with its summary and search index: new versions and answers that grew, the header's changed
   * fields. Versions this tab did not touch are not written, so another tab's work is never overwritten.
   * Refuses, with `invalid-conversation`, what could not be read back.
   */
  save(next: Conversation, previous: Conversation | undefined): Promise<SaveOutcome>;
  /**
   * As `save`, started before returning, for a page being hidden or closed: it writes the changed versions
   * without reading anything first, since the page may get no more turns.
   */
  saveAtExit(next: Conversation, previous: Conversation | undefined): void;
  delete(id: string): Promise<void>;
  /**
   * As `delete`, started before returning, for a page being hidden or closed; `previous` is the conversation as
   * this tab last read or saved it. What the page has no time to finish, the next page to open the database
   * does, unless the conversation has gained versions since.
   */
  deleteAtExit(id: string, previous: Conversation): void;
  /**
   * The conversations, newest first, whose title or any question or answer of any version contains `text`,
   * ignoring case and runs of white space, up to `limit`. Blank text finds nothing.
   */
  search(text: string, limit?: number): Promise<SearchResult>;
  /** Everything stored, for a full backup: the conversations, and what this version cannot read, as it is. */
  backup(): Promise<StoredData>;
  /**
   * Adds a backup's conversations: one with an id already here replaces the stored one only if it is newer
   * (`updatedAt`). Nothing stored is deleted, whether this version can read it or not.
   */
  import(data: StoredData): Promise<ImportReport>;
  /** Calls `listener` when another tab changed the conversations; returns a function that stops it. */
  onExternalChange(listener: (change: ExternalChange) => void): () => void;
  close(): void;
}

export interface ConversationStoreOptions {
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

/** How many conversations a search reads at once (one transaction), once their filters said they may hold the text: as many as it lists, so a word in every conversation takes one read. */
const SEARCH_BATCH = 50;
export const SEARCH_LIMIT = 50;

function newestFirst(a: { readonly id: string; readonly updatedAt: number }, b: typeof a): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function transactionError(error: unknown, mode: IDBTransactionMode): ConversationStoreError {
  if (error instanceof ConversationStoreError) return error;
  const code =
    error instanceof DOMException && error.name === 'QuotaExceededError'
      ? 'quota-exceeded'
      : mode === 'readonly'
        ? 'read-failed'
        : 'write-failed';
  return new ConversationStoreError(code, describeError(error), { cause: error });
}

type Read =
  | { readonly ok: true; readonly conversation: Conversation }
  | { readonly ok: false; readonly reason: string };

/** A header and its version records, checked and built; `alive` tells which writers are still there. */
function readRecords(
  rawHeader: unknown,
  rawVersions: readonly unknown[],
  alive: ReadonlySet<string> | undefined,
): Read {
  const header = check(headerSchema, rawHeader, 'record');
  if (!header.ok) {
    const schema = (rawHeader as { schema?: unknown } | undefined)?.schema;
    return {
      ok: false,
      reason:
        typeof schema === 'number' && schema > RECORD_SCHEMA
          ? `record.schema: format ${schema} is newer than this version reads (${RECORD_SCHEMA})`
          : header.reason,
    };
  }
  const versions: VersionRecord[] = [];
  for (const [index, raw] of rawVersions.entries()) {
    const version = check(versionRecordSchema, raw, `versions[${index}]`);
    if (!version.ok) return version;
    versions.push(version.value);
  }
  const conversation = fromRecords(header.value, versions, (record) =>
    alive && isUnsettled(record.answer) && !(record.writer !== undefined && alive.has(record.writer))
      ? interrupted(record.answer)
      : record.answer,
  );
  return { ok: true, conversation };
}

export function createConversationStore({
  factory,
  migrations = conversationMigrations,
  presence = aloneTab(),
  channel,
  newId = () => crypto.randomUUID(),
  onSkippedRecord = (skipped) => console.warn('Skipped a conversation record:', skipped.key, skipped.reason),
  exitStorage,
}: ConversationStoreOptions): ConversationStore {
  let connection: Promise<Database> | undefined;
  /** The open database, for writes that must start before the page goes. */
  let opened: Database | undefined;
  const listeners = new Set<(change: ExternalChange) => void>();

  /**
   * The search filters, read by the first search and then kept: this tab's saves update them, and what the
   * other tabs say they changed is read again by the next search.
   */
  let filterCache: Map<string, SearchFilter> | undefined;
  /**
   * The summaries, kept alongside the filters and in the same way: a search reads and checks all 1,000 of
   * them only once, and afterwards only those of conversations another tab changed.
   */
  let summaryCache: Map<string, ConversationSummary> | undefined;
  const outdatedFilters = new Set<string>();
  const forgetSearch = (): void => {
    filterCache = undefined;
    summaryCache = undefined;
  };

  channel?.addEventListener('message', (event) => {
    const parsed = v.safeParse(externalChangeSchema, event.data);
    if (!parsed.success) return;
    const change = parsed.output;
    if (change.kind === 'imported') forgetSearch();
    else outdatedFilters.add(change.id);
    for (const listener of listeners) listener(change);
  });
  const tell = (change: ExternalChange): void => {
    try {
      channel?.postMessage(change);
    } catch {
      // A closed channel: the other tabs see the change when they next read.
    }
  };

  function database(): Promise<Database> {
    connection ??= openConversationDatabase(factory, migrations, {
      // Closed for another tab's upgrade or by the browser: the next call opens again (or says why it can't).
      onClose: () => {
        connection = undefined;
        opened = undefined;
      },
    }).then(
      async (db) => {
        opened = db;
        const folded = await foldExitWrites(db, exitStorage);
        for (const [id, versions] of folded.saved)
          tell({ kind: 'saved', id, versions: [...versions], removed: [] });
        for (const id of folded.deleted) deleted(id);
        return db;
      },
      (error: unknown) => {
        connection = undefined;
        throw error;
      },
    );
    return connection;
  }

  async function reading<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const db = await database();
    try {
      return await work(db);
    } catch (error) {
      throw transactionError(error, 'readonly');
    }
  }

  async function writing<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const db = await database();
    try {
      return await work(db);
    } catch (error) {
      throw transactionError(error, 'readwrite');
    }
  }

  /**
   * The conversations, read in one transaction whose requests all go out at once (a search reads fifty: one
   * transaction each made it wait on each in turn); `alive` is asked for only when one has an answer still
   * being written. An id that is not stored, or whose records cannot be read, gives undefined.
   */
  async function readMany(
    ids: readonly string[],
    alive: () => Promise<ReadonlySet<string>>,
    /** Whether a conversation may have text written as a page closed, when the caller knows (a search does). */
    mayHaveExitWrites: (id: string) => boolean = () => true,
  ): Promise<(Conversation | undefined)[]> {
    const raws = await reading((db) =>
      readRaw(
        db.transaction([CONVERSATIONS_STORE, VERSIONS_STORE, EXIT_WRITES_STORE]),
        ids,
        mayHaveExitWrites,
      ),
    );
    return Promise.all(
      raws.map(async (raw, index) => {
        const id = ids[index] ?? '';
        if (raw === undefined) return undefined;
        const unsettled = raw.records.some((record) => {
          const status = (record as { answer?: { status?: unknown } } | undefined)?.answer?.status;
          return status === 'pending' || status === 'streaming';
        });
        const result = readRecords(raw.header, raw.records, unsettled ? await alive() : new Set());
        if (result.ok) return result.conversation;
        onSkippedRecord({ key: id, reason: result.reason });
        return undefined;
      }),
    );
  }

  /** The stored records of each conversation (undefined: none), with what closing pages wrote put in. */
  async function readRaw(
    transaction: ReadTransaction,
    ids: readonly string[],
    mayHaveExitWrites: (id: string) => boolean,
  ): Promise<({ readonly header: unknown; readonly records: unknown[] } | undefined)[]> {
    const headers = transaction.objectStore(CONVERSATIONS_STORE);
    const versions = transaction.objectStore(VERSIONS_STORE).index(BY_CONVERSATION_INDEX);
    const exits = transaction.objectStore(EXIT_WRITES_STORE).index(BY_CONVERSATION_INDEX);
    const raws = await Promise.all(
      ids.map((id) =>
        Promise.all([headers.get(id), versions.getAll(id), mayHaveExitWrites(id) ? exits.getAll(id) : []]),
      ),
    );
    const exitRecords = exitEntries(exitStorage).map(({ record }) => record);
    return raws.map(([header, records, exitWrites], index) =>
      header === undefined
        ? undefined
        : { header, records: withExitWrites(records, [...exitWrites, ...exitRecords], ids[index] ?? '') },
    );
  }

  /** The conversation; `alive` is asked for only when it has an answer still being written. */
  async function read(
    id: string,
    alive: () => Promise<ReadonlySet<string>>,
  ): Promise<Conversation | undefined> {
    const [conversation] = await readMany([id], alive);
    return conversation;
  }

  /** Forgets what is kept in memory of a conversation that was deleted, and tells the other tabs. */
  function deleted(id: string): void {
    filterCache?.delete(id);
    summaryCache?.delete(id);
    tell({ kind: 'deleted', id });
  }

  /** The changed records, checked as they would be read back. */
  function checkedChanges(next: Conversation, previous: Conversation | undefined) {
    const changes = changesBetween(previous, next, presence.self);
    if (!changes) return undefined;
    const header = check(headerSchema, headerOf(next), 'conversation');
    if (!header.ok) throw new ConversationStoreError('invalid-conversation', header.reason);
    for (const record of changes.put) {
      const checked = check(versionRecordSchema, record, `conversation.versions["${record.id}"]`);
      if (!checked.ok) throw new ConversationStoreError('invalid-conversation', checked.reason);
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
      return read(id, () => presence.alive());
    },

    async save(next, previous) {
      if (exchangesOf(next.first).length > MAX_EXCHANGES) {
        throw new ConversationStoreError(
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
            throw new ConversationStoreError(
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
          const search = transaction.objectStore(SEARCH_STORE);
          filter = addToFilter(await search.get(next.id), changes.newText, next);
          writeOnly(transaction, SEARCH_STORE).put(filter);
        }
        await transaction.done;
        if (filter) filterCache?.set(next.id, filter);
        const { schema: _schema, ...shown } = summary;
        summaryCache?.set(next.id, shown);
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
      const db = opened;
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
      const db = opened;
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

    async search(query, limit = SEARCH_LIMIT) {
      const needle = searchedText(query);
      if (needle === '') return { hits: [], more: false };
      const grams = searchedGrams(needle);
      let tabs: Promise<ReadonlySet<string>> | undefined;
      const alive = (): Promise<ReadonlySet<string>> => (tabs ??= presence.alive());
      const cachedFilters = filterCache;
      const cachedSummaries = summaryCache;
      const held = cachedFilters !== undefined && cachedSummaries !== undefined;
      const outdated = [...outdatedFilters];
      outdatedFilters.clear();
      const [records, filters, stale, exits] = await reading(async (db) => {
        const transaction = db.transaction([
          SUMMARIES_STORE,
          SEARCH_STORE,
          STALE_SEARCH_STORE,
          EXIT_WRITES_STORE,
        ]);
        const search = transaction.objectStore(SEARCH_STORE);
        const summaries = transaction.objectStore(SUMMARIES_STORE);
        const some = <T>(read: (id: string) => Promise<T | undefined>): Promise<T[]> =>
          Promise.all(outdated.map(read)).then((found) => found.filter((item) => item !== undefined));
        return Promise.all([
          held ? some((id) => summaries.get(id)) : summaries.getAll(),
          held ? some((id) => search.get(id)) : search.getAll(),
          transaction.objectStore(STALE_SEARCH_STORE).getAllKeys(),
          transaction.objectStore(EXIT_WRITES_STORE).getAllKeys(),
        ]);
      });
      const filterOf = held ? cachedFilters : new Map<string, SearchFilter>();
      const summaryOf = held ? cachedSummaries : new Map<string, ConversationSummary>();
      for (const id of outdated) {
        filterOf.delete(id);
        summaryOf.delete(id);
      }
      for (const filter of filters) filterOf.set(filter.id, filter);
      for (const record of records) {
        const summary = v.safeParse(summarySchema, record);
        if (!summary.success) continue;
        const { schema: _schema, ...shown } = summary.output;
        summaryOf.set(shown.id, shown);
      }
      filterCache = filterOf;
      summaryCache = summaryOf;
      // Text written as a page closed is not in the filters yet: those conversations are read whole.
      const staleIds = new Set([...stale, ...exits.map(([conversationId]) => conversationId)]);
      const candidates: ConversationSummary[] = [];
      for (const shown of summaryOf.values()) {
        const filter = filterOf.get(shown.id);
        if (staleIds.has(shown.id) || !filter || mayHold(filter, grams)) candidates.push(shown);
      }
      candidates.sort(newestFirst);
      const newest = [...summaryOf.values()].sort(newestFirst);
      const hits: SearchHit[] = [];
      const repaired: string[] = [];
      // Of those, the conversations whose filter is missing or misses text written as a page closed.
      const unfiltered = new Set<string>();
      for (let start = 0; start < candidates.length; start += SEARCH_BATCH) {
        const batch = candidates.slice(start, start + SEARCH_BATCH);
        const found = new Map<string, SearchHit | undefined>();
        // Without a head (never read since it changed) or with text written as a page closed: read whole.
        const whole: ConversationSummary[] = [];
        const further = new Map<
          string,
          { readonly summary: ConversationSummary; readonly head: SearchHead }
        >();
        const heads = await reading((db) => readHeads(db, batch, newest));
        for (const summary of batch) {
          const head = staleIds.has(summary.id) ? undefined : heads.get(summary.id);
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
          alive,
          (id) => staleIds.has(id),
        );
        whole.forEach((summary, index) => {
          const conversation = conversations[index];
          if (!conversation) return;
          const text = searchTextOf(conversation);
          found.set(summary.id, findIn(summary, needle, text.text, text));
          repaired.push(summary.id);
          if (staleIds.has(summary.id) || !filterOf.has(summary.id)) unfiltered.add(summary.id);
        });
        for (const { id } of batch) {
          const hit = found.get(id);
          if (hit) hits.push(hit);
        }
        if (hits.length >= limit) {
          void repair(repaired, unfiltered);
          return {
            hits: hits.slice(0, limit),
            more: hits.length > limit || start + SEARCH_BATCH < candidates.length,
          };
        }
      }
      void repair(repaired, unfiltered);
      return { hits, more: false };
    },

    async backup() {
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
    },

    async import({ conversations, unreadable }) {
      const report = await writing(async (db) => {
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
      forgetSearch();
      tell({ kind: 'imported' });
      return report;
    },

    onExternalChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      void connection?.then((db) => db.close()).catch(() => undefined);
      connection = undefined;
      opened = undefined;
      channel?.close();
    },
  };

  /**
   * Writes the search text of conversations a search read whole because it was missing, and the filter of
   * those whose filter was missing or behind (`unfiltered`). They are read again in the transaction that
   * writes them: a save between the search and this write would otherwise be undone in them.
   */
  async function repair(ids: readonly string[], unfiltered: ReadonlySet<string>): Promise<void> {
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
      for (const filter of filters) filterCache?.set(filter.id, filter);
    }).catch(() => undefined);
  }
}

function describeSummaryProblem(record: unknown): string {
  const schema = (record as { schema?: unknown } | undefined)?.schema;
  if (typeof schema === 'number' && schema > RECORD_SCHEMA) {
    return `record.schema: format ${schema} is newer than this version reads (${RECORD_SCHEMA})`;
  }
  const checked = check(summarySchema, record, 'summary');
  return checked.ok ? 'summary: unknown' : checked.reason;
}

/** A record from a backup's unreadable list, read as this version would: as a header, or as a version 1 record. */
function readKept(record: unknown, versions: readonly unknown[]): Read {
  const current = readRecords(record, versions, undefined);
  if (current.ok || versions.length > 0) return current;
  const legacy = parseLegacyRecord(record);
  return legacy.ok ? { ok: true, conversation: legacy.value } : current;
}
