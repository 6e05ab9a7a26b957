// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerationUsage } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import {
  activePath,
  updateAt,
  updateVersion,
  type Conversation,
  type Exchange,
  type ExchangeVersion,
} from '../../conversation/conversation';
import type { AnswerState } from '../../conversation/conversation';
import {
  ConversationRepositoryError,
  createConversationRepository,
  type ChangeChannel,
  type ClosableConversationRepository,
  type ExternalChange,
  type SkippedRecord,
} from './conversation-repository';
import {
  CONVERSATIONS_STORE,
  conversationMigrations,
  DATABASE_NAME,
  DATABASE_VERSION,
  openConversationDatabase,
  SEARCH_HEAD_STORE,
  SEARCH_STORE,
  SEARCH_TEXT_STORE,
  SUMMARIES_STORE,
  UPDATED_AT_INDEX,
  VERSIONS_STORE,
  type Migration,
} from './database';
import type { TabPresence } from './tab-presence';
import { fakeBrowser, memoryStorage } from '../../test/fake-tabs';
import { LEGACY_RECORD_SCHEMA, RECORD_SCHEMA } from '../../conversation/formats/records';
import { MAX_EXCHANGES } from '../../conversation/conversation';
import { headOf, searchTextOf } from './search-index';
import { summarize } from './summaries';
import { toConversationData } from '../../conversation/formats/conversation-data';
import { toRecords } from '../../conversation/formats/records';

const usage: GenerationUsage = {
  promptTokens: 12,
  completionTokens: 40,
  prefillTokensPerSecond: 150,
  decodeTokensPerSecond: 18,
  timeToFirstTokenMs: 90,
  totalMs: 2300,
};

const complete: AnswerState = { status: 'complete', truncated: false, usage, droppedTurns: 0 };

function version(
  question: string,
  answer: string,
  state: AnswerState = complete,
  next?: Exchange,
  askedAt = 1000,
): ExchangeVersion {
  return {
    id: `v:${question}`,
    question,
    askedAt,
    answer: { content: answer, createdAt: askedAt + 1, ...state },
    next,
  };
}

function exchange(id: string, versions: ExchangeVersion[], selected = versions.length - 1): Exchange {
  return { id, versions, selected };
}

function conversation(id: string, updatedAt: number, first?: Exchange, title = `대화 ${id}`): Conversation {
  return { id, title, createdAt: 500, updatedAt, sampling: MODEL_CARD_SAMPLING, first };
}

/** Two exchanges; the first was asked twice, and the version that was left went on to its own exchange. */
function trip(): Conversation {
  const left = exchange('e-left', [
    version('그럼 부산은?', '부산에는 해운대가 있습니다.', complete, undefined, 1100),
  ]);
  const followUp = exchange('e2', [
    version('입장료는 얼마인가요?', '**3,000원**입니다.', complete, undefined, 1200),
  ]);
  return conversation(
    'trip',
    3000,
    exchange('e1', [
      version('서울에서 가 볼 곳은?', '경복궁과 북촌 한옥마을을 추천합니다.', complete, left, 1000),
      version('서울 여행지 하나만 알려 줘', '남산 서울타워를 추천합니다.', complete, followUp, 1050),
    ]),
    '서울 여행',
  );
}

/** A conversation `depth` exchanges long, each following the last. */
function long(id: string, depth: number): Conversation {
  let first: Exchange | undefined;
  for (let level = depth - 1; level >= 0; level -= 1) {
    first = exchange(`${id}-${level}`, [version(`질문 ${level}`, `답 ${level}`, complete, first)]);
  }
  return conversation(id, 100, first);
}

/** The conversation with a new exchange asked after the last one on its selected path. */
function ask(
  base: Conversation,
  question: string,
  askedAt: number,
  state: AnswerState = complete,
): Conversation {
  const depth = activePath(base).length;
  return {
    ...updateAt(base, depth, () =>
      exchange(`e:${question}`, [version(question, `${question}의 답`, state, undefined, askedAt)]),
    ),
    updatedAt: askedAt,
  };
}

let stores: ClosableConversationRepository[] = [];
afterEach(() => {
  stores.forEach((store) => store.close());
  stores = [];
});

function setup({
  migrations,
  factory = new IDBFactory(),
  presence,
  channel,
}: {
  migrations?: readonly Migration[];
  factory?: IDBFactory;
  presence?: TabPresence;
  channel?: ChangeChannel;
} = {}) {
  const skipped: SkippedRecord[] = [];
  let ids = 0;
  const store = createConversationRepository({
    factory,
    ...(migrations ? { migrations } : {}),
    ...(presence ? { presence } : {}),
    ...(channel ? { channel } : {}),
    newId: () => `new-${++ids}`,
    onSkippedRecord: (record) => skipped.push(record),
  });
  stores.push(store);
  return { store, skipped, factory };
}

/** Two tabs' stores on one database, telling each other what they change. */
function twoTabs() {
  const factory = new IDBFactory();
  const browser = fakeBrowser();
  const a = setup({ factory, channel: browser.channel() }).store;
  const b = setup({ factory, channel: browser.channel() }).store;
  return { factory, a, b };
}

/** Writes records as they are, past the store's checks: data left by older versions, or damaged. */
async function putRaw(
  factory: IDBFactory,
  store: typeof CONVERSATIONS_STORE | typeof VERSIONS_STORE | typeof SUMMARIES_STORE,
  records: readonly unknown[],
  migrations?: readonly Migration[],
) {
  const db = await openConversationDatabase(factory, migrations);
  const transaction = db.transaction(store, 'readwrite');
  for (const record of records) void transaction.store.put(record);
  await transaction.done;
  db.close();
}

async function all(
  factory: IDBFactory,
  store: typeof CONVERSATIONS_STORE | typeof VERSIONS_STORE | typeof SUMMARIES_STORE,
) {
  const db = await openConversationDatabase(factory);
  const values = await db.getAll(store);
  db.close();
  return values;
}

/** The head of search text stored for a conversation, once a search wrote it (it does so after it answered). */
async function storedHead(factory: IDBFactory, id: string, present = true): Promise<unknown> {
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
const headFor = (value: Conversation) => headOf(searchTextOf(value));

async function rejection(promise: Promise<unknown>): Promise<ConversationRepositoryError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ConversationRepositoryError))
    throw new Error(`Expected a store error, got ${String(error)}`);
  return error;
}

/** localStorage as the store uses it, over a Map the test can look into. */
/**
 * A conversation saved with an answer streaming, then deleted by a closing page whose own delete never landed
 * (here: its connection was never opened), so only its note in localStorage is left.
 */
async function deletedAtExit() {
  const factory = new IDBFactory();
  const { storage, exitStorage } = memoryStorage();
  const first = createConversationRepository({ factory, exitStorage });
  stores.push(first);
  const streaming = ask(trip(), '넘칠 질문', 5000, { status: 'streaming' });
  await first.save(streaming, undefined);
  createConversationRepository({ factory, exitStorage }).deleteAtExit('trip', streaming);
  return { factory, storage, exitStorage, first, streaming };
}

describe('the conversation store', () => {
  it('gives back what it was given, every version and what followed each', async () => {
    const { store } = setup();
    await store.save(trip(), undefined);
    expect(await store.get('trip')).toEqual(trip());
    expect(await store.get('missing')).toBeUndefined();
  });

  it('lists the newest first, with the last question on the selected path as preview', async () => {
    const { store } = setup();
    await store.save(conversation('old', 1000, exchange('a', [version('첫 질문', '답')])), undefined);
    await store.save(trip(), undefined);
    await store.save(conversation('other', 2000, exchange('b', [version('다른 질문', '답')])), undefined);
    expect((await store.list()).summaries).toEqual([
      { id: 'trip', title: '서울 여행', updatedAt: 3000, preview: '입장료는 얼마인가요?' },
      { id: 'other', title: '대화 other', updatedAt: 2000, preview: '다른 질문' },
      { id: 'old', title: '대화 old', updatedAt: 1000, preview: '첫 질문' },
    ]);

    const old = await store.get('old');
    if (!old) throw new Error('saved');
    await store.save({ ...old, updatedAt: 4000 }, old);
    expect((await store.list()).summaries.map(({ id }) => id)).toEqual(['old', 'trip', 'other']);
  });

  it('cuts a long preview to one line', async () => {
    const { store } = setup();
    const question = `${'가'.repeat(50)}\n\n${'나'.repeat(50)}`;
    await store.save(conversation('c', 1, exchange('a', [version(question, '답')])), undefined);
    const [summary] = (await store.list()).summaries;
    expect(summary?.preview).toBe(`${'가'.repeat(50)} ${'나'.repeat(29)}…`);
  });

  it('deletes a conversation with all its versions', async () => {
    const { store, factory } = setup();
    await store.save(trip(), undefined);
    await store.save(conversation('other', 1, exchange('o', [version('남는 질문', '답')])), undefined);
    await store.delete('trip');
    expect(await store.get('trip')).toBeUndefined();
    expect((await store.list()).summaries.map(({ id }) => id)).toEqual(['other']);
    expect(await all(factory, VERSIONS_STORE)).toHaveLength(1);
  });

  it('saves and reads a conversation far longer than structured clone could nest', async () => {
    const { store } = setup();
    await store.save(long('long', 3000), undefined);
    const read = await store.get('long');
    // Compared flat: the matcher recurses and would itself run out of stack on the nested trees.
    expect(read && toConversationData(read)).toEqual(toConversationData(long('long', 3000)));
    expect(read && activePath(read).at(-1)?.version.question).toBe('질문 2999');
  });

  it('refuses a conversation it could not read back, and writes nothing', async () => {
    const { store } = setup();
    const broken = conversation(
      'broken',
      1,
      exchange('a', [version('질문', '답', complete, undefined, 1e308)]),
    );
    const error = await rejection(store.save(broken, undefined));
    expect(error.code).toBe('invalid-conversation');
    expect(error.message).toBe(
      'conversation.versions["v:질문"].askedAt: expected a time no later than the year 275760',
    );

    const error2 = await rejection(store.save(long('huge', MAX_EXCHANGES + 1), undefined));
    expect(error2.message).toBe(`conversation.exchanges: more than ${MAX_EXCHANGES} exchanges`);
    expect((await store.list()).summaries).toEqual([]);
  });
});

describe('saving changes', () => {
  it('writes only the versions that changed', async () => {
    const { store, factory } = setup();
    await store.save(trip(), undefined);
    const stored = await store.get('trip');
    if (!stored) throw new Error('saved');
    // Another writer's record, changed behind this tab's back: a save that does not touch it leaves it.
    const [followUp] = (await all(factory, VERSIONS_STORE)).filter(
      (record) => (record as { id: string }).id === 'v:입장료는 얼마인가요?',
    );
    await putRaw(factory, VERSIONS_STORE, [
      {
        ...(followUp as object),
        answer: { ...(followUp as { answer: object }).answer, content: '다른 탭의 답' },
      },
    ]);
    await store.save(ask(stored, '새 질문', 5000), stored);
    const read = await store.get('trip');
    expect(read && activePath(read).map(({ version }) => version.answer.content)).toEqual([
      '남산 서울타워를 추천합니다.',
      '다른 탭의 답',
      '새 질문의 답',
    ]);
  });

  it('keeps both tabs’ exchanges when two tabs add one at the same place', async () => {
    const factory = new IDBFactory();
    const a = setup({ factory }).store;
    const b = setup({ factory }).store;
    const start = ask(conversation('c', 10), '첫 질문', 10);
    await a.save(start, undefined);
    const seenByB = await b.get('c');
    if (!seenByB) throw new Error('saved');

    await b.save(ask(seenByB, 'B의 질문', 20), seenByB);
    // A never saw B's exchange and adds its own after the same answer.
    await a.save(ask(start, 'A의 질문', 30), start);

    const read = await a.get('c');
    const second = read?.first?.versions[0]?.next;
    expect(second?.versions.map(({ question }) => question)).toEqual(['B의 질문', 'A의 질문']);
    expect(second?.selected).toBe(1);
    expect((await a.list()).summaries[0]).toMatchObject({ id: 'c', updatedAt: 30 });
  });

  it('keeps a title one tab gave and a version another tab chose', async () => {
    const factory = new IDBFactory();
    const a = setup({ factory }).store;
    const b = setup({ factory }).store;
    const base = trip();
    await a.save(base, undefined);
    const seen = await b.get('trip');
    if (!seen) throw new Error('saved');
    await b.save(
      updateAt(seen, 0, (first) => first && { ...first, selected: 0 }),
      seen,
    );
    await a.save({ ...base, title: 'A가 바꾼 이름' }, base);
    const read = await a.get('trip');
    expect(read?.title).toBe('A가 바꾼 이름');
    expect(read?.first?.selected).toBe(0);
  });

  it('does not bring back a conversation another tab deleted', async () => {
    const factory = new IDBFactory();
    const a = setup({ factory }).store;
    const b = setup({ factory }).store;
    await a.save(trip(), undefined);
    await b.delete('trip');
    expect(await a.save(ask(trip(), '늦은 질문', 9000), trip())).toEqual({ kind: 'deleted' });
    expect(await a.get('trip')).toBeUndefined();
    expect(await all(factory, VERSIONS_STORE)).toEqual([]);
  });

  it('takes back a version, also from storage', async () => {
    const { store } = setup();
    const asked = ask(trip(), '너무 긴 질문', 5000, { status: 'streaming' });
    await store.save(trip(), undefined);
    await store.save(asked, trip());
    await store.save(trip(), asked);
    // The conversation's time only moves forward.
    expect(await store.get('trip')).toEqual({ ...trip(), updatedAt: 5000 });
  });

  it('writes the answer being streamed at once when the page closes, before any turn', async () => {
    const { store, factory } = setup();
    await store.save(trip(), undefined);
    const base = await store.get('trip');
    if (!base) throw new Error('saved');
    await store.list();
    const streaming = ask(base, '긴 답을 주세요', 5000, { status: 'streaming' });
    await store.save(streaming, base);
    const grown = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: '마지막 순간까지 보인 글자들' },
    }));
    store.saveAtExit(grown, streaming);
    store.close();
    const later = setup({ factory }).store;
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer).toMatchObject({
      content: '마지막 순간까지 보인 글자들',
      status: 'stopped',
      interrupted: true,
    });
    // Not in the search filter yet: the search reads that conversation whole.
    expect((await later.search('순간까지')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('writes it into localStorage too, which the next page folds into the versions', async () => {
    const factory = new IDBFactory();
    const { storage, exitStorage } = memoryStorage();
    const first = createConversationRepository({ factory, exitStorage });
    const streaming = ask(trip(), '긴 답을 주세요', 5000, { status: 'streaming' });
    await first.save(streaming, undefined);
    const grown = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: '닫히기 직전까지 보인 글자들' },
    }));
    first.saveAtExit(grown, streaming);
    expect(storage.size).toBe(1);
    first.close();
    // As if the page had closed before its IndexedDB write landed.
    const db = await openConversationDatabase(factory);
    await db.clear('exitWrites');
    db.close();

    const later = createConversationRepository({ factory, exitStorage });
    stores.push(later);
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer.content).toBe('닫히기 직전까지 보인 글자들');
    expect(storage.size).toBe(0);
    expect((await later.search('직전까지')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('deletes, once a page opens, a conversation a closing page was deleting', async () => {
    const { factory, storage, exitStorage, first } = await deletedAtExit();
    expect(storage.size).toBe(1);
    first.close();

    const later = createConversationRepository({ factory, exitStorage });
    stores.push(later);
    expect(await later.list()).toEqual({ summaries: [], unreadable: [] });
    expect(await later.get('trip')).toBeUndefined();
    expect((await later.search('넘칠')).hits).toEqual([]);
    expect(storage.size).toBe(0);
    for (const store of [CONVERSATIONS_STORE, VERSIONS_STORE, SUMMARIES_STORE] as const) {
      expect(await all(factory, store)).toEqual([]);
    }
  });

  it('keeps a conversation a closing page was deleting if it gained a version since', async () => {
    const { factory, storage, exitStorage, first, streaming } = await deletedAtExit();
    // The page came back from the back/forward cache, and the conversation went on.
    const asked = ask(streaming, '다시 묻는 질문', 6000);
    await first.save(asked, streaming);
    first.close();

    const later = createConversationRepository({ factory, exitStorage });
    stores.push(later);
    const read = await later.get('trip');
    expect(
      read &&
        activePath(read)
          .map(({ version }) => version.question)
          .slice(-2),
    ).toEqual(['넘칠 질문', '다시 묻는 질문']);
    expect(storage.size).toBe(0);
  });

  it('starts the delete at once as the page closes, and tells the other tabs', async () => {
    const { a, b } = twoTabs();
    const heard: ExternalChange[] = [];
    b.onExternalChange((change) => heard.push(change));
    const streaming = ask(trip(), '넘칠 질문', 5000, { status: 'streaming' });
    await a.save(streaming, undefined);
    a.deleteAtExit('trip', streaming);
    await vi.waitFor(() => expect(heard).toContainEqual({ kind: 'deleted', id: 'trip' }));
    expect(await b.get('trip')).toBeUndefined();
  });

  it('tells the other tabs what changed', async () => {
    const { a, b } = twoTabs();
    const heard: ExternalChange[] = [];
    b.onExternalChange((change) => heard.push(change));
    await a.save(trip(), undefined);
    await a.delete('trip');
    await a.import({ conversations: [long('l', 2)], unreadable: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard).toEqual([
      { kind: 'saved', id: 'trip', versions: expect.any(Array) as string[], removed: [] },
      { kind: 'deleted', id: 'trip' },
      { kind: 'imported' },
    ]);
    expect(heard[0]?.kind === 'saved' && heard[0].versions).toHaveLength(4);
  });
});

describe('the answers’ ids', () => {
  /** What the engine reported for an answer: the question's ids, then the ones the model drew. */
  const tokens = { promptIds: [1, 32_001, 13, 45_000], answerIds: [29_871, 46_335, 0, 65_535] };
  const chosen = 'v:서울 여행지 하나만 알려 줘';
  const withIds = (): Conversation => updateVersion(trip(), chosen, (v) => ({ ...v, tokens }));

  it('keeps them with their version, packed into strings, for the next page', async () => {
    const { store, factory } = setup();
    await store.save(withIds(), undefined);
    const later = setup({ factory }).store;
    expect(await later.get('trip')).toEqual(withIds());
    const records = (await all(factory, VERSIONS_STORE)) as { id: string; tokens?: unknown }[];
    expect(records.find(({ id }) => id === chosen)?.tokens).toEqual({
      promptIds: expect.stringMatching(/^u16:[A-Za-z0-9+/=]+$/) as string,
      answerIds: expect.stringMatching(/^u16:[A-Za-z0-9+/=]+$/) as string,
    });
    expect(records.filter((record) => 'tokens' in record).map(({ id }) => id)).toEqual([chosen]);
  });

  it('writes a version again when only its ids changed', async () => {
    const { store, factory } = setup();
    const before = trip();
    await store.save(before, undefined);
    // The very same answer object: only the ids are new.
    await store.save(
      updateVersion(before, chosen, (v) => ({ ...v, tokens })),
      before,
    );
    expect(await setup({ factory }).store.get('trip')).toEqual(withIds());
  });

  it('reads records written before ids were kept, and ids it cannot read, as answers without ids', async () => {
    // No new database version: the ids are an optional field of the version records, and no store or
    // index changed, so the records the previous release wrote at version 2 are read as they are (without
    // ids: the engine encodes those answers from their text), and that release, open in another tab,
    // reads the new records too, since `v.object` leaves out the fields it does not know.
    const { store, factory, skipped } = setup();
    await store.list();
    const { header, versions } = toRecords(trip());
    const damaged = versions.map((record) =>
      record.id === chosen ? { ...record, tokens: { promptIds: 'zip:AAAA', answerIds: 5 } } : record,
    );
    await putRaw(factory, CONVERSATIONS_STORE, [header]);
    await putRaw(factory, VERSIONS_STORE, damaged);
    const read = await setup({ factory }).store.get('trip');
    expect(read).toEqual(trip());
    expect(read && activePath(read).map(({ version: v }) => 'tokens' in v)).toEqual([false, false]);
    expect(skipped).toEqual([]);
  });

  it('keeps the ids of an answer that settled as the page closed, through localStorage', async () => {
    const factory = new IDBFactory();
    const { exitStorage } = memoryStorage();
    const first = createConversationRepository({ factory, exitStorage });
    const streaming = ask(trip(), '긴 답을 주세요', 5000, { status: 'streaming' });
    await first.save(streaming, undefined);
    const settled = updateVersion(streaming, 'v:긴 답을 주세요', (v) => ({
      ...v,
      answer: { ...v.answer, content: `${v.answer.content}입니다.`, ...complete },
      tokens,
    }));
    first.saveAtExit(settled, streaming);
    first.close();
    // As if the page had closed before its IndexedDB write landed: only localStorage's JSON is left.
    const db = await openConversationDatabase(factory);
    await db.clear('exitWrites');
    db.close();

    const later = createConversationRepository({ factory, exitStorage });
    stores.push(later);
    const read = await later.get('trip');
    expect(read && activePath(read).at(-1)?.version).toMatchObject({
      answer: { content: '긴 답을 주세요의 답입니다.', status: 'complete' },
      tokens,
    });
  });
});

describe('answers still being written', () => {
  const interrupted = (content: string, createdAt: number) => ({
    content,
    createdAt,
    status: 'stopped',
    usage: {
      promptTokens: 0,
      completionTokens: 0,
      prefillTokensPerSecond: 0,
      decodeTokensPerSecond: 0,
      timeToFirstTokenMs: 0,
      totalMs: 0,
    },
    droppedTurns: 0,
    interrupted: true,
  });

  it('stay live while the tab writing them is open, and come back interrupted once it is gone', async () => {
    const factory = new IDBFactory();
    const browser = fakeBrowser();
    const a = setup({ factory, presence: browser.presence('tab-a') }).store;
    const b = setup({ factory, presence: browser.presence('tab-b') }).store;
    await a.save(ask(trip(), '쓰는 중', 5000, { status: 'streaming' }), undefined);

    const whileOpen = await b.get('trip');
    expect(whileOpen && activePath(whileOpen).at(-1)?.version.answer.status).toBe('streaming');

    browser.open.delete('tab-a');
    const afterwards = await b.get('trip');
    expect(afterwards && activePath(afterwards).at(-1)?.version.answer).toEqual(
      interrupted('쓰는 중의 답', 5001),
    );
  });

  it('are interrupted when no tab is named as writing them (records of database version 1)', async () => {
    const factory = new IDBFactory();
    const left = conversation(
      'c',
      1,
      exchange('e1', [
        version('첫 번째', '쓰다 만 답', { status: 'streaming' }),
        version(
          '다시',
          '다 쓴 답',
          complete,
          exchange('e2', [version('두 번째', '', { status: 'pending' })]),
        ),
      ]),
    );
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [{ schema: LEGACY_RECORD_SCHEMA, ...toConversationData(left) }],
      conversationMigrations.slice(0, 1),
    );
    const read = await setup({ factory }).store.get('c');
    expect(read?.first?.versions[0]?.answer).toEqual(interrupted('쓰다 만 답', 1001));
    expect(read?.first?.versions[1]?.answer).toEqual(left.first?.versions[1]?.answer);
    expect(read?.first?.versions[1]?.next?.versions[0]?.answer).toEqual(interrupted('', 1001));
  });

  it('are live when this tab writes them', async () => {
    const { store } = setup();
    await store.save(ask(trip(), '쓰는 중', 5000, { status: 'streaming' }), undefined);
    const read = await store.get('trip');
    expect(read && activePath(read).at(-1)?.version.answer.status).toBe('streaming');
  });
});

describe('searching', () => {
  async function searchable() {
    const { store } = setup();
    await store.save(trip(), undefined);
    await store.save(
      conversation(
        'code',
        2000,
        exchange('c1', [
          version('Explain the LLAMA tokenizer', 'Llama-2-ko는 한국어 어휘를 더한 토크나이저를 씁니다.'),
        ]),
        'Tokenizer',
      ),
      undefined,
    );
    return store;
  }

  it('finds Korean text in a version that is not selected, with a snippet', async () => {
    const store = await searchable();
    expect((await store.search('경복궁')).hits).toEqual([
      {
        id: 'trip',
        title: '서울 여행',
        updatedAt: 3000,
        preview: '입장료는 얼마인가요?',
        snippet: '경복궁과 북촌 한옥마을을 추천합니다.',
        match: { in: 'answer', exchangeId: 'e1', version: 0 },
      },
    ]);
    expect((await store.search('해운대')).hits.map(({ match }) => match)).toEqual([
      { in: 'answer', exchangeId: 'e-left', version: 0 },
    ]);
  });

  it('finds any part of a Korean word: an ending, one syllable, a span across a space', async () => {
    const store = await searchable();
    expect((await store.search('니다')).hits.map(({ id }) => id)).toEqual(['trip', 'code']);
    expect((await store.search('천합')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect((await store.search('궁')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect((await store.search('어휘를 더')).hits.map(({ id }) => id)).toEqual(['code']);
    expect((await store.search('휘를더')).hits).toEqual([]);
  });

  it('looks at titles, questions and answers, ignoring case, newest first', async () => {
    const store = await searchable();
    const { hits } = await store.search('  llama ');
    expect(hits.map(({ id, match }) => [id, match])).toEqual([
      ['code', { in: 'question', exchangeId: 'c1', version: 0 }],
    ]);
    expect(hits[0]?.snippet).toBe('…the LLAMA tokenizer');
    expect((await store.search('서울')).hits.map(({ id, match }) => [id, match.in])).toEqual([
      ['trip', 'title'],
    ]);
  });

  it('prefers the selected version, and matches decomposed Hangul', async () => {
    const store = await searchable();
    const [hit] = (await store.search('추천합니다'.normalize('NFD'))).hits;
    expect(hit?.match).toEqual({ in: 'answer', exchangeId: 'e1', version: 1 });
    expect(hit?.snippet).toBe('…서울타워를 추천합니다.');
  });

  it('cuts the snippet around the match, to what one line of the list shows, from a word start', async () => {
    const { store } = setup();
    const answer = `${'앞'.repeat(40)} 찾는 말 ${'뒤'.repeat(100)}`;
    await store.save(conversation('c', 1, exchange('a', [version('질문', answer)])), undefined);
    const [hit] = (await store.search('찾는 말')).hits;
    expect(hit?.snippet).toBe(`…찾는 말 ${'뒤'.repeat(23)}…`);
    // Without a word start close before the match, the eight characters before it.
    const unbroken = `${'가'.repeat(30)}붙여쓴말${'나'.repeat(40)}`;
    await store.save(conversation('d', 2, exchange('b', [version('질문', unbroken)])), undefined);
    expect((await store.search('붙여쓴말')).hits[0]?.snippet).toBe(
      `…${'가'.repeat(8)}붙여쓴말${'나'.repeat(24)}…`,
    );
  });

  it('finds nothing for blank text or text that is not there', async () => {
    const store = await searchable();
    expect((await store.search(' \n')).hits).toEqual([]);
    expect((await store.search('제주도')).hits).toEqual([]);
  });

  it('finds text an answer added while it streamed, saved piece by piece', async () => {
    const { store } = setup();
    let shown = ask(conversation('s', 1), '질문', 10, { status: 'streaming' });
    await store.save(shown, undefined);
    const pieces = ['한라산은 ', '제주도에 ', '있는 산으로, ', '높이가 1,947미터', '입니다.'];
    for (const piece of pieces) {
      const before = shown;
      shown = updateVersion(shown, 'v:질문', (v) => ({
        ...v,
        answer: { ...v.answer, content: v.answer.content + piece },
      }));
      await store.save(shown, before);
    }
    expect((await store.search('도에 있는')).hits.map(({ id }) => id)).toEqual(['s']);
    expect((await store.search('1,947미터입니다')).hits.map(({ id }) => id)).toEqual(['s']);
  });

  it('finds what another tab saved after this tab’s first search', async () => {
    const { a, b } = twoTabs();
    await a.save(trip(), undefined);
    expect((await b.search('한라산')).hits).toEqual([]);
    await a.save(ask(trip(), '한라산은 어디에 있나요?', 9000), trip());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await b.search('한라산')).hits.map(({ id }) => id)).toEqual(['trip']);
    await a.delete('trip');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await b.search('한라산')).hits).toEqual([]);
  });

  it('shows the title as renamed, in another tab and in this one, after a first search kept the summaries', async () => {
    const { a, b } = twoTabs();
    const first = ask(trip(), '한라산은 어디에 있나요?', 9000);
    await a.save(first, undefined);
    const titles = async (): Promise<string[]> => (await b.search('한라산')).hits.map(({ title }) => title);
    expect(await titles()).toEqual([first.title]);
    const renamed = { ...first, title: '제주 여행 계획', updatedAt: 9500 };
    await a.save(renamed, first);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await titles()).toEqual(['제주 여행 계획']);
    await b.save({ ...renamed, title: '다시 바꾼 이름', updatedAt: 9600 }, renamed);
    expect(await titles()).toEqual(['다시 바꾼 이름']);
  });

  it('stops at its limit, newest first, and says there may be more', async () => {
    const { store } = setup();
    for (let index = 0; index < 30; index += 1) {
      await store.save(
        conversation(`c${index}`, index, exchange(`e${index}`, [version('같은 질문', '같은 답')])),
        undefined,
      );
    }
    await store.save(conversation('other', 100, exchange('o', [version('다른 질문', '다른 답')])), undefined);
    const result = await store.search('같은', 10);
    expect(result.hits.map(({ id }) => id)).toEqual([
      'c29',
      'c28',
      'c27',
      'c26',
      'c25',
      'c24',
      'c23',
      'c22',
      'c21',
      'c20',
    ]);
    expect(result.more).toBe(true);
    expect((await store.search('다른', 10)).more).toBe(false);
  });

  it('reads the heads of the newest conversations’ text in one request, once a search has read them whole', async () => {
    const { store, factory } = setup();
    for (let index = 0; index < 60; index += 1) {
      await store.save(
        conversation(
          `c${index}`,
          index + 1,
          exchange(`e${index}`, [version(`${index}번 질문입니다`, '답입니다')]),
        ),
        undefined,
      );
    }
    const first = await store.search('니다');
    expect(first.hits).toHaveLength(50);
    expect(first.more).toBe(true);
    await storedHead(factory, 'c10');
    const indexReads = vi.spyOn(IDBIndex.prototype, 'getAll');
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    try {
      expect(await store.search('니다')).toEqual(first);
      // No header or version record: the heads, through the time index, in one request.
      const indexes = indexReads.mock.contexts as IDBIndex[];
      expect(indexes.map((index) => `${index.objectStore.name}.${index.name}`)).toEqual([
        `${SEARCH_HEAD_STORE}.${UPDATED_AT_INDEX}`,
      ]);
      expect(gets).not.toHaveBeenCalled();
    } finally {
      indexReads.mockRestore();
      gets.mockRestore();
    }
  });

  it('drops a conversation’s search text on every save, and writes it again from the stored records', async () => {
    const { factory, a, b } = twoTabs();
    const asked = ask(trip(), '한라산은 어디에 있나요?', 9000);
    await a.save(asked, undefined);
    expect((await a.search('한라산')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(asked));
    // Another tab adds an exchange this one never read: the text must not be this tab's copy.
    const more = ask(asked, '백록담까지 얼마나 걸리나요?', 9500);
    await b.save(more, asked);
    await storedHead(factory, 'trip', false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await a.search('백록담')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(more));
    await a.delete('trip');
    await storedHead(factory, 'trip', false);
  });

  it('reads the whole text of a long conversation where its head does not settle the search', async () => {
    const { store, factory } = setup();
    const long = `${'긴 답입니다. '.repeat(150)}끝에 있는 백록담`;
    const ending = `${'앞 '.repeat(485)}경계의 말 ${'뒤'.repeat(100)}`;
    await store.save(conversation('long', 10, exchange('l', [version('질문', long)])), undefined);
    await store.save(conversation('edge', 20, exchange('g', [version('질문', ending)])), undefined);
    const hits = async (query: string) =>
      (await store.search(query)).hits.map(({ id, snippet }) => [id, snippet]);
    expect(await hits('백록담')).toEqual([['long', '…끝에 있는 백록담']]);
    expect(await hits('경계의 말')).toEqual([['edge', `…앞 앞 앞 앞 경계의 말 ${'뒤'.repeat(23)}…`]]);
    await storedHead(factory, 'long');
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    try {
      // Read from the heads and whole texts the first searches wrote, and found the same.
      expect(await hits('백록담')).toEqual([['long', '…끝에 있는 백록담']]);
      expect(await hits('경계의 말')).toEqual([['edge', `…앞 앞 앞 앞 경계의 말 ${'뒤'.repeat(23)}…`]]);
      expect(await hits('긴 답')).toEqual([['long', '긴 답입니다. 긴 답입니다. 긴 답입니다. 긴 답…']]);
      const stores = gets.mock.contexts as IDBObjectStore[];
      expect(stores.map(({ name }) => name)).toEqual([SEARCH_TEXT_STORE, SEARCH_TEXT_STORE]);
    } finally {
      gets.mockRestore();
    }
  });

  it('writes only the text of a conversation read whole because it changed: saves keep its filter', async () => {
    const { store, factory } = setup();
    await store.save(trip(), undefined);
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
    try {
      expect((await store.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
      await storedHead(factory, 'trip');
      const stores = puts.mock.contexts as IDBObjectStore[];
      expect(stores.map(({ name }) => name)).toEqual([SEARCH_HEAD_STORE]);
    } finally {
      puts.mockRestore();
    }
  });

  it('reads a text that does not match its summary as missing', async () => {
    const { store, factory } = setup();
    await store.save(trip(), undefined);
    const db = await openConversationDatabase(factory);
    await db.put(SEARCH_HEAD_STORE, { ...headFor(trip()), head: '' });
    await db.put(SEARCH_HEAD_STORE, { id: 'damaged', updatedAt: 'yesterday' });
    db.close();
    // The same time as the summary: taken as it is (and it holds nothing).
    expect((await store.search('해운대')).hits).toEqual([]);
    await store.save({ ...trip(), updatedAt: 5000 }, trip());
    const moved = await openConversationDatabase(factory);
    await moved.put(SEARCH_HEAD_STORE, { ...headFor(trip()), head: '' });
    moved.close();
    // Written for an older time than the summary's: read whole.
    expect((await store.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
  });
});

describe('what this version cannot read', () => {
  async function withUnreadable() {
    const factory = new IDBFactory();
    const { store, skipped } = setup({ factory });
    await store.save(trip(), undefined);
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
    return { store, skipped, factory };
  }

  it('is listed apart with the reason, and cannot be opened', async () => {
    const { store, skipped } = await withUnreadable();
    const list = await store.list();
    expect(list.summaries.map(({ id }) => id)).toEqual(['trip']);
    expect(list.unreadable).toEqual([
      {
        id: 'future',
        unreadable: `record.schema: format ${RECORD_SCHEMA + 1} is newer than this version reads (${RECORD_SCHEMA})`,
      },
    ]);
    expect(await store.get('future')).toBeUndefined();
    expect(skipped.map(({ key }) => key)).toEqual(['future']);
  });

  it('goes into a full backup exactly as stored', async () => {
    const { store } = await withUnreadable();
    const { conversations, unreadable } = await store.backup();
    expect(conversations.map(({ id }) => id)).toEqual(['trip']);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]?.record).toMatchObject({
      id: 'future',
      schema: RECORD_SCHEMA + 1,
      extra: { kept: true },
    });
    expect(unreadable[0]?.versions).toHaveLength(1);
  });

  it('survives an import, which adds unreadable records of its own as they are', async () => {
    const { store, factory } = await withUnreadable();
    const report = await store.import({
      conversations: [conversation('future', 99_999, exchange('x', [version('덮어쓰기?', '아니요')]))],
      unreadable: [{ record: { id: 'other-future', schema: 7 }, versions: [] }],
    });
    expect(report).toEqual({ added: 1, updated: 0, kept: 0, unreadableAdded: 1 });
    const records = await all(factory, CONVERSATIONS_STORE);
    expect(records).toContainEqual(expect.objectContaining({ id: 'future', extra: { kept: true } }));
    expect(records).toContainEqual({ id: 'other-future', schema: 7 });
    const list = await store.list();
    expect(list.unreadable.map(({ id }) => id).sort()).toEqual(['future', 'other-future']);
    // The backup's readable copy of "future" was added beside it, under a new id.
    expect(await store.get('new-1')).toMatchObject({ title: '대화 future' });
  });
});

describe('importing', () => {
  it('adds what is new, replaces only what the backup has newer, and says so', async () => {
    const { store } = setup();
    await store.save(conversation('same', 100, exchange('s', [version('그대로', '답')])), undefined);
    await store.save(
      conversation('newer-here', 500, exchange('n', [version('여기가 새것', '답')])),
      undefined,
    );
    await store.save(
      conversation('older-here', 100, exchange('o', [version('여기가 옛것', '답')])),
      undefined,
    );
    const report = await store.import({
      conversations: [
        conversation('same', 100, exchange('s', [version('그대로', '답')])),
        conversation('newer-here', 200, exchange('n', [version('백업이 옛것', '답')])),
        conversation('older-here', 900, exchange('o2', [version('백업이 새것', '답')])),
        conversation('fresh', 50, exchange('f', [version('처음 보는 것', '답')])),
      ],
      unreadable: [],
    });
    expect(report).toEqual({ added: 1, updated: 1, kept: 2, unreadableAdded: 0 });
    const questions = async (id: string) => {
      const read = await store.get(id);
      return read && activePath(read).map(({ version: { question } }) => question);
    };
    expect(await questions('newer-here')).toEqual(['여기가 새것']);
    expect(await questions('older-here')).toEqual(['백업이 새것']);
    expect(await questions('fresh')).toEqual(['처음 보는 것']);
    expect((await store.search('백업이 새것')).hits.map(({ id }) => id)).toEqual(['older-here']);
    expect((await store.search('여기가 옛것')).hits).toEqual([]);
  });
});

describe('the database', () => {
  it('is created at the current version with its stores and indexes', async () => {
    expect(conversationMigrations.map(({ version: v }) => v).at(-1)).toBe(DATABASE_VERSION);
    const db = await openConversationDatabase(new IDBFactory());
    expect(db.name).toBe(DATABASE_NAME);
    expect(db.version).toBe(DATABASE_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        CONVERSATIONS_STORE,
        'exitWrites',
        SEARCH_STORE,
        SEARCH_HEAD_STORE,
        SEARCH_TEXT_STORE,
        'staleSearch',
        SUMMARIES_STORE,
        VERSIONS_STORE,
      ].sort(),
    );
    const transaction = db.transaction(CONVERSATIONS_STORE);
    expect(transaction.store.keyPath).toBe('id');
    expect(transaction.store.index(UPDATED_AT_INDEX).keyPath).toBe('updatedAt');
    const texts = db.transaction(SEARCH_HEAD_STORE).store;
    expect(texts.index(UPDATED_AT_INDEX).keyPath).toBe('updatedAt');
    db.close();
  });

  it('is brought from version 2: a search reads conversations whole until it has written their text', async () => {
    const factory = new IDBFactory();
    const version2 = conversationMigrations.slice(0, 2);
    const { header, versions } = toRecords(trip());
    await putRaw(factory, CONVERSATIONS_STORE, [header], version2);
    await putRaw(factory, VERSIONS_STORE, versions, version2);
    await putRaw(factory, SUMMARIES_STORE, [summarize(trip())], version2);
    const { store } = setup({ factory });
    expect((await store.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect(await storedHead(factory, 'trip')).toEqual(headFor(trip()));
    expect((await store.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
  });

  it('is brought from version 1: each conversation split into versions, with its summary and search filter', async () => {
    const factory = new IDBFactory();
    const version1 = conversationMigrations.slice(0, 1);
    const legacy = (value: Conversation) => ({
      schema: LEGACY_RECORD_SCHEMA,
      ...stripIds(toConversationData(value)),
    });
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [
        legacy(trip()),
        legacy(long('long', 3)),
        { schema: LEGACY_RECORD_SCHEMA, id: 'broken', title: '시간 없음' },
        { schema: 5, id: 'from-the-future', whatever: [1, 2, 3] },
      ],
      version1,
    );

    const { store } = setup({ factory });
    const read = await store.get('trip');
    expect(read && toConversationData(read)).toEqual(
      toConversationData(trip()).exchanges.length && {
        ...toConversationData(trip()),
        exchanges: toConversationData(trip()).exchanges.map((e) => ({
          ...e,
          versions: e.versions.map((v, index) => ({ ...v, id: `${e.id}#${index}` })),
        })),
      },
    );
    const list = await store.list();
    expect(list.summaries.map(({ id }) => id)).toEqual(['trip', 'long']);
    expect(list.unreadable.map(({ id }) => id).sort()).toEqual(['broken', 'from-the-future']);
    expect((await store.search('해운대')).hits.map(({ id }) => id)).toEqual(['trip']);
    // The records it could not read are exactly as they were.
    expect(await all(factory, CONVERSATIONS_STORE)).toContainEqual({
      schema: 5,
      id: 'from-the-future',
      whatever: [1, 2, 3],
    });
  });

  it('stays as it was when a migration fails', async () => {
    const factory = new IDBFactory();
    await putRaw(
      factory,
      CONVERSATIONS_STORE,
      [{ schema: 1, ...toConversationData(trip()) }],
      conversationMigrations.slice(0, 1),
    );
    const failing: Migration = {
      version: 2,
      async migrate(_db, transaction) {
        await transaction.objectStore(CONVERSATIONS_STORE).clear();
        throw new Error('the new format was wrong');
      },
    };
    const error = await rejection(
      openConversationDatabase(factory, [conversationMigrations[0] as Migration, failing]),
    );
    expect(error.code).toBe('migration-failed');
    expect(error.message).toBe('Error: the new format was wrong');

    const { store } = setup({ factory });
    expect((await store.get('trip'))?.title).toBe('서울 여행');
  });

  it('is refused, with the reason, when a newer version upgraded it', async () => {
    const factory = new IDBFactory();
    const newer: Migration = { version: DATABASE_VERSION + 1, migrate: () => undefined };
    (await openConversationDatabase(factory, [...conversationMigrations, newer])).close();
    const { store } = setup({ factory });
    expect((await rejection(store.list())).code).toBe('newer-version');
  });

  it('lets another tab upgrade it, and opens again afterwards', async () => {
    const factory = new IDBFactory();
    const { store } = setup({ factory });
    await store.save(trip(), undefined);
    const newer: Migration = { version: DATABASE_VERSION + 1, migrate: () => undefined };
    (await openConversationDatabase(factory, [...conversationMigrations, newer])).close();
    expect((await rejection(store.list())).code).toBe('newer-version');
  });

  it('needs migrations that count up from 1', () => {
    expect(() => openConversationDatabase(new IDBFactory(), conversationMigrations.slice(1))).toThrow(
      RangeError,
    );
  });
});

/** A conversation as a file or database of before version ids had written it. */
function stripIds<T extends { exchanges: readonly { versions: readonly object[] }[] }>(data: T): T {
  return {
    ...data,
    exchanges: data.exchanges.map((e) => ({
      ...e,
      versions: e.versions.map((v) => {
        const { id: _id, ...rest } = v as { id?: string };
        return rest;
      }),
    })),
  };
}
