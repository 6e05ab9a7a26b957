import type { EngineErrorInfo, ExchangeTokens, GenerationUsage } from '../engine/protocol';
import type { SamplingParams } from '../generation/sampling';

/** Where an answer is: still coming, finished (by the model or by the token limit), stopped, or failed. */
export type AnswerState =
  | { readonly status: 'pending' }
  | { readonly status: 'streaming' }
  | {
      readonly status: 'complete';
      readonly truncated: boolean;
      readonly usage: GenerationUsage;
      /** Earlier turns the answer was generated without, because the context window was full. */
      readonly droppedTurns: number;
    }
  | {
      readonly status: 'stopped';
      readonly usage: GenerationUsage;
      readonly droppedTurns: number;
      /** Stopped by a reload or crash mid-answer rather than by the user. */
      readonly interrupted?: true;
    }
  | { readonly status: 'failed'; readonly error: EngineErrorInfo };

/** One question and its answer, as one version of an exchange. */
export interface ExchangeVersion {
  /** Unique within the conversation; it names the version's record in storage. */
  readonly id: string;
  readonly question: string;
  readonly askedAt: number;
  readonly answer: { readonly content: string; readonly createdAt: number } & AnswerState;
  /**
   * The ids the engine reported for this answer when it settled (its question's and its answer's, whatever
   * ended it: Stop, a turn header the model began), sent back with the answer on later turns so the model
   * is fed what it drew. They belong to this version's text alone: a new version (regenerate, edit) has
   * its own, and an answer that never settled, or was kept before ids were, or came from a backup, has none
   * (the engine then encodes its text).
   */
  readonly tokens?: ExchangeTokens;
  /** The exchange that followed this version, if the conversation went on from it. */
  readonly next: Exchange | undefined;
}

/**
 * A place in the conversation with every version it has had: editing the question or regenerating the
 * answer adds a version (the old ones, and whatever followed them, are kept and can be browsed).
 */
export interface Exchange {
  readonly id: string;
  readonly versions: readonly ExchangeVersion[];
  readonly selected: number;
}

export interface Conversation {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sampling: SamplingParams;
  readonly first: Exchange | undefined;
}

/** The exchanges on the selected path, in order, with the version shown for each. */
export function activePath(conversation: Conversation): { exchange: Exchange; version: ExchangeVersion }[] {
  const path: { exchange: Exchange; version: ExchangeVersion }[] = [];
  for (let exchange = conversation.first; exchange;) {
    const version = exchange.versions[exchange.selected];
    if (!version) break;
    path.push({ exchange, version });
    exchange = version.next;
  }
  return path;
}

/**
 * Rebuilds the path from the root with `change` applied to the exchange at `depth` (0 = first). Exchanges are
 * immutable, so every exchange above the changed one is copied with its selected version pointing at the copy.
 */
export function updateAt(
  conversation: Conversation,
  depth: number,
  change: (exchange: Exchange | undefined) => Exchange | undefined,
): Conversation {
  const rebuild = (exchange: Exchange | undefined, level: number): Exchange | undefined => {
    if (level === depth) return change(exchange);
    if (!exchange) throw new RangeError(`No exchange at depth ${level} on the selected path.`);
    const version = exchange.versions[exchange.selected];
    if (!version) throw new RangeError(`Exchange ${exchange.id} has no selected version.`);
    const versions = exchange.versions.with(exchange.selected, {
      ...version,
      next: rebuild(version.next, level + 1),
    });
    return { ...exchange, versions };
  };
  return { ...conversation, first: rebuild(conversation.first, 0) };
}

/** Adds a new version to an exchange and selects it. */
export function addVersion(exchange: Exchange, version: ExchangeVersion): Exchange {
  return { ...exchange, versions: [...exchange.versions, version], selected: exchange.versions.length };
}

/**
 * Rebuilds the tree with `change` applied to the exchange that holds the version with this id, wherever it is
 * (on the selected path or not); `change` is given the version's index. The conversation is returned as it is
 * when no version has that id. Nothing here recurses.
 */
export function updateExchangeOf(
  conversation: Conversation,
  versionId: string,
  change: (exchange: Exchange, index: number) => Exchange,
): Conversation {
  const above = new Map<Exchange, { readonly exchange: Exchange; readonly index: number }>();
  let found: { exchange: Exchange; index: number } | undefined;
  for (const stack = conversation.first ? [conversation.first] : []; stack.length > 0 && !found;) {
    const exchange = stack.pop();
    if (!exchange) break;
    for (const [index, version] of exchange.versions.entries()) {
      if (version.id === versionId) found = { exchange, index };
      if (version.next) {
        above.set(version.next, { exchange, index });
        stack.push(version.next);
      }
    }
  }
  if (!found) return conversation;
  let exchange = change(found.exchange, found.index);
  for (
    let old = found.exchange, parent = above.get(old);
    parent;
    old = parent.exchange, parent = above.get(old)
  ) {
    const version = parent.exchange.versions[parent.index];
    if (!version) break;
    exchange = {
      ...parent.exchange,
      versions: parent.exchange.versions.with(parent.index, { ...version, next: exchange }),
    };
  }
  return { ...conversation, first: exchange };
}

/** Rebuilds the tree with `change` applied to the version with this id, wherever it is. */
export function updateVersion(
  conversation: Conversation,
  versionId: string,
  change: (version: ExchangeVersion) => ExchangeVersion,
): Conversation {
  return updateExchangeOf(conversation, versionId, (exchange, index) => {
    const version = exchange.versions[index];
    return version ? { ...exchange, versions: exchange.versions.with(index, change(version)) } : exchange;
  });
}

/** The version with this id, wherever it is in the tree. */
export function findVersion(conversation: Conversation, versionId: string): ExchangeVersion | undefined {
  for (const stack = conversation.first ? [conversation.first] : []; stack.length > 0;) {
    const exchange = stack.pop();
    for (const version of exchange?.versions ?? []) {
      if (version.id === versionId) return version;
      if (version.next) stack.push(version.next);
    }
  }
  return undefined;
}

/**
 * The most exchanges one conversation may have. Far beyond a real chat, it keeps a hostile file from taking
 * the page's memory, and the selected path short enough for `updateAt`, which recurses once per exchange.
 */
export const MAX_EXCHANGES = 5000;

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
