import { toErrorInfo } from '../../engine/chat-engine';
import { hasTrait } from '../../engine/error-codes';
import {
  isExchangeTokens,
  type EngineErrorInfo,
  type ExchangeTokens,
  type GenerationResult,
} from '../../engine/protocol';
import {
  activePath,
  updateAt,
  updateVersion,
  type AnswerState,
  type Conversation,
} from '../../conversation/conversation';
import type { LiveAnswer } from './live-answer';
import type { ChatStatus } from '../types';

/** How an answer ended, and the ids the engine reported for its text (only ids a request can carry). */
export interface AnswerOutcome {
  readonly answer: AnswerState;
  readonly tokens: ExchangeTokens | undefined;
}

/** The outcome of an answer the engine finished: complete (maybe cut at its length) or stopped. */
export function outcomeOf(result: GenerationResult): AnswerOutcome {
  return {
    answer:
      result.finishReason === 'aborted'
        ? { status: 'stopped', usage: result.usage, droppedTurns: result.droppedTurns }
        : {
            status: 'complete',
            truncated: result.finishReason === 'length',
            usage: result.usage,
            droppedTurns: result.droppedTurns,
          },
    // Kept only if a request can carry them: the worker refuses a request with an id it cannot read.
    tokens: isExchangeTokens(result.tokens) ? result.tokens : undefined,
  };
}

/** The outcome of an answer the engine failed. */
export function failedOutcome(error: unknown): AnswerOutcome {
  return { answer: { status: 'failed', error: toErrorInfo(error) }, tokens: undefined };
}

/**
 * The conversation without the version `versionId` (or the exchange it added, if it was the only one), and
 * without the title it gave the conversation when `gaveTitle`.
 */
export function withoutVersion(
  conversation: Conversation,
  versionId: string,
  gaveTitle: boolean,
): Conversation {
  const path = activePath(conversation);
  const depth = path.findIndex(({ exchange }) => exchange.versions.some(({ id }) => id === versionId));
  const without =
    depth < 0
      ? conversation
      : updateAt(conversation, depth, (exchange) => {
          if (!exchange || exchange.versions.length <= 1) return undefined;
          const versions = exchange.versions.filter(({ id }) => id !== versionId);
          return { ...exchange, versions, selected: versions.length - 1 };
        });
  return gaveTitle ? { ...without, title: '' } : without;
}

/** The conversation with the answer of `versionId` settled: its text kept, its ids those of the outcome. */
export function withSettledAnswer(
  conversation: Conversation,
  versionId: string,
  { answer, tokens }: AnswerOutcome,
): Conversation {
  // The ids go with the text they were reported for, in the same change and the same record.
  return updateVersion(conversation, versionId, ({ tokens: _none, ...version }) => ({
    ...version,
    answer: { content: version.answer.content, createdAt: version.answer.createdAt, ...answer },
    ...(tokens ? { tokens } : {}),
  }));
}

/**
 * Changes the conversation an answer belongs to, wherever it is now (on screen, or left while the answer was
 * written), and says when to write it.
 */
export type ChangeAnswer = (
  answer: LiveAnswer,
  update: (conversation: Conversation) => Conversation,
  /** `soon`: throttled, while text streams. `stream` marks the answer's own growth, which never undoes another tab's change. */
  options: { readonly save: 'soon' | 'now'; readonly stream?: boolean },
) => void;

/** What settling an answer does to the rest of the store. */
export interface SettleEffects {
  readonly changeAnswer: ChangeAnswer;
  readonly setStatus: (status: ChatStatus) => void;
  /** A message the model cannot take comes back to the message box, with why. */
  readonly returned: (question: string, detail: string) => void;
  /** The answer failed in a way that took the model with it: it has to be loaded again. */
  readonly modelGone: (error: EngineErrorInfo) => void;
}

/** The question an answer was asked for, and where it went: its conversation and its version. */
export interface AskedQuestion extends LiveAnswer {
  readonly question: string;
  /** The question gave the conversation its title. */
  readonly gaveTitle: boolean;
}

/**
 * Writes how an answer ended. A message too long for the context window never joins the conversation: its
 * version (or the exchange it added) is taken back, also from storage, and so is the title it gave a new
 * conversation; the text returns to the message box with a notice.
 */
export function settleAnswer(effects: SettleEffects, asked: AskedQuestion, outcome: AnswerOutcome): void {
  const { versionId, question, gaveTitle } = asked;
  const { answer } = outcome;
  if (answer.status === 'failed' && answer.error.code === 'context-window-exceeded') {
    effects.changeAnswer(asked, (conversation) => withoutVersion(conversation, versionId, gaveTitle), {
      save: 'now',
    });
    effects.returned(question, answer.error.message);
    return;
  }
  effects.changeAnswer(asked, (conversation) => withSettledAnswer(conversation, versionId, outcome), {
    save: 'now',
  });
  effects.setStatus('ready');
  // The conversation stays; the model has to come back before the next answer.
  if (answer.status === 'failed' && hasTrait(answer.error.code, 'model-gone'))
    effects.modelGone(answer.error);
}
