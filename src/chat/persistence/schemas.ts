import * as v from 'valibot';
import { isEngineErrorCode, samplingSchema, type EngineErrorInfo } from '../../engine/protocol';
import { object } from '../../schema/issues';
import { PACKED_IDS_PATTERN } from './token-ids';

/**
 * The most exchanges one conversation may have. Far beyond a real chat, it keeps a hostile file from taking
 * the page's memory, and the selected path short enough for `updateAt`, which recurses once per exchange.
 */
export const MAX_EXCHANGES = 5000;

/** The last moment a `Date` can hold; a time past it would show as "Invalid Date". */
export const LATEST_TIME = 8.64e15;

const number = v.number('expected a number');

/** A finite number; NaN and Infinity cannot come from JSON, but can from a record written by other code. */
const finite = v.pipe(number, v.finite('expected a number'));

const amount = v.pipe(finite, v.minValue(0, 'expected a number of at least 0'));

const count = v.pipe(amount, v.integer('expected a whole number'));

/** Milliseconds since 1970 that a `Date` can show. */
export const timestamp = v.pipe(
  amount,
  v.maxValue(LATEST_TIME, 'expected a time no later than the year 275760'),
);

const text = v.string('expected a string');

export const identifier = v.pipe(text, v.nonEmpty('expected a non-empty string'));

export const usageSchema = object({
  promptTokens: amount,
  completionTokens: amount,
  prefillTokensPerSecond: amount,
  decodeTokensPerSecond: amount,
  timeToFirstTokenMs: amount,
  totalMs: amount,
});

const errorSchema = v.pipe(
  object({ code: text, message: text }),
  // A code from a newer version only picks the explanation shown; its message still says what happened.
  v.transform(({ code, message }): EngineErrorInfo => ({
    code: isEngineErrorCode(code) ? code : 'unknown',
    message,
  })),
);

const answerBase = { content: text, createdAt: timestamp };

export const answerSchema = v.variant(
  'status',
  [
    object({ ...answerBase, status: v.literal('pending') }),
    object({ ...answerBase, status: v.literal('streaming') }),
    object({
      ...answerBase,
      status: v.literal('complete'),
      truncated: v.boolean('expected true or false'),
      usage: usageSchema,
      droppedTurns: count,
    }),
    object({
      ...answerBase,
      status: v.literal('stopped'),
      usage: usageSchema,
      droppedTurns: count,
      interrupted: v.exactOptional(v.literal(true, 'expected true or nothing')),
    }),
    object({ ...answerBase, status: v.literal('failed'), error: errorSchema }),
  ],
  'expected pending, streaming, complete, stopped or failed',
);

export type StoredAnswer = v.InferOutput<typeof answerSchema>;

/** An exchange id, or null for "nothing follows". */
const reference = v.union([v.null(), identifier], 'expected an exchange id or null');

/**
 * One version of an exchange in a backup (and in the records of database version 1). `id` is missing from
 * files written before versions had one; it is then made from the exchange's id and the version's place.
 */
const versionDataSchema = object({
  id: v.exactOptional(identifier),
  question: text,
  askedAt: timestamp,
  answer: answerSchema,
  next: reference,
});

const exchangeDataSchema = v.pipe(
  object({
    id: identifier,
    selected: count,
    versions: v.pipe(
      v.array(versionDataSchema, 'expected a non-empty array'),
      v.nonEmpty('expected a non-empty array'),
    ),
  }),
  v.forward(
    v.check(
      ({ selected, versions }) => selected < versions.length,
      (issue) =>
        `expected a version index below ${(issue.input as { versions: readonly unknown[] }).versions.length}`,
    ),
    ['selected'],
  ),
);

const conversationFields = {
  id: identifier,
  title: text,
  createdAt: timestamp,
  updatedAt: timestamp,
  sampling: samplingSchema,
};

/**
 * A conversation as exported: the exchange tree as a flat list whose versions name the exchange that followed
 * them. Nested, a long conversation would exceed the recursion limit of structured clone (about 750 exchanges
 * in V8) and of `JSON.stringify`, and could then be neither saved nor backed up.
 */
export const conversationDataSchema = object({
  ...conversationFields,
  first: reference,
  /** The exchanges in depth-first order, the selected path first. */
  exchanges: v.pipe(
    v.array(exchangeDataSchema, 'expected an array'),
    v.maxLength(MAX_EXCHANGES, `more than ${MAX_EXCHANGES} exchanges`),
  ),
});

export type ConversationData = v.InferOutput<typeof conversationDataSchema>;
export type ExchangeData = ConversationData['exchanges'][number];
export type VersionData = ExchangeData['versions'][number];

/** The format of the records of database version 1: one record per conversation, the whole tree in it. */
export const LEGACY_RECORD_SCHEMA = 1;

export const legacyRecordSchema = object({
  ...conversationDataSchema.entries,
  schema: v.literal(LEGACY_RECORD_SCHEMA, `expected ${LEGACY_RECORD_SCHEMA}`),
});

/** The format of the conversation records written now, kept in every header as `schema`. */
export const RECORD_SCHEMA = 2;

/** Where an exchange is: after a version (by its id), or first (`''`). */
export type Place = string;

/**
 * The conversation itself, without its exchanges: one small record, written with a read in the same
 * transaction so that tabs changing different fields (a title, a selection) never undo each other.
 */
export const headerSchema = object({
  ...conversationFields,
  schema: v.literal(RECORD_SCHEMA, `expected ${RECORD_SCHEMA}`),
  /**
   * The version shown at each place where it is not the newest: unset, a place shows its newest version, so
   * a version another tab adds shows up without anyone having to select it.
   */
  selected: v.record(text, identifier),
});

export type HeaderRecord = v.InferOutput<typeof headerSchema>;

const packedIds = v.pipe(text, v.regex(PACKED_IDS_PATTERN, 'expected ids packed as u16: or u32: and base64'));

/**
 * A version's ids (see `token-ids.ts`). They are a cache of what the model was fed and drew: a record whose
 * ids this version cannot read still reads, without them, and its answer is encoded again from its text.
 */
const storedTokens = v.fallback(
  v.optional(object({ promptIds: packedIds, answerIds: packedIds })),
  undefined,
);

/**
 * One version of one exchange, its own record: only the tab that asked the question ever writes it, so two
 * tabs never overwrite each other's answers, and saving a streaming answer writes this record alone.
 */
export const versionRecordSchema = object({
  conversationId: identifier,
  id: identifier,
  /** The exchange it is a version of; versions added at the same place by two tabs become one exchange. */
  exchangeId: identifier,
  /** Its place among the versions of its exchange when it was added: they are shown in that order. */
  position: count,
  /** The version it follows (`null`: the first exchange). */
  after: v.union([v.null(), identifier], 'expected a version id or null'),
  question: text,
  askedAt: timestamp,
  answer: answerSchema,
  /**
   * The ids the engine reported for this answer, written with the answer it settled with. Absent from
   * records written before they were kept, and from answers that never settled. Not a new database
   * version: the stores and indexes are the same, and an older version of the app reading this record
   * leaves the field out (`v.object` drops keys it does not know).
   */
  tokens: storedTokens,
  /** The tab writing an answer still pending or streaming; once it is gone, the answer was interrupted. */
  writer: v.exactOptional(identifier),
});

export type VersionRecord = v.InferOutput<typeof versionRecordSchema>;

/**
 * What a search keeps of a conversation's text (`SearchHead`, `SearchText` in `search-index.ts`). Derived from
 * the header and versions, and deleted by every save: a search reads the conversation whole where they are
 * missing, and writes them again.
 */
const searchPlaces = { exchangeIds: v.array(identifier), versions: v.array(count) };

export const searchHeadSchema = object({
  id: identifier,
  updatedAt: timestamp,
  head: text,
  whole: v.boolean('expected true or false'),
  ...searchPlaces,
});

export const searchTextSchema = object({ id: identifier, updatedAt: timestamp, text });

/** What the conversation list shows of a conversation, written with it so the list never reads the rest. */
export const summarySchema = object({
  schema: v.literal(RECORD_SCHEMA),
  id: identifier,
  title: text,
  updatedAt: timestamp,
  /** The last question on the selected path, on one line and cut short. */
  preview: text,
});

export type SummaryRecord = v.InferOutput<typeof summarySchema>;
export type ConversationSummary = Omit<SummaryRecord, 'schema'>;

/** A conversation kept untouched because this version cannot read it; its own records stay as they were. */
export const unreadableSummarySchema = object({
  id: v.union([v.string(), v.number()]),
  unreadable: v.string(),
});

export type UnreadableSummary = v.InferOutput<typeof unreadableSummarySchema>;
