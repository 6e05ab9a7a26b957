import type { GenerationUsage } from '../engine/protocol';
import type { Conversation, Exchange, ExchangeVersion } from './conversation';
import type { AnswerState } from './conversation';
import { exchangesOf } from './conversation';

type Answer = ExchangeVersion['answer'];

/** An answer's statistics when it has none (it was cut off before its end was reported). */
export const zeroUsage: GenerationUsage = {
  promptTokens: 0,
  completionTokens: 0,
  prefillTokensPerSecond: 0,
  decodeTokensPerSecond: 0,
  timeToFirstTokenMs: 0,
  totalMs: 0,
};

export function isUnsettled(answer: Answer): boolean {
  return answer.status === 'pending' || answer.status === 'streaming';
}

/**
 * An answer nothing will ever finish (its tab closed or crashed) as a stopped one flagged `interrupted`, its text
 * kept; any other answer as it is.
 */
export function interrupted(answer: Answer): Answer {
  if (!isUnsettled(answer)) return answer;
  const stopped: Extract<AnswerState, { status: 'stopped' }> = {
    status: 'stopped',
    usage: zeroUsage,
    droppedTurns: 0,
    interrupted: true,
  };
  return { content: answer.content, createdAt: answer.createdAt, ...stopped };
}

/**
 * An answer that will never be finished because its conversation was deleted while it was written (and its
 * writer stopped), as a stopped one, its text kept: not interrupted, since no reload or crash ended it.
 */
export function abandoned(answer: Answer): Answer {
  if (!isUnsettled(answer)) return answer;
  return {
    content: answer.content,
    createdAt: answer.createdAt,
    status: 'stopped',
    usage: zeroUsage,
    droppedTurns: 0,
  };
}

/**
 * The conversation with every answer replaced by `settle`'s. Exchanges it changed nothing in are shared with
 * the input, which is returned as is when nothing changed.
 */
function settleAll(conversation: Conversation, settle: (answer: Answer) => Answer): Conversation {
  const replaced = new Map<Exchange, Exchange>();
  for (const exchange of exchangesOf(conversation.first).reverse()) {
    const versions = exchange.versions.map((version) => {
      const next = version.next && (replaced.get(version.next) ?? version.next);
      const answer = settle(version.answer);
      return next === version.next && answer === version.answer ? version : { ...version, answer, next };
    });
    if (versions.some((version, index) => version !== exchange.versions[index])) {
      replaced.set(exchange, { ...exchange, versions });
    }
  }
  const first = conversation.first && replaced.get(conversation.first);
  return first ? { ...conversation, first } : conversation;
}

/**
 * Marks every answer still pending or streaming as interrupted: for a conversation read from a backup, where
 * nothing can still be writing it. Exchanges without such an answer are shared with the input, which is
 * returned as is when nothing changed.
 */
export function markInterrupted(conversation: Conversation): Conversation {
  return settleAll(conversation, interrupted);
}

/**
 * Marks every answer still pending or streaming as stopped: for a deleted conversation brought back, which
 * nothing can still be writing (the delete stopped its answer, in whichever tab wrote it). Shares what it
 * did not change, as `markInterrupted`.
 */
export function markAbandoned(conversation: Conversation): Conversation {
  return settleAll(conversation, abandoned);
}
