// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import {
  ConversationRepositoryError,
  createConversationRepository,
  type ChangeChannel,
  type ClosableConversationRepository,
  type ExitStorage,
  type SkippedRecord,
} from '../chat/persistence/conversation-repository';
import {
  CONVERSATIONS_STORE,
  openConversationDatabase,
  SEARCH_HEAD_STORE,
  SUMMARIES_STORE,
  VERSIONS_STORE,
  type Migration,
} from '../chat/persistence/database';
import { headOf, searchTextOf } from '../chat/persistence/search-index';
import type { TabPresence } from '../chat/persistence/tab-presence';
import type { Conversation } from '../conversation/conversation';
import { RECORD_SCHEMA, toRecords } from '../conversation/formats/records';
import { fakeBrowser } from './fake-tabs';
import { conversation, exchange, trip, version } from './conversation-fixtures';

/** The repository's tests over fake-indexeddb: opening repositories, and the records under them. */

let opened: ClosableConversationRepository[] = [];

/** Closes every repository `openRepository` opened: a test file calls it after each case. */
export function closeRepositories(): void {
  opened.forEach((repository) => repository.close());
  opened = [];
}

/**
 * A repository on `factory` (a new, empty database unless given), whose new ids count up (`new-1`, …) and
 * whose skipped records are kept in `skipped`.
 */
export function openRepository({
  migrations,
  factory = new IDBFactory(),
  presence,
  channel,
  exitStorage,
}: {
  migrations?: readonly Migration[];
  factory?: IDBFactory;
  presence?: TabPresence;
  channel?: ChangeChannel;
  exitStorage?: ExitStorage;
} = {}) {
  const skipped: SkippedRecord[] = [];
  let ids = 0;
  const repository = createConversationRepository({
    factory,
    ...(migrations ? { migrations } : {}),
    ...(presence ? { presence } : {}),
    ...(channel ? { channel } : {}),
    ...(exitStorage ? { exitStorage } : {}),
    newId: () => `new-${++ids}`,
    onSkippedRecord: (record) => skipped.push(record),
  });
  opened.push(repository);
  return { repository, skipped, factory };
}

/** Two tabs' repositories on one database, telling each other what they change. */
export function twoTabs() {
  const factory = new IDBFactory();
  const browser = fakeBrowser();
  const a = openRepository({ factory, channel: browser.channel() }).repository;
  const b = openRepository({ factory, channel: browser.channel() }).repository;
  return { factory, a, b };
}

type RawStore = typeof CONVERSATIONS_STORE | typeof VERSIONS_STORE | typeof SUMMARIES_STORE;

/** Writes records as they are, past the repository's checks: data left by older versions, or damaged. */
export async function putRaw(
  factory: IDBFactory,
  name: RawStore,
  records: readonly unknown[],
  migrations?: readonly Migration[],
) {
  const db = await openConversationDatabase(factory, migrations);
  const transaction = db.transaction(name, 'readwrite');
  for (const record of records) void transaction.store.put(record);
  await transaction.done;
  db.close();
}

/** Every record of a store, as stored. */
export async function all(factory: IDBFactory, name: RawStore) {
  const db = await openConversationDatabase(factory);
  const values = await db.getAll(name);
  db.close();
  return values;
}

/** The head of search text stored for a conversation, once a search wrote it (it does so after it answered). */
export async function storedHead(factory: IDBFactory, id: string, present = true): Promise<unknown> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const db = await openConversationDatabase(factory);
    const head = await db.get(SEARCH_HEAD_STORE, id);
    db.close();
    if ((head !== undefined) === present) return head;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`The search head of ${id} was ${present ? 'never written' : 'never deleted'}.`);
}

/** What a search writes of a conversation's text, where it is short. */
export const headFor = (value: Conversation) => headOf(searchTextOf(value));

/** The error `promise` rejects with, which must be the repository's. */
export async function rejection(promise: Promise<unknown>): Promise<ConversationRepositoryError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ConversationRepositoryError))
    throw new Error(`Expected a repository error, got ${String(error)}`);
  return error;
}

/** `trip()` saved, beside a conversation of a newer version of the app: its header, versions and summary. */
export async function withUnreadable() {
  const factory = new IDBFactory();
  const { repository, skipped } = openRepository({ factory });
  await repository.save(trip(), undefined);
  const { header, versions } = toRecords(
    conversation('future', 9000, exchange('f', [version('새 질문', '새 답')])),
  );
  await putRaw(factory, CONVERSATIONS_STORE, [
    { ...header, schema: RECORD_SCHEMA + 1, extra: { kept: true } },
  ]);
  await putRaw(factory, VERSIONS_STORE, versions);
  await putRaw(factory, SUMMARIES_STORE, [
    { schema: RECORD_SCHEMA + 1, id: 'future', title: '새 버전', updatedAt: 9000, preview: '' },
  ]);
  return { repository, skipped, factory };
}
