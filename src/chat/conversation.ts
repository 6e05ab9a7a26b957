import type { SamplingParams } from '../generation/sampling';
import type { AnswerState } from './types';

/** One question and its answer, as one version of an exchange. */
export interface ExchangeVersion {
  readonly question: string;
  readonly askedAt: number;
  readonly answer: { readonly content: string; readonly createdAt: number } & AnswerState;
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
