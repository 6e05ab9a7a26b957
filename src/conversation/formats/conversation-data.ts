import * as v from 'valibot';
import { check, object, type Checked } from '../../schema/issues';
import { exchangesOf, MAX_EXCHANGES, type Conversation, type Exchange } from '../conversation';
import {
  answerSchema,
  count,
  identifier,
  samplingSchema,
  storedAnswer,
  storedSampling,
  text,
  timestamp,
} from './fields';

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

export const conversationFields = {
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

class Malformed extends Error {}

function fail(path: string, problem: string): never {
  throw new Malformed(`${path}: ${problem}`);
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
    sampling: storedSampling(conversation.sampling),
    first: conversation.first?.id ?? null,
    exchanges: exchangesOf(conversation.first).map((exchange) => ({
      id: exchange.id,
      selected: exchange.selected,
      versions: exchange.versions.map((version) => ({
        id: version.id,
        question: version.question,
        askedAt: version.askedAt,
        answer: storedAnswer(version.answer),
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
