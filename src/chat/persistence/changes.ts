import type { SamplingParams } from '../../generation/sampling';
import type { Conversation, ExchangeVersion } from '../../conversation/conversation';
import type { HeaderRecord, Place, VersionRecord } from '../../conversation/formats/records';
import { newTextOf } from './search-index';
import {
  headerOf,
  selectionsOf,
  versionRecord,
  versionsWithPlaces,
} from '../../conversation/formats/records';

/**
 * What a tab changed in a conversation's header. Applied to the stored header in the transaction that reads
 * it, so fields another tab changed meanwhile (a title, a selection elsewhere) stay as that tab left them.
 */
export interface HeaderPatch {
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly title?: string;
  readonly sampling?: SamplingParams;
  /** Places whose shown version changed: the version now shown, or null for "the newest". */
  readonly selected: Readonly<Record<Place, string | null>>;
}

export interface ConversationChanges {
  readonly header: HeaderPatch;
  /** The versions that are new or whose answer (or its ids) changed, as records. */
  readonly put: readonly VersionRecord[];
  /** The ids of versions that were taken back. */
  readonly removed: readonly string[];
  /** Text that is new in the conversation, for the search index. */
  readonly newText: readonly string[];
}

/**
 * What changed from `previous` (the conversation as this tab last read or saved it; undefined if it never was)
 * to `next`, or undefined when nothing did. Versions are compared by their fields: the tree is immutable, so a
 * version no one changed keeps the very same answer object.
 */
export function changesBetween(
  previous: Conversation | undefined,
  next: Conversation,
  writer: string,
): ConversationChanges | undefined {
  const before = new Map<string, { version: ExchangeVersion; after: string | null }>();
  if (previous) {
    for (const { version, after } of versionsWithPlaces(previous)) before.set(version.id, { version, after });
  }
  const put: VersionRecord[] = [];
  const newText: string[] = [];
  const present = new Set<string>();
  for (const { version, exchange, after } of versionsWithPlaces(next)) {
    present.add(version.id);
    const old = before.get(version.id);
    const same =
      old !== undefined &&
      old.after === after &&
      old.version.question === version.question &&
      old.version.askedAt === version.askedAt &&
      old.version.answer === version.answer &&
      old.version.tokens === version.tokens;
    if (same) continue;
    put.push(versionRecord(next.id, exchange, version, after, writer));
    newText.push(...newTextOf(version, old?.version));
  }
  const removed = [...before.keys()].filter((id) => !present.has(id));

  const header = headerPatch(previous, next);
  if (header.title !== undefined) newText.push(header.title);
  const headerChanged =
    previous === undefined ||
    header.title !== undefined ||
    header.sampling !== undefined ||
    header.updatedAt !== previous.updatedAt ||
    Object.keys(header.selected).length > 0;
  if (!headerChanged && put.length === 0 && removed.length === 0) return undefined;
  return { header, put, removed, newText };
}

function headerPatch(previous: Conversation | undefined, next: Conversation): HeaderPatch {
  const now = selectionsOf(next);
  if (!previous) {
    const { createdAt, updatedAt, title, sampling } = headerOf(next);
    return { createdAt, updatedAt, title, sampling, selected: now };
  }
  const then = selectionsOf(previous);
  const selected: Record<Place, string | null> = {};
  for (const place of new Set([...Object.keys(then), ...Object.keys(now)])) {
    if (then[place] !== now[place]) selected[place] = now[place] ?? null;
  }
  return {
    createdAt: next.createdAt,
    updatedAt: next.updatedAt,
    ...(next.title === previous.title ? {} : { title: next.title }),
    ...(next.sampling === previous.sampling ? {} : { sampling: next.sampling }),
    selected,
  };
}

/** The stored header with a tab's changes: its time only ever moves forward. */
export function applyPatch(stored: HeaderRecord, patch: HeaderPatch): HeaderRecord {
  const changed = new Set(Object.keys(patch.selected));
  const selected = Object.fromEntries([
    ...Object.entries(stored.selected).filter(([place]) => !changed.has(place)),
    ...Object.entries(patch.selected).filter((entry): entry is [string, string] => entry[1] !== null),
  ]);
  return {
    ...stored,
    title: patch.title ?? stored.title,
    sampling: patch.sampling ?? stored.sampling,
    updatedAt: Math.max(stored.updatedAt, patch.updatedAt),
    selected,
  };
}
