import { check } from '../../schema/issues';
import { exchangesOf, MAX_EXCHANGES, type Conversation } from '../../conversation/conversation';
import {
  headerOf,
  headerSchema,
  versionRecordSchema,
  type HeaderRecord,
} from '../../conversation/formats/records';
import { applyPatch, changesBetween, type ConversationChanges } from './changes';
import type { Connection } from './connection';
import {
  CONVERSATIONS_STORE,
  ConversationRepositoryError,
  dropSearchText,
  EXIT_WRITES_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  writeOnly,
  type Database,
  type StoreName,
  type WriteTransaction,
} from './database';
import { noteSaveAtExit, type ExitStorage } from './exit-writes';
import type { ChangeBroadcast } from './repository-broadcast';
import type { RepositorySearch } from './repository-search';
import type { SaveOutcome } from './repository-types';
import { addToFilter, type SearchFilter } from './search-index';
import { summarize } from './summaries';
import type { TabPresence } from './tab-presence';

/** What a save writes: the conversation's records, its summary and what search keeps of it. */
const SAVE_STORES: StoreName[] = [
  CONVERSATIONS_STORE,
  VERSIONS_STORE,
  SUMMARIES_STORE,
  SEARCH_STORE,
  SEARCH_HEAD_STORE,
  SEARCH_TEXT_STORE,
];

/** What saving needs of the repository: the database, this tab's id, and whom to tell what was saved. */
export interface SaveContext {
  readonly connection: Connection;
  readonly presence: Pick<TabPresence, 'self'>;
  readonly exitStorage: ExitStorage | undefined;
  readonly search: Pick<RepositorySearch, 'saved'>;
  readonly broadcast: Pick<ChangeBroadcast, 'tell'>;
}

/** The changed records, checked as they would be read back; undefined when nothing changed. */
function checkedChanges(
  next: Conversation,
  previous: Conversation | undefined,
  writer: string,
): ConversationChanges | undefined {
  const changes = changesBetween(previous, next, writer);
  if (!changes) return undefined;
  const header = check(headerSchema, headerOf(next), 'conversation');
  if (!header.ok) throw new ConversationRepositoryError('invalid-conversation', header.reason);
  for (const record of changes.put) {
    const checked = check(versionRecordSchema, record, `conversation.versions["${record.id}"]`);
    if (!checked.ok) throw new ConversationRepositoryError('invalid-conversation', checked.reason);
  }
  return changes;
}

/**
 * Writes what changed from `previous` to `next` in one transaction with its summary and search filter, and
 * tells the other tabs. See `ConversationRepository.save`.
 */
export async function saveConversation(
  { connection, presence, search, broadcast }: SaveContext,
  next: Conversation,
  previous: Conversation | undefined,
): Promise<SaveOutcome> {
  if (exchangesOf(next.first).length > MAX_EXCHANGES) {
    throw new ConversationRepositoryError(
      'invalid-conversation',
      `conversation.exchanges: more than ${MAX_EXCHANGES} exchanges`,
    );
  }
  const changes = checkedChanges(next, previous, presence.self);
  if (!changes) return { kind: 'unchanged' };
  const outcome = await connection.writing((db) => writeChanges(db, next, previous, changes, search));
  if (outcome.kind === 'saved') {
    broadcast.tell({
      kind: 'saved',
      id: next.id,
      versions: changes.put.map(({ id }) => id),
      removed: [...changes.removed],
    });
  }
  return outcome;
}

/**
 * The stored header with this tab's changes (the conversation's own header when it is new), or undefined when
 * another tab deleted the conversation. A stored header this version cannot read is left as it is.
 */
async function patchedHeader(
  transaction: WriteTransaction,
  next: Conversation,
  previous: Conversation | undefined,
  changes: ConversationChanges,
): Promise<HeaderRecord | undefined> {
  const raw = await transaction.objectStore(CONVERSATIONS_STORE).get(next.id);
  if (raw === undefined) return previous ? undefined : headerOf(next);
  const stored = check(headerSchema, raw, 'record');
  if (!stored.ok) {
    transaction.abort();
    throw new ConversationRepositoryError(
      'invalid-conversation',
      `the stored conversation cannot be read, so it is left as it is (${stored.reason})`,
    );
  }
  return applyPatch(stored.value, changes.header);
}

/** Writes the changes; search is told the summary and the filter (if the save changed it) as written. */
async function writeChanges(
  db: Database,
  next: Conversation,
  previous: Conversation | undefined,
  changes: ConversationChanges,
  search: Pick<RepositorySearch, 'saved'>,
): Promise<SaveOutcome> {
  const transaction = db.transaction(SAVE_STORES, 'readwrite');
  // A request that fails aborts the transaction and rejects what awaits it below: `done` then says it twice.
  transaction.done.catch(() => undefined); // Rejects what awaits below too: the save's failure, told once.
  const header = await patchedHeader(transaction, next, previous, changes);
  if (!header) {
    await transaction.done;
    return { kind: 'deleted' };
  }
  writeOnly(transaction, CONVERSATIONS_STORE).put(header);
  const versions = writeOnly(transaction, VERSIONS_STORE);
  for (const record of changes.put) versions.put(record);
  for (const id of changes.removed) versions.delete([next.id, id]);
  const summary = { ...summarize(next), title: header.title, updatedAt: header.updatedAt };
  writeOnly(transaction, SUMMARIES_STORE).put(summary);
  // Written again from the stored records by the next search that reads the conversation whole: built here,
  // from this tab's copy, it could miss what another tab wrote, and a streaming answer would write it anew
  // every half second.
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
}

/**
 * As `saveConversation`, started before returning, for a page being hidden or closed: the changed versions go
 * into localStorage and the exit writes' store, without reading anything first. What fails is passed over:
 * the last throttled save is what remains.
 */
export function saveAtExit(
  { connection, presence, exitStorage, broadcast }: SaveContext,
  next: Conversation,
  previous: Conversation | undefined,
): void {
  const db = connection.opened();
  if (!db) return;
  let changes;
  try {
    changes = checkedChanges(next, previous, presence.self);
  } catch {
    // Not valid as records: the throttled save of it failed the same way, and told the user.
    return;
  }
  if (!changes || changes.put.length === 0) return;
  try {
    // Never stored (every save of it failed): without its header, its versions would be listed nowhere.
    noteSaveAtExit(exitStorage, next.id, changes.put, previous ? undefined : headerOf(next));
    const transaction = db.transaction(EXIT_WRITES_STORE, 'readwrite');
    for (const record of changes.put) void transaction.store.put(record).catch(() => undefined); // Exit: localStorage has it.
    transaction.commit();
    transaction.done.catch(() => undefined); // The page is closing: localStorage holds what this misses. // Rejects what awaits below too: the save's failure, told once.
    broadcast.tell({ kind: 'saved', id: next.id, versions: changes.put.map(({ id }) => id), removed: [] });
  } catch {
    // The connection is closing with the page; the last throttled save is what remains.
  }
}
