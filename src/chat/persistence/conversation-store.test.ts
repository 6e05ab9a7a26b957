import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerationUsage } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { activePath, type Conversation, type Exchange, type ExchangeVersion } from '../conversation';
import type { AnswerState } from '../types';
import {
  CONVERSATIONS_STORE,
  ConversationStoreError,
  DATABASE_NAME,
  DATABASE_VERSION,
  MAX_EXCHANGES,
  RECORD_SCHEMA,
  UPDATED_AT_INDEX,
  conversationMigrations,
  createConversationStore,
  markInterrupted,
  openConversationDatabase,
  toConversationData,
  type ConversationStore,
  type Migration,
  type SkippedRecord,
} from './conversation-store';

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
): ExchangeVersion {
  return { question, askedAt: 1000, answer: { content: answer, createdAt: 1001, ...state }, next };
}

function exchange(id: string, versions: ExchangeVersion[], selected = versions.length - 1): Exchange {
  return { id, versions, selected };
}

function conversation(id: string, updatedAt: number, first?: Exchange, title = `대화 ${id}`): Conversation {
  return { id, title, createdAt: 500, updatedAt, sampling: MODEL_CARD_SAMPLING, first };
}

/** Two exchanges; the first was asked twice, and the version that was left went on to its own exchange. */
function trip(): Conversation {
  const left = exchange('e-left', [version('그럼 부산은?', '부산에는 해운대가 있습니다.')]);
  const followUp = exchange('e2', [version('입장료는 얼마인가요?', '**3,000원**입니다.')]);
  return conversation(
    'trip',
    3000,
    exchange('e1', [
      version('서울에서 가 볼 곳은?', '경복궁과 북촌 한옥마을을 추천합니다.', complete, left),
      version('서울 여행지 하나만 알려 줘', '남산 서울타워를 추천합니다.', complete, followUp),
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

let stores: ConversationStore[] = [];
afterEach(() => {
  stores.forEach((store) => store.close());
  stores = [];
});

function setup(migrations?: readonly Migration[], factory = new IDBFactory()) {
  const skipped: SkippedRecord[] = [];
  const store = createConversationStore({
    factory,
    ...(migrations ? { migrations } : {}),
    onSkippedRecord: (record) => skipped.push(record),
  });
  stores.push(store);
  return { store, skipped, factory };
}

/** Writes records as they are, past the store's checks: data left by older versions, or damaged. */
async function putRaw(factory: IDBFactory, records: readonly unknown[], migrations?: readonly Migration[]) {
  const db = await openConversationDatabase(factory, migrations);
  await new Promise<void>((resolve, reject) => {
    const transaction = db.transaction(CONVERSATIONS_STORE, 'readwrite');
    for (const record of records) transaction.objectStore(CONVERSATIONS_STORE).put(record);
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
  });
  db.close();
}

async function rejection(promise: Promise<unknown>): Promise<ConversationStoreError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ConversationStoreError))
    throw new Error(`Expected a store error, got ${String(error)}`);
  return error;
}

describe('the conversation store', () => {
  it('gives back what it was given, every version and what followed each', async () => {
    const { store } = setup();
    await store.put(trip());
    expect(await store.get('trip')).toEqual(trip());
    expect(await store.get('missing')).toBeUndefined();
  });

  it('lists the newest first, with the last question on the selected path as preview', async () => {
    const { store } = setup();
    await store.put(conversation('old', 1000, exchange('a', [version('첫 질문', '답')])));
    await store.put(trip());
    await store.put(conversation('empty', 2000));
    expect(await store.list()).toEqual([
      { id: 'trip', title: '서울 여행', updatedAt: 3000, preview: '입장료는 얼마인가요?' },
      { id: 'empty', title: '대화 empty', updatedAt: 2000, preview: '' },
      { id: 'old', title: '대화 old', updatedAt: 1000, preview: '첫 질문' },
    ]);

    await store.put(conversation('old', 4000, exchange('a', [version('첫 질문', '답')])));
    expect((await store.list()).map(({ id }) => id)).toEqual(['old', 'trip', 'empty']);
  });

  it('cuts a long preview to one line', async () => {
    const { store } = setup();
    const question = `${'가'.repeat(50)}\n\n${'나'.repeat(50)}`;
    await store.put(conversation('c', 1, exchange('a', [version(question, '답')])));
    const [summary] = await store.list();
    expect(summary?.preview).toBe(`${'가'.repeat(50)} ${'나'.repeat(29)}…`);
  });

  it('deletes', async () => {
    const { store } = setup();
    await store.put(trip());
    await store.put(conversation('other', 1));
    await store.delete('trip');
    expect(await store.get('trip')).toBeUndefined();
    expect((await store.all()).map(({ id }) => id)).toEqual(['other']);
  });

  it('saves and reads a conversation far longer than structured clone could nest', async () => {
    const { store } = setup();
    await store.put(long('long', 3000));
    const read = await store.get('long');
    // Compared flat: the matcher recurses and would itself run out of stack on the nested trees.
    expect(read && toConversationData(read)).toEqual(toConversationData(long('long', 3000)));
    expect(read && activePath(read).at(-1)?.version.question).toBe('질문 2999');
  });

  it('refuses a conversation it could not read back, and writes nothing', async () => {
    const { store } = setup();
    const broken = conversation('broken', 1, { ...exchange('a', [version('질문', '답')]), selected: 3 });
    const error = await rejection(store.put(broken));
    expect(error.code).toBe('invalid-conversation');
    expect(error.message).toBe('conversation.exchanges[0].selected: expected a version index below 1');

    const error2 = await rejection(store.put(long('huge', MAX_EXCHANGES + 1)));
    expect(error2.message).toBe(`conversation.exchanges: more than ${MAX_EXCHANGES} exchanges`);
    expect(await store.all()).toEqual([]);
  });
});

describe('searching', () => {
  async function searchable() {
    const { store } = setup();
    await store.put(trip());
    await store.put(
      conversation(
        'code',
        2000,
        exchange('c1', [
          version('Explain the LLAMA tokenizer', 'Llama-2-ko는 한국어 어휘를 더한 토크나이저를 씁니다.'),
        ]),
        'Tokenizer',
      ),
    );
    return store;
  }

  it('finds Korean text in a version that is not selected, with a snippet', async () => {
    const store = await searchable();
    expect(await store.search('경복궁')).toEqual([
      {
        id: 'trip',
        title: '서울 여행',
        updatedAt: 3000,
        preview: '입장료는 얼마인가요?',
        snippet: '경복궁과 북촌 한옥마을을 추천합니다.',
        match: { in: 'answer', exchangeId: 'e1', version: 0 },
      },
    ]);
    expect((await store.search('해운대')).map(({ match }) => match)).toEqual([
      { in: 'answer', exchangeId: 'e-left', version: 0 },
    ]);
  });

  it('looks at titles, questions and answers, ignoring case, newest first', async () => {
    const store = await searchable();
    const hits = await store.search('  llama ');
    expect(hits.map(({ id, match }) => [id, match])).toEqual([
      ['code', { in: 'question', exchangeId: 'c1', version: 0 }],
    ]);
    expect(hits[0]?.snippet).toBe('Explain the LLAMA tokenizer');
    expect((await store.search('서울')).map(({ id, match }) => [id, match.in])).toEqual([['trip', 'title']]);
    expect((await store.search('니다')).map(({ id }) => id)).toEqual(['trip', 'code']);
  });

  it('prefers the selected version, and matches decomposed Hangul', async () => {
    const store = await searchable();
    const [hit] = await store.search('추천합니다'.normalize('NFD'));
    expect(hit?.match).toEqual({ in: 'answer', exchangeId: 'e1', version: 1 });
    expect(hit?.snippet).toBe('남산 서울타워를 추천합니다.');
  });

  it('cuts the snippet around the match', async () => {
    const { store } = setup();
    const answer = `${'앞'.repeat(40)} 찾는 말 ${'뒤'.repeat(100)}`;
    await store.put(conversation('c', 1, exchange('a', [version('질문', answer)])));
    const [hit] = await store.search('찾는 말');
    expect(hit?.snippet).toBe(`…${'앞'.repeat(19)} 찾는 말 ${'뒤'.repeat(59)}…`);
  });

  it('finds nothing for blank text or text that is not there', async () => {
    const store = await searchable();
    expect(await store.search(' \n')).toEqual([]);
    expect(await store.search('제주도')).toEqual([]);
  });
});

describe('replacing everything', () => {
  it('leaves exactly the new conversations', async () => {
    const { store } = setup();
    await store.put(conversation('old', 1));
    await store.replaceAll([trip(), conversation('new', 5000)]);
    expect((await store.all()).map(({ id }) => id)).toEqual(['new', 'trip']);
    expect(await store.get('trip')).toEqual(trip());
  });

  it('keeps all the old conversations when a write fails midway', async () => {
    const { store } = setup();
    await store.put(trip());
    await store.put(conversation('kept', 1));
    const error = await rejection(
      store.replaceAll([conversation('a', 1), conversation('b', 2), conversation('a', 3)]),
    );
    expect(error.code).toBe('write-failed');
    expect((await store.all()).map(({ id }) => id)).toEqual(['trip', 'kept']);
  });

  it('keeps the old conversations when a new one is invalid', async () => {
    const { store } = setup();
    await store.put(trip());
    const error = await rejection(store.replaceAll([conversation('a', 1), conversation('', 2)]));
    expect(error.code).toBe('invalid-conversation');
    expect(error.message).toBe('conversations[1].id: expected a non-empty string');
    expect((await store.all()).map(({ id }) => id)).toEqual(['trip']);
  });
});

describe('answers cut off by a reload', () => {
  const interrupted = (content: string) => ({
    content,
    createdAt: 1001,
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

  function unfinished(): Conversation {
    const last = exchange('e2', [version('두 번째', '', { status: 'pending' })]);
    return conversation(
      'c',
      1,
      exchange('e1', [
        version('첫 번째', '쓰다 만 답', { status: 'streaming' }),
        version('첫 번째 다시', '다 쓴 답', complete, last),
      ]),
    );
  }

  it('come back stopped and flagged, keeping their text', async () => {
    const { store } = setup();
    await store.put(unfinished());
    const read = await store.get('c');
    const [left, chosen] = read?.first?.versions ?? [];
    expect(left?.answer).toEqual(interrupted('쓰다 만 답'));
    expect(chosen?.answer).toEqual(unfinished().first?.versions[1]?.answer);
    expect(chosen?.next?.versions[0]?.answer).toEqual(interrupted(''));
    expect(await store.all()).toEqual([read]);
  });

  it('leave everything else as it was, shared', () => {
    const finished = trip();
    expect(markInterrupted(finished)).toBe(finished);

    const untouched = exchange('e-other', [version('다른 질문', '답')]);
    const input = conversation(
      'c',
      1,
      exchange('e1', [version('a', 'b', complete, untouched), version('c', '', { status: 'pending' })]),
    );
    const output = markInterrupted(input);
    expect(output.first?.versions[0]).toBe(input.first?.versions[0]);
    expect(output.first?.versions[1]?.answer).toEqual(interrupted(''));
    expect(output.title).toBe(input.title);
  });
});

describe('damaged records', () => {
  it('are skipped and reported, and the rest still loads', async () => {
    const { store, skipped, factory } = setup();
    await putRaw(factory, [
      { schema: RECORD_SCHEMA, ...toConversationData(conversation('good', 2)) },
      { schema: RECORD_SCHEMA, ...toConversationData(conversation('no-title', 3)), title: undefined },
      { schema: RECORD_SCHEMA + 1, ...toConversationData(conversation('future', 4)) },
      { ...toConversationData(trip()), id: 'no-schema' },
      { id: 'no-time', schema: RECORD_SCHEMA, title: '시간 없음' },
      {
        schema: RECORD_SCHEMA,
        ...toConversationData(trip()),
        id: 'loop',
        exchanges: [
          {
            id: 'x',
            selected: 0,
            versions: [{ ...toConversationData(trip()).exchanges[0]?.versions[0], next: 'x' }],
          },
        ],
        first: 'x',
      },
    ]);

    expect(await store.list()).toEqual([{ id: 'good', title: '대화 good', updatedAt: 2, preview: '' }]);
    expect(skipped).toEqual([
      {
        key: 'future',
        reason: `record.schema: format ${RECORD_SCHEMA + 1} is newer than this version reads (1)`,
      },
      {
        key: 'loop',
        reason: 'record.exchanges["x"].versions[0].next: exchange "x" already follows record.first',
      },
      { key: 'no-schema', reason: 'record.schema: expected 1' },
      { key: 'no-time', reason: 'record.createdAt: expected a number' },
      { key: 'no-title', reason: 'record.title: expected a string' },
    ]);
    expect((await store.all()).map(({ id }) => id)).toEqual(['good']);
    expect(await store.search('대화')).toHaveLength(1);
    expect(await store.get('no-title')).toBeUndefined();
    expect(skipped.at(-1)).toEqual({ key: 'no-title', reason: 'record.title: expected a string' });
  });
});

/**
 * The database of a build that kept the tree nested, with no `schema` in its records; the second version
 * rewrites them as flat records. Written here as a future version would add it to `conversationMigrations`.
 */
const flattenNestedRecords: Migration = {
  version: 2,
  migrate(_db, transaction) {
    const request = transaction.objectStore(CONVERSATIONS_STORE).openCursor();
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return;
      const record: unknown = cursor.value;
      if (typeof record === 'object' && record !== null && !('schema' in record)) {
        cursor.update({ schema: RECORD_SCHEMA, ...toConversationData(record as Conversation) });
      }
      cursor.continue();
    };
  },
};

describe('the database', () => {
  it('is created at the current version with the conversations store and its index', async () => {
    expect(conversationMigrations.map(({ version }) => version).at(-1)).toBe(DATABASE_VERSION);
    const db = await openConversationDatabase(new IDBFactory());
    expect(db.name).toBe(DATABASE_NAME);
    expect(db.version).toBe(DATABASE_VERSION);
    const store = db.transaction(CONVERSATIONS_STORE).objectStore(CONVERSATIONS_STORE);
    expect(store.keyPath).toBe('id');
    expect(store.index(UPDATED_AT_INDEX).keyPath).toBe('updatedAt');
    db.close();
  });

  it('is brought from version 1 by the migrations after it, records rewritten', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, [trip()]);

    const before = setup(undefined, factory);
    expect(await before.store.list()).toEqual([]);
    expect(before.skipped.map(({ key }) => key)).toEqual(['trip']);
    before.store.close();

    const after = setup([...conversationMigrations, flattenNestedRecords], factory);
    expect(await after.store.get('trip')).toEqual(trip());
    expect(after.skipped).toEqual([]);

    const db = await openConversationDatabase(factory, [...conversationMigrations, flattenNestedRecords]);
    expect(db.version).toBe(2);
    const newest = await new Promise((resolve) => {
      const request = db
        .transaction(CONVERSATIONS_STORE)
        .objectStore(CONVERSATIONS_STORE)
        .index(UPDATED_AT_INDEX)
        .openCursor(null, 'prev');
      request.onsuccess = () => resolve(request.result?.primaryKey);
    });
    expect(newest).toBe('trip');
    db.close();
  });

  it('runs every migration when it is new', async () => {
    const { store } = setup([...conversationMigrations, flattenNestedRecords]);
    await store.put(trip());
    expect(await store.get('trip')).toEqual(trip());
  });

  it('stays as it was when a migration fails', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, [{ schema: RECORD_SCHEMA, ...toConversationData(trip()) }]);
    const failing: Migration = {
      version: 2,
      migrate(_db, transaction) {
        transaction.objectStore(CONVERSATIONS_STORE).clear();
        throw new Error('the new format was wrong');
      },
    };
    const error = await rejection(openConversationDatabase(factory, [...conversationMigrations, failing]));
    expect(error.code).toBe('migration-failed');
    expect(error.message).toBe('Error: the new format was wrong');

    const { store } = setup(undefined, factory);
    expect(await store.get('trip')).toEqual(trip());
  });

  it('is refused, with the reason, when a newer version upgraded it', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, [], [...conversationMigrations, flattenNestedRecords]);
    const { store } = setup(undefined, factory);
    const error = await rejection(store.list());
    expect(error.code).toBe('newer-version');
  });

  it('lets another tab upgrade it, and opens again afterwards', async () => {
    const factory = new IDBFactory();
    const { store } = setup(undefined, factory);
    await store.put(trip());
    const db = await openConversationDatabase(factory, [...conversationMigrations, flattenNestedRecords]);
    db.close();
    expect((await rejection(store.list())).code).toBe('newer-version');
  });

  it('needs migrations that count up from 1', () => {
    expect(() => openConversationDatabase(new IDBFactory(), [flattenNestedRecords])).toThrow(RangeError);
  });
});
