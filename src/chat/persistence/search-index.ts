import type { Conversation, ExchangeVersion } from '../../conversation/conversation';
import type { ConversationSummary } from './schemas';
import { excerpt, oneLine } from './summaries';
import { exchangesOf } from '../../conversation/conversation';

/**
 * Search finds any substring, Korean included ("니다" inside "추천합니다"): words cannot be told apart in
 * Korean, where particles and endings are written onto the word. So the index holds, per conversation, every
 * character and every pair of neighbouring characters of its text (normalized as the search text is), in a
 * Bloom filter: a search reads the filters (about 1 KB per 100 characters of a conversation, never the
 * conversations), and only the conversations whose filter holds every pair of the searched text are read to
 * find it and cut the snippet. A filter can say yes wrongly (about 1 in 100 per pair), never no wrongly, so
 * nothing is missed. It is written in the transaction that saves the conversation, and only what changed is
 * added (a streaming answer adds its new text), so saving costs the same whatever the number of conversations.
 *
 * No library does this: MiniSearch and FlexSearch index words (and prefixes), and indexing every pair of
 * every conversation in them would take hundreds of megabytes of memory at 1,000 conversations.
 */
export interface SearchFilter {
  readonly id: string;
  /** The filter's bits; its length in bits is a power of two. */
  readonly bits: Uint8Array;
  /** About how many different characters and pairs it holds; past a share of its size it is rebuilt larger. */
  readonly added: number;
}

const HASHES = 3;
/** Bits per held item when a filter is sized: with 3 hashes, about 1 wrong yes in 100 per pair. */
const BITS_PER_ITEM = 12;
/** A filter holding more than this many items per bit is rebuilt larger (wrong yeses would pass 3 in 100). */
const FULL = 1 / 8;
const SMALLEST_BITS = 1024;

/** Lower case, NFC, runs of white space as one space: how both the text and the searched text are compared. */
function normalize(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').toLowerCase();
}

function mix(value: number): number {
  // The finalizer of MurmurHash3: spreads every input bit over the output.
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Calls `each` with a number for every character (as itself) and every pair of neighbouring characters. */
function forEachGram(text: string, each: (gram: number) => void): void {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    each(((code << 16) | 0xffff) >>> 0);
    if (index + 1 < text.length) each(((code << 16) | text.charCodeAt(index + 1)) >>> 0);
  }
}

/** Sets a gram's bits; true when one of them was not set yet (the gram is new to the filter, or so it seems). */
function add(bits: Uint8Array, gram: number): boolean {
  const mask = bits.length * 8 - 1;
  const first = mix(gram);
  const step = mix(gram ^ 0x9e3779b9) | 1;
  let added = false;
  for (let hash = 0; hash < HASHES; hash += 1) {
    const bit = (first + hash * step) & mask;
    const byte = bit >>> 3;
    const flag = 1 << (bit & 7);
    const old = bits[byte] ?? 0;
    if ((old & flag) === 0) {
      bits[byte] = old | flag;
      added = true;
    }
  }
  return added;
}

function has(bits: Uint8Array, gram: number): boolean {
  const mask = bits.length * 8 - 1;
  const first = mix(gram);
  const step = mix(gram ^ 0x9e3779b9) | 1;
  for (let hash = 0; hash < HASHES; hash += 1) {
    const bit = (first + hash * step) & mask;
    if (((bits[bit >>> 3] ?? 0) & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/**
 * Every version of a conversation in the order search looks at them: each exchange along the selected path
 * (then those left), its shown version before the others.
 */
function* inSearchOrder(
  conversation: Conversation,
): Generator<{ readonly exchangeId: string; readonly index: number; readonly version: ExchangeVersion }> {
  for (const exchange of exchangesOf(conversation.first)) {
    const indexes = exchange.versions.map((_, index) => index);
    for (const index of [exchange.selected, ...indexes.filter((index) => index !== exchange.selected)]) {
      const version = exchange.versions[index];
      if (version) yield { exchangeId: exchange.id, index, version };
    }
  }
}

/** Every text of a conversation that search looks at: its title and every question and answer of every version. */
function textsOf(conversation: Conversation): string[] {
  const texts = [conversation.title];
  for (const { version } of inSearchOrder(conversation)) texts.push(version.question, version.answer.content);
  return texts;
}

function sizedFor(items: number): Uint8Array {
  let bits = SMALLEST_BITS;
  while (bits < items * BITS_PER_ITEM) bits *= 2;
  return new Uint8Array(bits / 8);
}

/** A filter holding the whole conversation, sized for it. */
export function buildFilter(conversation: Conversation): SearchFilter {
  const texts = textsOf(conversation).map(normalize);
  // Different grams are fewer than all of them; the estimate only sizes the filter (a rebuild fixes it later).
  const distinct = new Set<number>();
  for (const text of texts) {
    forEachGram(text, (gram) => {
      if (distinct.size < 1_000_000) distinct.add(gram);
    });
  }
  const bits = sizedFor(distinct.size);
  let added = 0;
  for (const gram of distinct) if (add(bits, gram)) added += 1;
  return { id: conversation.id, bits, added };
}

/**
 * The filter with `texts` added (new text of a conversation); rebuilt from the whole conversation when it gets
 * too full to answer well.
 */
export function addToFilter(
  filter: SearchFilter | undefined,
  texts: readonly string[],
  conversation: Conversation,
): SearchFilter {
  if (!filter) return buildFilter(conversation);
  const bits = filter.bits.slice();
  let added = filter.added;
  for (const text of texts) {
    forEachGram(normalize(text), (gram) => {
      if (add(bits, gram)) added += 1;
    });
  }
  if (added > bits.length * 8 * FULL) return buildFilter(conversation);
  return { id: filter.id, bits, added };
}

/** How much of an answer that grew to look at again: enough to span the join of the old and new text. */
const OVERLAP = 16;

/**
 * The text of a version that is new since `before` (undefined: the version is new): an answer only grows
 * while it streams, so the new end and a little of the old text around the join are enough.
 */
export function newTextOf(version: ExchangeVersion, before: ExchangeVersion | undefined): string[] {
  if (!before || before.question !== version.question) return [version.question, version.answer.content];
  const old = before.answer.content;
  const now = version.answer.content;
  if (old === now) return [];
  const tail = old.slice(-OVERLAP);
  const grew = now.length >= old.length && now.slice(old.length - tail.length, old.length) === tail;
  if (!grew) return [now];
  let from = Math.max(0, old.length - OVERLAP);
  // Start on a character that is neither space nor the second half of an emoji, so the join normalizes alike.
  while (from > 0 && /[\s\udc00-\udfff]/.test(now.charAt(from))) from -= 1;
  return [now.slice(from)];
}

/** The grams of a searched text: its pairs of characters, or itself if one character (none if blank). */
export function searchedGrams(needle: string): number[] {
  const grams = new Set<number>();
  if (needle.length === 1) forEachGram(needle, (gram) => grams.add(gram));
  else {
    for (let index = 0; index + 1 < needle.length; index += 1) {
      grams.add(((needle.charCodeAt(index) << 16) | needle.charCodeAt(index + 1)) >>> 0);
    }
  }
  return [...grams];
}

/** Whether the conversation may hold the text whose grams these are (no: it surely does not). */
export function mayHold(filter: SearchFilter, grams: readonly number[]): boolean {
  return grams.every((gram) => has(filter.bits, gram));
}

/** The searched text as compared: one line, lower case. */
export function searchedText(query: string): string {
  return oneLine(query).toLowerCase();
}

export interface SearchHit extends ConversationSummary {
  /** The found text with some of what surrounds it, on one line; `…` marks a cut. */
  readonly snippet: string;
  /** Where the text was found first: the selected path is looked at before the versions that were left. */
  readonly match:
    | { readonly in: 'title' }
    | { readonly in: 'question' | 'answer'; readonly exchangeId: string; readonly version: number };
}

/**
 * How much of the text around a match a snippet keeps. The list shows about twenty Korean characters of it on
 * one line: the match starts within them, and what could never be seen is not laid out (shaping new Korean
 * text is what laying out fifty hits costs).
 */
const SNIPPET_BEFORE = 8;
const SNIPPET_AFTER = 24;

function snippetOf(value: string, needle: string): string | undefined {
  const line = oneLine(value);
  const lower = line.toLowerCase();
  const at = lower.indexOf(needle);
  if (at < 0) return undefined;
  // Lower-casing changed the length (a rare letter such as İ), so the index only fits the lower-cased text.
  const source = lower.length === line.length ? line : lower;
  let from = Math.max(0, at - SNIPPET_BEFORE);
  // From the start of a word where one starts close enough before the match.
  const space = from > 0 ? source.indexOf(' ', from - 1) : -1;
  if (space >= 0 && space < at) from = space + 1;
  return excerpt(source, from, Math.min(source.length, at + needle.length + SNIPPET_AFTER));
}

/** Where each version of a search text is: two lines each (question, answer), in the order of the text. */
export interface SearchPlaces {
  readonly exchangeIds: readonly string[];
  /** The version's place among its exchange's versions. */
  readonly versions: readonly number[];
}

/**
 * A conversation's text as search looks through it: every question and answer on a line of its own (as
 * `oneLine` gives it), in search order. Kept per conversation so a search for a word in many conversations
 * reads a small record of each instead of its header and versions (see `SearchHead`). The title is the
 * summary's.
 */
export interface SearchText extends SearchPlaces {
  readonly id: string;
  /** The conversation's when the text was written: the text counts only while its summary has the same. */
  readonly updatedAt: number;
  readonly text: string;
}

/**
 * The start of a search text, which a search reads first, and the newest together in one request: a word
 * found in many conversations is nearly always found there, so the rest is read only where it is not.
 */
export interface SearchHead extends SearchPlaces {
  readonly id: string;
  readonly updatedAt: number;
  readonly head: string;
  /** The head is the whole text (no record of the whole is kept). */
  readonly whole: boolean;
}

/** About a screenful of text: the first question and answer, or the start of them. */
const HEAD_LENGTH = 1000;

export function searchTextOf(conversation: Conversation): SearchText {
  const lines: string[] = [];
  const exchangeIds: string[] = [];
  const versions: number[] = [];
  for (const { exchangeId, index, version } of inSearchOrder(conversation)) {
    lines.push(oneLine(version.question), oneLine(version.answer.content));
    exchangeIds.push(exchangeId);
    versions.push(index);
  }
  return {
    id: conversation.id,
    updatedAt: conversation.updatedAt,
    text: lines.join('\n'),
    exchangeIds,
    versions,
  };
}

export function headOf({ id, updatedAt, text, exchangeIds, versions }: SearchText): SearchHead {
  const whole = text.length <= HEAD_LENGTH;
  return { id, updatedAt, head: whole ? text : text.slice(0, HEAD_LENGTH), whole, exchangeIds, versions };
}

/** The line of `text` that holds `index`, as its start and end. */
function lineAround(text: string, index: number): readonly [number, number] {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const end = text.indexOf('\n', index);
  return [start, end < 0 ? text.length : end];
}

/**
 * Where `needle` (as `searchedText` gives it) is found first, with a snippet: in the title, or in a search text
 * (whose places say where each line is from).
 */
export function findIn(
  summary: ConversationSummary,
  needle: string,
  text: string,
  places: SearchPlaces,
): SearchHit | undefined {
  const inTitle = snippetOf(summary.title, needle);
  if (inTitle !== undefined) return { ...summary, snippet: inTitle, match: { in: 'title' } };
  const lower = text.toLowerCase();
  const at = lower.indexOf(needle);
  if (at < 0) return undefined;
  // Lower-casing may change a length (a rare letter such as İ): lines are counted in the lower-cased text.
  const [start, end] = lineAround(lower, at);
  let line = 0;
  for (let next = lower.indexOf('\n'); next >= 0 && next < start; next = lower.indexOf('\n', next + 1))
    line += 1;
  const source = lower.length === text.length ? text : lower;
  const snippet = snippetOf(source.slice(start, end), needle);
  const exchangeId = places.exchangeIds[line >> 1];
  const version = places.versions[line >> 1];
  if (snippet === undefined || exchangeId === undefined || version === undefined) return undefined;
  return { ...summary, snippet, match: { in: line % 2 === 0 ? 'question' : 'answer', exchangeId, version } };
}

/**
 * As `findIn`, from a head: `further` when the head does not have it, or has it too close to its end for the
 * snippet; then the whole text is read.
 */
export function findInHead(
  summary: ConversationSummary,
  needle: string,
  head: SearchHead,
): SearchHit | 'further' | undefined {
  if (!head.whole && snippetOf(summary.title, needle) === undefined) {
    const at = head.head.toLowerCase().indexOf(needle);
    if (at < 0 || at + needle.length + SNIPPET_AFTER > head.head.length) return 'further';
  }
  return findIn(summary, needle, head.head, head);
}
