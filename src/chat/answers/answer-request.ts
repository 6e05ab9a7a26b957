import type { ChatTurn } from '../../engine/protocol';
import {
  activePath,
  addVersion,
  updateAt,
  type Conversation,
  type Exchange,
  type ExchangeVersion,
} from '../../conversation/conversation';

const TITLE_LENGTH = 40;

/** A new conversation's title: the first line of its first question, cut at 40 characters. */
export function titleFrom(question: string): string {
  const line = question.trim().split('\n')[0] ?? '';
  const chars = Array.from(line);
  return chars.length > TITLE_LENGTH ? `${chars.slice(0, TITLE_LENGTH).join('')}…` : line;
}

/** Where a new question goes: a new exchange after the path, or a new version of the exchange at `depth`. */
export type Placement = 'new-exchange' | 'new-version';

/** A question just asked, its answer not begun. */
export function pendingVersion(id: string, question: string, askedAt: number): ExchangeVersion {
  return {
    id,
    question,
    askedAt,
    answer: { content: '', createdAt: askedAt, status: 'pending' },
    next: undefined,
  };
}

/**
 * The conversation with `version` placed at `depth`: a new exchange (whose id `newExchangeId` gives) or a new
 * version of the exchange there, selected. `title`: the title the question gives the conversation, if any.
 */
export function placeQuestion(
  conversation: Conversation,
  {
    depth,
    version,
    placement,
    title,
    newExchangeId,
  }: {
    readonly depth: number;
    readonly version: ExchangeVersion;
    readonly placement: Placement;
    readonly title?: string;
    readonly newExchangeId: () => string;
  },
): Conversation {
  const placed =
    placement === 'new-exchange'
      ? updateAt(conversation, depth, (): Exchange => ({
          id: newExchangeId(),
          versions: [version],
          selected: 0,
        }))
      : updateAt(conversation, depth, (exchange) => exchange && addVersion(exchange, version));
  return title === undefined ? placed : { ...placed, title };
}

/**
 * The turns the answer at `depth` is generated from: the exchanges above it, without failed ones, each
 * answer with the ids of the version shown (none if it has none). Those ids are this version's alone, kept
 * with its text when it settled, so a regenerated or edited exchange, or another version shown, sends the
 * ids of the text it sends; the engine checks them against the text and encodes the text when they do not
 * fit. Every exchange is sent, with its ids, whatever an earlier answer left out: the engine fits the
 * window, so the request, and what is fed for it, is the same after a reload.
 */
export function turnsBefore(conversation: Conversation, depth: number): ChatTurn[] {
  return activePath(conversation)
    .slice(0, depth)
    .filter(({ version }) => version.answer.status !== 'failed')
    .flatMap(({ version }) => [
      { role: 'user' as const, content: version.question },
      {
        role: 'assistant' as const,
        content: version.answer.content,
        ...(version.tokens ? { tokens: version.tokens } : {}),
      },
    ]);
}
