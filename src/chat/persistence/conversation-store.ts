import { isEngineErrorCode, type EngineErrorInfo, type GenerationUsage } from '../../engine/protocol';
import type { SamplingParams } from '../../generation/sampling';
import type { Conversation, Exchange, ExchangeVersion } from '../conversation';
import type { AnswerState } from '../types';

export const DATABASE_NAME = 'hangul-llama';
/** The version of the database structure (stores, indexes); raise it with a new entry in `conversationMigrations`. */
export const DATABASE_VERSION = 1;
export const CONVERSATIONS_STORE = 'conversations';
export const UPDATED_AT_INDEX = 'updatedAt';
/** The format of one stored conversation, kept in every record as `schema`. */
export const RECORD_SCHEMA = 1;
/**
 * The most exchanges one conversation may have. Far beyond a real chat, it keeps a hostile file from taking
 * the page's memory, and the selected path short enough for `updateAt`, which recurses once per exchange.
 */
export const MAX_EXCHANGES = 5000;

type StoppedAnswer = Extract<AnswerState, { status: 'stopped' }>;

type Answer = ExchangeVersion['answer'];

/**
 * A conversation as stored and exported: the exchange tree as a flat list whose versions name the exchange
 * that followed them. Nested, a long conversation would exceed the recursion limit of structured clone (about
 * 750 exchanges in V8) and of `JSON.stringify`, and could then be neither saved nor backed up.
 */
export interface ConversationData {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sampling: SamplingParams;
  readonly first: string | null;
  /** The exchanges in depth-first order, the selected path first. */
  readonly exchanges: readonly ExchangeData[];
}

export interface ExchangeData {
  readonly id: string;
  readonly selected: number;
  readonly versions: readonly {
    readonly question: string;
    readonly askedAt: number;
    readonly answer: Answer;
    readonly next: string | null;
  }[];
}

export interface ConversationRecord extends ConversationData {
  readonly schema: number;
}

export interface Migration {
  /** The database version this step brings the database to; the list counts up from 1 with no gaps. */
  readonly version: number;
  /**
   * Runs in the upgrade transaction, whose requests it may queue; throwing (or a failing request) aborts the
   * whole upgrade and leaves the database at the version it had.
   */
  migrate(db: IDBDatabase, transaction: IDBTransaction): void;
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
];

/**
 * `newer-version`: a newer version of the app upgraded the database, so this one cannot open it.
 * `invalid-conversation`: a conversation that could not be read back, refused before anything is written.
 */
export type ConversationStoreErrorCode =
  | 'unavailable'
  | 'newer-version'
  | 'migration-failed'
  | 'invalid-conversation'
  | 'quota-exceeded'
  | 'read-failed'
  | 'write-failed';

export class ConversationStoreError extends Error {
  override readonly name = 'ConversationStoreError';
  readonly code: ConversationStoreErrorCode;

  constructor(code: ConversationStoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function transactionError(error: unknown, mode: IDBTransactionMode): ConversationStoreError {
  const code =
    error instanceof DOMException && error.name === 'QuotaExceededError'
      ? 'quota-exceeded'
      : mode === 'readonly'
        ? 'read-failed'
        : 'write-failed';
  return new ConversationStoreError(code, describeError(error), { cause: error });
}

/** Opens the database, bringing it from whatever version it has to the last version of `migrations`. */
export function openConversationDatabase(
  factory: IDBFactory,
  migrations: readonly Migration[] = conversationMigrations,
): Promise<IDBDatabase> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new RangeError(`Migration ${index} must bring version ${index + 1}.`);
  });
  const version = migrations.length;
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(DATABASE_NAME, version);
    } catch (error) {
      reject(new ConversationStoreError('unavailable', describeError(error), { cause: error }));
      return;
    }
    let migrationError: unknown;
    request.onupgradeneeded = (event) => {
      const transaction = request.transaction;
      if (!transaction) return;
      try {
        for (const migration of migrations) {
          if (migration.version > event.oldVersion) migration.migrate(request.result, transaction);
        }
      } catch (error) {
        migrationError = error;
        transaction.abort();
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab is upgrading: let it, or it waits until this page is closed.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => {
      const error = migrationError ?? request.error;
      const code =
        request.error?.name === 'VersionError'
          ? 'newer-version'
          : request.error?.name === 'AbortError'
            ? 'migration-failed'
            : 'unavailable';
      reject(new ConversationStoreError(code, describeError(error), { cause: error }));
    };
    // `blocked` (an older tab does not let go) needs nothing: the request waits until that tab closes.
  });
}

type Json = Record<string, unknown>;

class Malformed extends Error {}

function fail(path: string, problem: string): never {
  throw new Malformed(`${path}: ${problem}`);
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  return isJson(value) ? value : fail(path, 'expected an object');
}

function text(data: Json, key: string, path: string): string {
  const value = data[key];
  return typeof value === 'string' ? value : fail(`${path}.${key}`, 'expected a string');
}

function identifier(data: Json, key: string, path: string): string {
  const value = text(data, key, path);
  return value === '' ? fail(`${path}.${key}`, 'expected a non-empty string') : value;
}

function finite(data: Json, key: string, path: string): number {
  const value = data[key];
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : fail(`${path}.${key}`, 'expected a number');
}

function amount(data: Json, key: string, path: string): number {
  const value = finite(data, key, path);
  return value >= 0 ? value : fail(`${path}.${key}`, 'expected a number of at least 0');
}

function count(data: Json, key: string, path: string): number {
  const value = amount(data, key, path);
  return Number.isInteger(value) ? value : fail(`${path}.${key}`, 'expected a whole number');
}

function readSampling(value: unknown, path: string): SamplingParams {
  const data = object(value, path);
  const seed = data['seed'];
  return {
    temperature: finite(data, 'temperature', path),
    topK: finite(data, 'topK', path),
    topP: finite(data, 'topP', path),
    repetitionPenalty: finite(data, 'repetitionPenalty', path),
    noRepeatNgramSize: finite(data, 'noRepeatNgramSize', path),
    maxNewTokens: finite(data, 'maxNewTokens', path),
    ...(seed === undefined ? {} : { seed: finite(data, 'seed', path) }),
  };
}

function readUsage(value: unknown, path: string): GenerationUsage {
  const data = object(value, path);
  return {
    promptTokens: amount(data, 'promptTokens', path),
    completionTokens: amount(data, 'completionTokens', path),
    prefillTokensPerSecond: amount(data, 'prefillTokensPerSecond', path),
    decodeTokensPerSecond: amount(data, 'decodeTokensPerSecond', path),
    timeToFirstTokenMs: amount(data, 'timeToFirstTokenMs', path),
    totalMs: amount(data, 'totalMs', path),
  };
}

function readError(value: unknown, path: string): EngineErrorInfo {
  const data = object(value, path);
  const code = text(data, 'code', path);
  // A code from a newer version only picks the explanation shown; its message still says what happened.
  return { code: isEngineErrorCode(code) ? code : 'unknown', message: text(data, 'message', path) };
}

function readAnswer(value: unknown, path: string): Answer {
  const data = object(value, path);
  const content = text(data, 'content', path);
  const createdAt = amount(data, 'createdAt', path);
  const status = data['status'];
  switch (status) {
    case 'pending':
    case 'streaming':
      return { content, createdAt, status };
    case 'complete': {
      const truncated = data['truncated'];
      if (typeof truncated !== 'boolean') fail(`${path}.truncated`, 'expected true or false');
      const usage = readUsage(data['usage'], `${path}.usage`);
      return {
        content,
        createdAt,
        status,
        truncated,
        usage,
        droppedTurns: count(data, 'droppedTurns', path),
      };
    }
    case 'stopped': {
      const interrupted = data['interrupted'];
      if (interrupted !== undefined && interrupted !== true)
        fail(`${path}.interrupted`, 'expected true or nothing');
      const state: StoppedAnswer = {
        status,
        usage: readUsage(data['usage'], `${path}.usage`),
        droppedTurns: count(data, 'droppedTurns', path),
        ...(interrupted === true ? { interrupted } : {}),
      };
      return { content, createdAt, ...state };
    }
    case 'failed':
      return { content, createdAt, status, error: readError(data['error'], `${path}.error`) };
    default:
      return fail(`${path}.status`, 'expected pending, streaming, complete, stopped or failed');
  }
}

interface ParsedExchange {
  readonly id: string;
  readonly selected: number;
  readonly versions: readonly {
    readonly version: Omit<ExchangeVersion, 'next'>;
    readonly next: string | null;
  }[];
}

function reference(value: unknown, path: string): string | null {
  return value === null || (typeof value === 'string' && value !== '')
    ? value
    : fail(path, 'expected an exchange id or null');
}

function readExchange(value: unknown, path: string): ParsedExchange {
  const data = object(value, path);
  const id = identifier(data, 'id', path);
  const list = data['versions'];
  if (!Array.isArray(list) || list.length === 0) fail(`${path}.versions`, 'expected a non-empty array');
  const versions = list.map((item: unknown, index) => {
    const at = `${path}.versions[${index}]`;
    const version = object(item, at);
    return {
      version: {
        question: text(version, 'question', at),
        askedAt: amount(version, 'askedAt', at),
        answer: readAnswer(version['answer'], `${at}.answer`),
      },
      next: reference(version['next'], `${at}.next`),
    };
  });
  const selected = count(data, 'selected', path);
  if (selected >= versions.length)
    fail(`${path}.selected`, `expected a version index below ${versions.length}`);
  return { id, selected, versions };
}

/**
 * Rebuilds the tree from the flat list, checking that it is one: every exchange followed from exactly one place
 * (`first` or one version), and all of them reached from `first`. Nothing here recurses, whatever the depth.
 */
function readTree(data: Json, path: string): Exchange | undefined {
  const list = data['exchanges'];
  if (!Array.isArray(list)) return fail(`${path}.exchanges`, 'expected an array');
  if (list.length > MAX_EXCHANGES) fail(`${path}.exchanges`, `more than ${MAX_EXCHANGES} exchanges`);
  const exchanges = new Map<string, ParsedExchange>();
  list.forEach((item: unknown, index) => {
    const exchange = readExchange(item, `${path}.exchanges[${index}]`);
    if (exchanges.has(exchange.id)) fail(`${path}.exchanges[${index}].id`, `"${exchange.id}" appears twice`);
    exchanges.set(exchange.id, exchange);
  });

  const followedFrom = new Map<string, string>();
  const follow = (id: string | null, from: string): void => {
    if (id === null) return;
    if (!exchanges.has(id)) fail(from, `no exchange has the id "${id}"`);
    const earlier = followedFrom.get(id);
    if (earlier !== undefined) fail(from, `exchange "${id}" already follows ${earlier}`);
    followedFrom.set(id, from);
  };
  const first = reference(data['first'], `${path}.first`);
  follow(first, `${path}.first`);
  for (const exchange of exchanges.values()) {
    exchange.versions.forEach(({ next }, index) => {
      follow(next, `${path}.exchanges["${exchange.id}"].versions[${index}].next`);
    });
  }

  // With one way into every exchange and none into the first, a walk from `first` meets each at most once.
  const order: ParsedExchange[] = [];
  for (const stack = [first]; stack.length > 0;) {
    const id = stack.pop();
    const exchange = id === null || id === undefined ? undefined : exchanges.get(id);
    if (!exchange) continue;
    order.push(exchange);
    stack.push(...exchange.versions.map(({ next }) => next));
  }
  if (order.length < exchanges.size) {
    const reached = new Set(order.map(({ id }) => id));
    const orphan = [...exchanges.keys()].find((id) => !reached.has(id));
    fail(`${path}.exchanges`, `exchange "${orphan ?? ''}" is not reached from first`);
  }

  // Reversed, the walk lists every exchange after all that follow it, so those are already built.
  const built = new Map<string, Exchange>();
  for (const exchange of order.reverse()) {
    built.set(exchange.id, {
      id: exchange.id,
      selected: exchange.selected,
      versions: exchange.versions.map(({ version, next }) => ({
        ...version,
        next: next === null ? undefined : built.get(next),
      })),
    });
  }
  return first === null ? undefined : built.get(first);
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

function parse<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    throw error;
  }
}

function readConversation(value: unknown, path: string): Conversation {
  const data = object(value, path);
  return {
    id: identifier(data, 'id', path),
    title: text(data, 'title', path),
    createdAt: amount(data, 'createdAt', path),
    updatedAt: amount(data, 'updatedAt', path),
    sampling: readSampling(data['sampling'], `${path}.sampling`),
    first: readTree(data, path),
  };
}

/**
 * Checks every field of a stored or exported conversation and builds it; unknown fields are left out.
 * A failure names the first wrong field by its path, e.g. `conversation.exchanges[2].versions[0].askedAt`.
 */
export function parseConversationData(value: unknown, path = 'conversation'): Parsed<Conversation> {
  return parse(() => readConversation(value, path));
}

/** A record of the conversations store: its format version, then the conversation. */
export function parseConversationRecord(value: unknown): Parsed<Conversation> {
  return parse(() => {
    const data = object(value, 'record');
    const schema = data['schema'];
    if (typeof schema === 'number' && schema > RECORD_SCHEMA) {
      fail('record.schema', `format ${schema} is newer than this version reads (${RECORD_SCHEMA})`);
    }
    if (schema !== RECORD_SCHEMA) fail('record.schema', `expected ${RECORD_SCHEMA}`);
    return readConversation(data, 'record');
  });
}

/**
 * The exchanges of a tree in depth-first order, each one's selected version followed first, so the selected
 * path comes before the versions that were left.
 */
function exchangesOf(first: Exchange | undefined): Exchange[] {
  const order: Exchange[] = [];
  for (const stack = [first]; stack.length > 0 && order.length <= MAX_EXCHANGES;) {
    const exchange = stack.pop();
    if (!exchange) continue;
    order.push(exchange);
    const selected = exchange.versions[exchange.selected];
    stack.push(
      ...exchange.versions
        .filter((version) => version !== selected)
        .map(({ next }) => next)
        .reverse(),
    );
    stack.push(selected?.next);
  }
  return order;
}

export function toConversationData(conversation: Conversation): ConversationData {
  return {
    id: conversation.id,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    sampling: conversation.sampling,
    first: conversation.first?.id ?? null,
    exchanges: exchangesOf(conversation.first).map((exchange) => ({
      id: exchange.id,
      selected: exchange.selected,
      versions: exchange.versions.map((version) => ({
        question: version.question,
        askedAt: version.askedAt,
        answer: version.answer,
        next: version.next?.id ?? null,
      })),
    })),
  };
}

const zeroUsage: GenerationUsage = {
  promptTokens: 0,
  completionTokens: 0,
  prefillTokensPerSecond: 0,
  decodeTokensPerSecond: 0,
  timeToFirstTokenMs: 0,
  totalMs: 0,
};

/**
 * Turns every answer that was still pending or streaming into a stopped one flagged `interrupted`: read back,
 * such an answer was cut off by a reload or a crash and nothing will ever finish it. The text so far is kept.
 * Exchanges without such an answer are shared with the input, which is returned as is when nothing changed.
 */
export function markInterrupted(conversation: Conversation): Conversation {
  const replaced = new Map<Exchange, Exchange>();
  for (const exchange of exchangesOf(conversation.first).reverse()) {
    const versions = exchange.versions.map((version) => {
      const next = version.next && (replaced.get(version.next) ?? version.next);
      const { content, createdAt, status } = version.answer;
      if (status !== 'pending' && status !== 'streaming') {
        return next === version.next ? version : { ...version, next };
      }
      const stopped: StoppedAnswer = {
        status: 'stopped',
        usage: zeroUsage,
        droppedTurns: 0,
        interrupted: true,
      };
      return { ...version, answer: { content, createdAt, ...stopped }, next };
    });
    if (versions.some((version, index) => version !== exchange.versions[index])) {
      replaced.set(exchange, { ...exchange, versions });
    }
  }
  const first = conversation.first && replaced.get(conversation.first);
  return first ? { ...conversation, first } : conversation;
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: number;
  /** The last question on the selected path, on one line and cut short. */
  readonly preview: string;
}

export interface SearchHit extends ConversationSummary {
  /** The found text with some of what surrounds it, on one line; `…` marks a cut. */
  readonly snippet: string;
  /** Where the text was found first: the selected path is looked at before the versions that were left. */
  readonly match:
    | { readonly in: 'title' }
    | { readonly in: 'question' | 'answer'; readonly exchangeId: string; readonly version: number };
}

const PREVIEW_LENGTH = 80;
const SNIPPET_BEFORE = 20;
const SNIPPET_AFTER = 60;

/** One line, NFC: text pasted from macOS can be decomposed Hangul, which would not match composed syllables. */
function oneLine(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function isLowSurrogate(value: string, index: number): boolean {
  const code = value.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** `value` from `start` to `end`, widened so no emoji is cut in half, with `…` where it was cut. */
function excerpt(value: string, start: number, end: number): string {
  const from = start > 0 && isLowSurrogate(value, start) ? start - 1 : start;
  const to = end < value.length && isLowSurrogate(value, end) ? end + 1 : end;
  return `${from > 0 ? '…' : ''}${value.slice(from, to)}${to < value.length ? '…' : ''}`;
}

export function summarize(conversation: Conversation): ConversationSummary {
  let question = '';
  for (let exchange = conversation.first; exchange;) {
    const version = exchange.versions[exchange.selected];
    if (!version) break;
    question = version.question;
    exchange = version.next;
  }
  const line = oneLine(question);
  return {
    id: conversation.id,
    title: conversation.title,
    updatedAt: conversation.updatedAt,
    preview: excerpt(line, 0, Math.min(line.length, PREVIEW_LENGTH)),
  };
}

function snippetOf(value: string, needle: string): string | undefined {
  const line = oneLine(value);
  const lower = line.toLowerCase();
  const at = lower.indexOf(needle);
  if (at < 0) return undefined;
  // Lower-casing changed the length (a rare letter such as İ), so the index only fits the lower-cased text.
  const source = lower.length === line.length ? line : lower;
  return excerpt(
    source,
    Math.max(0, at - SNIPPET_BEFORE),
    Math.min(source.length, at + needle.length + SNIPPET_AFTER),
  );
}

function searchConversation(conversation: Conversation, needle: string): SearchHit | undefined {
  const summary = summarize(conversation);
  const inTitle = snippetOf(conversation.title, needle);
  if (inTitle !== undefined) return { ...summary, snippet: inTitle, match: { in: 'title' } };
  for (const exchange of exchangesOf(conversation.first)) {
    const indexes = exchange.versions.map((_, index) => index);
    for (const index of [exchange.selected, ...indexes.filter((index) => index !== exchange.selected)]) {
      const version = exchange.versions[index];
      if (!version) continue;
      for (const field of ['question', 'answer'] as const) {
        const snippet = snippetOf(field === 'question' ? version.question : version.answer.content, needle);
        if (snippet !== undefined) {
          return { ...summary, snippet, match: { in: field, exchangeId: exchange.id, version: index } };
        }
      }
    }
  }
  return undefined;
}

/** A record the store could not read; it stays in the database untouched. */
export interface SkippedRecord {
  readonly key: IDBValidKey;
  readonly reason: string;
}

export interface ConversationStore {
  /** Every conversation, newest first. */
  list(): Promise<ConversationSummary[]>;
  /** The conversation, with answers cut off by a reload marked `interrupted` (see `markInterrupted`). */
  get(id: string): Promise<Conversation | undefined>;
  /** Adds or replaces; refuses, with `invalid-conversation`, a conversation that could not be read back. */
  put(conversation: Conversation): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * The conversations, newest first, whose title or any question or answer of any version contains `text`,
   * ignoring case and runs of white space. Blank text finds nothing.
   */
  search(text: string): Promise<SearchHit[]>;
  /** Every conversation, newest first, with interrupted answers marked as in `get`. */
  all(): Promise<Conversation[]>;
  /** Replaces every conversation in one transaction: if anything fails, the old ones are all still there. */
  replaceAll(conversations: readonly Conversation[]): Promise<void>;
  close(): void;
}

export interface ConversationStoreOptions {
  /** `indexedDB` in the app; fake-indexeddb's `IDBFactory` in tests. */
  readonly factory: IDBFactory;
  readonly migrations?: readonly Migration[];
  /** Told about every record skipped on a read (default: `console.warn`). */
  readonly onSkippedRecord?: (skipped: SkippedRecord) => void;
}

function toRecord(conversation: Conversation, path: string): ConversationRecord {
  // Written only as read back, so a save can never produce a record that later fails to load.
  const checked = parseConversationData(toConversationData(conversation), path);
  if (!checked.ok) throw new ConversationStoreError('invalid-conversation', checked.reason);
  return { schema: RECORD_SCHEMA, ...toConversationData(checked.value) };
}

function newestFirst(a: { readonly id: string; readonly updatedAt: number }, b: typeof a): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function createConversationStore({
  factory,
  migrations = conversationMigrations,
  onSkippedRecord = (skipped) => console.warn('Skipped a conversation record:', skipped.key, skipped.reason),
}: ConversationStoreOptions): ConversationStore {
  let connection: Promise<IDBDatabase> | undefined;

  function database(): Promise<IDBDatabase> {
    connection ??= openConversationDatabase(factory, migrations).then(
      (db) => {
        // Closed for another tab's upgrade or by the browser: the next call opens again (or says why it can't).
        const forget = () => (connection = undefined);
        db.addEventListener('versionchange', forget);
        db.addEventListener('close', forget);
        return db;
      },
      (error: unknown) => {
        connection = undefined;
        throw error;
      },
    );
    return connection;
  }

  /** Runs `work` in one transaction and resolves with what its getter returns once the transaction committed. */
  async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => () => T): Promise<T> {
    const db = await database();
    return new Promise((resolve, reject) => {
      let transaction: IDBTransaction;
      try {
        transaction = db.transaction(CONVERSATIONS_STORE, mode);
      } catch (error) {
        reject(transactionError(error, mode));
        return;
      }
      try {
        const result = work(transaction.objectStore(CONVERSATIONS_STORE));
        transaction.oncomplete = () => resolve(result());
        transaction.onabort = () => reject(transactionError(transaction.error, mode));
      } catch (error) {
        // A request that throws (a value that cannot be cloned) must not let the ones before it commit.
        transaction.abort();
        reject(transactionError(error, mode));
      }
    });
  }

  function readable(key: IDBValidKey, value: unknown): Conversation | undefined {
    const parsed = parseConversationRecord(value);
    if (parsed.ok) return parsed.value;
    onSkippedRecord({ key, reason: parsed.reason });
    return undefined;
  }

  /**
   * Every readable conversation, newest first. Read from the store itself rather than the `updatedAt` index:
   * a record without a valid `updatedAt` is missing from the index, and would be skipped without a report.
   */
  async function readAll(): Promise<Conversation[]> {
    const [keys, values] = await transact('readonly', (store) => {
      const keys: IDBRequest<IDBValidKey[]> = store.getAllKeys();
      const values: IDBRequest<unknown[]> = store.getAll();
      return () => [keys.result, values.result] as const;
    });
    return keys
      .map((key, index) => readable(key, values[index]))
      .filter((conversation) => conversation !== undefined)
      .sort(newestFirst);
  }

  return {
    async list() {
      return (await readAll()).map(summarize);
    },

    async get(id) {
      const value = await transact('readonly', (store) => {
        const request: IDBRequest<unknown> = store.get(id);
        return () => request.result;
      });
      if (value === undefined) return undefined;
      const conversation = readable(id, value);
      return conversation && markInterrupted(conversation);
    },

    async put(conversation) {
      const record = toRecord(conversation, 'conversation');
      await transact('readwrite', (store) => {
        store.put(record);
        return () => undefined;
      });
    },

    async delete(id) {
      await transact('readwrite', (store) => {
        store.delete(id);
        return () => undefined;
      });
    },

    async search(query) {
      const needle = oneLine(query).toLowerCase();
      if (needle === '') return [];
      return (await readAll()).flatMap((conversation) => searchConversation(conversation, needle) ?? []);
    },

    async all() {
      return (await readAll()).map(markInterrupted);
    },

    async replaceAll(conversations) {
      const records = conversations.map((conversation, index) =>
        toRecord(conversation, `conversations[${index}]`),
      );
      await transact('readwrite', (store) => {
        store.clear();
        // `add`, not `put`: a repeated id fails the transaction instead of quietly keeping one of the two.
        for (const record of records) store.add(record);
        return () => undefined;
      });
    },

    close() {
      void connection?.then((db) => db.close()).catch(() => undefined);
      connection = undefined;
    },
  };
}
