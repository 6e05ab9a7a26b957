import { check, type Checked } from '../../schema/issues';
import type { Conversation, Exchange, ExchangeVersion } from '../conversation';
import {
  conversationDataSchema,
  MAX_EXCHANGES,
  RECORD_SCHEMA,
  type ConversationData,
  type HeaderRecord,
  type Place,
  type VersionRecord,
} from './schemas';
import { packTokens, unpackTokens } from './token-ids';

/** The place of the first exchange, which follows no version. */
export const FIRST_PLACE: Place = '';

class Malformed extends Error {}

function fail(path: string, problem: string): never {
  throw new Malformed(`${path}: ${problem}`);
}

/**
 * The exchanges of a tree in depth-first order, each one's selected version followed first, so the selected
 * path comes before the versions that were left.
 */
export function exchangesOf(first: Exchange | undefined): Exchange[] {
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

/**
 * A conversation as a backup file or a shared link holds it. Without the answers' ids: they are a cache of
 * what the model was fed (an answer without them is encoded again, costing one full read of the
 * conversation on its next turn), written for people and other versions of the app, and they would about
 * double a file's size (2.7 characters per id against 1-2 characters of Korean text per id).
 */
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
        id: version.id,
        question: version.question,
        askedAt: version.askedAt,
        answer: version.answer,
        next: version.next?.id ?? null,
      })),
    })),
  };
}

/** The id of a version saved before versions had one: its exchange's id and its place there. */
export function derivedVersionId(exchangeId: string, index: number): string {
  return `${exchangeId}#${index}`;
}

type ParsedExchange = ConversationData['exchanges'][number];

/**
 * Rebuilds the tree from the flat list, checking that it is one: every exchange followed from exactly one place
 * (`first` or one version), all of them reached from `first`, and no version id twice. Nothing here recurses,
 * whatever the depth.
 */
function readTree(data: ConversationData, path: string): Exchange | undefined {
  const exchanges = new Map<string, ParsedExchange>();
  const versionIds = new Set<string>();
  data.exchanges.forEach((exchange, index) => {
    if (exchanges.has(exchange.id)) fail(`${path}.exchanges[${index}].id`, `"${exchange.id}" appears twice`);
    exchanges.set(exchange.id, exchange);
    exchange.versions.forEach((version, at) => {
      const id = version.id ?? derivedVersionId(exchange.id, at);
      if (versionIds.has(id)) fail(`${path}.exchanges[${index}].versions[${at}].id`, `"${id}" appears twice`);
      versionIds.add(id);
    });
  });

  const followedFrom = new Map<string, string>();
  const follow = (id: string | null, from: string): void => {
    if (id === null) return;
    if (!exchanges.has(id)) fail(from, `no exchange has the id "${id}"`);
    const earlier = followedFrom.get(id);
    if (earlier !== undefined) fail(from, `exchange "${id}" already follows ${earlier}`);
    followedFrom.set(id, from);
  };
  follow(data.first, `${path}.first`);
  for (const exchange of exchanges.values()) {
    exchange.versions.forEach(({ next }, index) => {
      follow(next, `${path}.exchanges["${exchange.id}"].versions[${index}].next`);
    });
  }

  // With one way into every exchange and none into the first, a walk from `first` meets each at most once.
  const order: ParsedExchange[] = [];
  for (const stack = [data.first]; stack.length > 0;) {
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
      versions: exchange.versions.map(({ id, question, askedAt, answer, next }, index) => ({
        id: id ?? derivedVersionId(exchange.id, index),
        question,
        askedAt,
        answer,
        next: next === null ? undefined : built.get(next),
      })),
    });
  }
  return data.first === null ? undefined : built.get(data.first);
}

/**
 * Checks every field of an exported conversation (or a record of database version 1) and builds it; unknown
 * fields are left out. A failure names the first wrong field by its path, e.g.
 * `conversation.exchanges[2].versions[0].askedAt`.
 */
export function parseConversationData(value: unknown, path = 'conversation'): Checked<Conversation> {
  const checked = check(conversationDataSchema, value, path);
  if (!checked.ok) return checked;
  return fromConversationData(checked.value, path);
}

/** Builds the tree of data that passed the schema, checking that it is one. */
export function fromConversationData(data: ConversationData, path = 'conversation'): Checked<Conversation> {
  try {
    const { id, title, createdAt, updatedAt, sampling } = data;
    return { ok: true, value: { id, title, createdAt, updatedAt, sampling, first: readTree(data, path) } };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    throw error;
  }
}

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
    sampling: conversation.sampling,
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
    answer: version.answer,
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
