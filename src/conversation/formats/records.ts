import * as v from 'valibot';
import { object } from '../../schema/issues';
import type { Conversation, Exchange, ExchangeVersion } from '../conversation';
import { conversationDataSchema, conversationFields } from './conversation-data';
import { answerSchema, count, identifier, storedAnswer, storedSampling, text, timestamp } from './fields';
import { packTokens, PACKED_IDS_PATTERN, unpackTokens } from './token-ids';

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

/** A conversation this version could not read, as it was stored: its header and its version records. */
export interface UnreadableRecord {
  readonly record: unknown;
  readonly versions: readonly unknown[];
}

/** The place of the first exchange, which follows no version. */
export const FIRST_PLACE: Place = '';

/** Every version of the tree with the version it follows (null for the first exchange's). */
export function versionsWithPlaces(
  conversation: Conversation,
): { readonly version: ExchangeVersion; readonly exchange: Exchange; readonly after: string | null }[] {
  const found: { version: ExchangeVersion; exchange: Exchange; after: string | null }[] = [];
  const stack: { exchange: Exchange | undefined; after: string | null }[] = [
    { exchange: conversation.first, after: null },
  ];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { exchange, after } = item;
    if (!exchange) continue;
    for (const version of exchange.versions) {
      found.push({ version, exchange, after });
      if (version.next) stack.push({ exchange: version.next, after: version.id });
    }
  }
  return found;
}

/** The places whose shown version is not their newest, and the version shown there. */
export function selectionsOf(conversation: Conversation): Record<Place, string> {
  const selected: Record<Place, string> = {};
  const stack: { exchange: Exchange | undefined; place: Place }[] = [
    { exchange: conversation.first, place: FIRST_PLACE },
  ];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { exchange, place } = item;
    if (!exchange) continue;
    const shown = exchange.versions[exchange.selected];
    if (shown && exchange.selected !== exchange.versions.length - 1) selected[place] = shown.id;
    for (const version of exchange.versions) stack.push({ exchange: version.next, place: version.id });
  }
  return selected;
}

export function headerOf(conversation: Conversation): HeaderRecord {
  return {
    schema: RECORD_SCHEMA,
    id: conversation.id,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    sampling: storedSampling(conversation.sampling),
    selected: selectionsOf(conversation),
  };
}

/** The record of one version; an answer still being written names its writer, so others can tell it is live. */
export function versionRecord(
  conversationId: string,
  exchange: Exchange,
  version: ExchangeVersion,
  after: string | null,
  writer: string | undefined,
): VersionRecord {
  const { status } = version.answer;
  const tokens = version.tokens && packTokens(version.tokens);
  return {
    conversationId,
    id: version.id,
    exchangeId: exchange.id,
    position: Math.max(0, exchange.versions.indexOf(version)),
    after,
    question: version.question,
    askedAt: version.askedAt,
    answer: storedAnswer(version.answer),
    ...(tokens ? { tokens } : {}),
    ...(writer !== undefined && (status === 'pending' || status === 'streaming') ? { writer } : {}),
  };
}

/** The whole conversation as records: its header and one record per version. */
export function toRecords(
  conversation: Conversation,
  writer?: string,
): { readonly header: HeaderRecord; readonly versions: VersionRecord[] } {
  return {
    header: headerOf(conversation),
    versions: versionsWithPlaces(conversation).map(({ version, exchange, after }) =>
      versionRecord(conversation.id, exchange, version, after, writer),
    ),
  };
}

const inOrder = (a: VersionRecord, b: VersionRecord): number =>
  a.position - b.position || a.askedAt - b.askedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Builds the tree from a header and its version records. The versions at one place (following the same
 * version) are one exchange, in the order they were added: two tabs that added an exchange at the same place each keep theirs,
 * as two versions. `answerOf` may change an answer as it is read (one cut off by a closed tab). Versions that
 * follow no version of the conversation are left out (and left stored).
 */
export function fromRecords(
  header: HeaderRecord,
  records: readonly VersionRecord[],
  answerOf: (record: VersionRecord) => ExchangeVersion['answer'] = (record) => record.answer,
): Conversation {
  const places = new Map<Place, VersionRecord[]>();
  for (const record of records) {
    const place = record.after ?? FIRST_PLACE;
    const group = places.get(place);
    if (group) group.push(record);
    else places.set(place, [record]);
  }
  const order: Place[] = [];
  for (const stack = [FIRST_PLACE]; stack.length > 0;) {
    const place = stack.pop();
    const group = place === undefined ? undefined : places.get(place);
    if (place === undefined || !group) continue;
    order.push(place);
    for (const record of group) stack.push(record.id);
  }
  const built = new Map<Place, Exchange>();
  const exchangeIds = new Set<string>();
  for (const place of order.reverse()) {
    const group = (places.get(place) ?? []).sort(inOrder);
    const [oldest] = group;
    if (!oldest) continue;
    const id = exchangeIds.has(oldest.exchangeId) ? oldest.id : oldest.exchangeId;
    exchangeIds.add(id);
    const versions = group.map((record): ExchangeVersion => {
      const tokens = record.tokens && unpackTokens(record.tokens);
      return {
        id: record.id,
        question: record.question,
        askedAt: record.askedAt,
        answer: answerOf(record),
        ...(tokens ? { tokens } : {}),
        next: built.get(record.id),
      };
    });
    const chosen = header.selected[place];
    const index = chosen === undefined ? -1 : versions.findIndex((version) => version.id === chosen);
    built.set(place, { id, versions, selected: index >= 0 ? index : versions.length - 1 });
  }
  const { id, title, createdAt, updatedAt, sampling } = header;
  return { id, title, createdAt, updatedAt, sampling, first: built.get(FIRST_PLACE) };
}
