import { toErrorInfo, type ChatEngine } from '../engine/chat-engine';
import { hasTrait } from '../engine/error-codes';
import {
  isExchangeTokens,
  type ChatTurn,
  type EngineErrorInfo,
  type ExchangeTokens,
  type GenerationResult,
} from '../engine/protocol';
import {
  activePath,
  addVersion,
  findVersion,
  updateAt,
  updateExchangeOf,
  updateVersion,
  type Conversation,
  type Exchange,
  type ExchangeVersion,
} from '../conversation/conversation';
import { textBatch, type Schedule } from './paced-text';
import type { AnswerState } from '../conversation/conversation';
import type { ChatStatus, SendOutcome } from './types';

const TITLE_LENGTH = 40;

export function titleFrom(question: string): string {
  const line = question.trim().split('\n')[0] ?? '';
  const chars = Array.from(line);
  return chars.length > TITLE_LENGTH ? `${chars.slice(0, TITLE_LENGTH).join('')}…` : line;
}

/**
 * The turns the answer at `depth` is generated from: the exchanges above it, without failed ones, each
 * answer with the ids of the version shown (none if it has none). Those ids are this version's alone, kept
 * with its text when it settled, so a regenerated or edited exchange, or another version shown, sends the
 * ids of the text it sends; the engine checks them against the text and encodes the text when they do not
 * fit. Every exchange is sent, with its ids, whatever an earlier answer left out: the engine fits the
 * window, so the request, and what is fed for it, is the same after a reload.
 */
function turnsBefore(conversation: Conversation, depth: number): ChatTurn[] {
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

function settledState(result: GenerationResult): AnswerState {
  return result.finishReason === 'aborted'
    ? { status: 'stopped', usage: result.usage, droppedTurns: result.droppedTurns }
    : {
        status: 'complete',
        truncated: result.finishReason === 'length',
        usage: result.usage,
        droppedTurns: result.droppedTurns,
      };
}

/**
 * What generation does to the rest of the store, named: the conversation shown, the chat status and message
 * box (the conversation slice), and the model's state (the model slice).
 */
export interface GenerationEffects {
  /** The conversation shown now. */
  readonly current: () => Conversation;
  /**
   * Shows a change of the current conversation; `save` says when to write it: `soon` (throttled, while text
   * streams) or `now`. `stream` marks the answer's own growth, which never undoes another tab's change.
   */
  readonly change: (
    update: (conversation: Conversation) => Conversation,
    options: { readonly save: 'soon' | 'now'; readonly stream?: boolean },
  ) => void;
  readonly setStatus: (status: ChatStatus) => void;
  /** A sent message: the message box empties and its notice goes. */
  readonly sent: () => void;
  /** A message the model cannot take comes back to the message box, with why. */
  readonly returned: (question: string, detail: string) => void;
  readonly modelIsReady: () => boolean;
  /** The answer failed in a way that took the model with it: it has to be loaded again. */
  readonly modelGone: (error: EngineErrorInfo) => void;
}

export interface GenerationDependencies {
  readonly engine: ChatEngine;
  readonly now: () => number;
  readonly newId: () => string;
  /** When a streaming answer's waiting text is shown: at most every 100 ms (`ANSWER_UPDATE_MS`) in the app. */
  readonly schedule: Schedule;
  readonly effects: GenerationEffects;
}

/** Where a new question goes: a new exchange after the path, or a new version of the exchange at `depth`. */
export type Placement = 'new-exchange' | 'new-version';

export interface Generation {
  /** Asks `question` at `depth` and streams its answer; anything but `sent` leaves the text unused. */
  start(depth: number, question: string, placement: Placement): SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  stop(): void;
  /** The answer being written, if one is. */
  live(): { readonly conversationId: string; readonly versionId: string } | undefined;
  /** Shows (and so saves) the text that arrived and waits for the next frame: the page is going away. */
  flushText(): void;
}

/** One answer at a time: asking, streaming it into its version, and how it ends. */
export function createGeneration({
  engine,
  now,
  newId,
  schedule,
  effects,
}: GenerationDependencies): Generation {
  let running:
    | {
        readonly conversationId: string;
        readonly versionId: string;
        readonly controller: AbortController;
        readonly flushText: () => void;
      }
    | undefined;

  const updateAnswer = (
    versionId: string,
    update: (answer: ExchangeVersion['answer']) => ExchangeVersion['answer'],
    options: { readonly save: 'soon' | 'now'; readonly stream?: boolean },
  ): void =>
    effects.change(
      (conversation) =>
        updateVersion(conversation, versionId, (version) => ({ ...version, answer: update(version.answer) })),
      options,
    );

  /**
   * A message too long for the context window never joins the conversation: its version (or the exchange it
   * added) is taken back, also from storage, and so is the title it gave a new conversation; the text
   * returns to the message box with a notice.
   */
  function takeBack(versionId: string, question: string, detail: string, gaveTitle: boolean): void {
    effects.change(
      (conversation) => {
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
      },
      { save: 'now' },
    );
    effects.returned(question, detail);
  }

  async function stream(
    depth: number,
    question: string,
    versionId: string,
    gaveTitle: boolean,
  ): Promise<void> {
    const conversation = effects.current();
    const controller = new AbortController();
    const arrived = textBatch((text) => {
      if (running !== mine) return;
      updateAnswer(
        versionId,
        ({ content, createdAt }) => ({ content: content + text, createdAt, status: 'streaming' }),
        { save: 'soon', stream: true },
      );
    }, schedule);
    const mine = { conversationId: conversation.id, versionId, controller, flushText: arrived.flush };
    running = mine;
    const turns = [...turnsBefore(conversation, depth), { role: 'user' as const, content: question }];
    let answer: AnswerState;
    let tokens: ExchangeTokens | undefined;
    let streamed = false;
    try {
      const result = await engine.generate(
        { turns, params: conversation.sampling },
        {
          signal: controller.signal,
          onDelta: (text) => {
            if (running !== mine) return;
            if (!streamed) effects.setStatus('streaming');
            streamed = true;
            arrived.push(text);
          },
        },
      );
      answer = settledState(result);
      // Kept only if a request can carry them: the worker refuses a request with an id it cannot read.
      tokens = isExchangeTokens(result.tokens) ? result.tokens : undefined;
    } catch (error) {
      answer = { status: 'failed', error: toErrorInfo(error) };
    }
    arrived.flush();
    if (running !== mine) return;
    running = undefined;
    if (answer.status === 'failed' && answer.error.code === 'context-window-exceeded') {
      takeBack(versionId, question, answer.error.message, gaveTitle);
      return;
    }
    // The ids go with the text they were reported for, in the same change and the same record.
    effects.change(
      (current) =>
        updateVersion(current, versionId, ({ tokens: _none, ...version }) => ({
          ...version,
          answer: { content: version.answer.content, createdAt: version.answer.createdAt, ...answer },
          ...(tokens ? { tokens } : {}),
        })),
      { save: 'now' },
    );
    effects.setStatus('ready');
    // The conversation stays; the model has to come back before the next answer.
    if (answer.status === 'failed' && hasTrait(answer.error.code, 'model-gone'))
      effects.modelGone(answer.error);
  }

  return {
    start(depth, question, placement) {
      if (question.trim() === '') return 'empty';
      if (running) return 'busy';
      if (!effects.modelIsReady()) return 'model-not-ready';
      const askedAt = now();
      const version: ExchangeVersion = {
        id: newId(),
        question,
        askedAt,
        answer: { content: '', createdAt: askedAt, status: 'pending' },
        next: undefined,
      };
      const gaveTitle = effects.current().title === '';
      effects.change(
        (conversation) => {
          const placed =
            placement === 'new-exchange'
              ? updateAt(conversation, depth, (): Exchange => ({
                  id: newId(),
                  versions: [version],
                  selected: 0,
                }))
              : updateAt(conversation, depth, (exchange) => exchange && addVersion(exchange, version));
          return gaveTitle ? { ...placed, title: titleFrom(question) } : placed;
        },
        { save: 'soon' },
      );
      effects.setStatus('submitted');
      effects.sent();
      void stream(depth, question, version.id, gaveTitle);
      return 'sent';
    },

    stop() {
      running?.controller.abort();
    },

    live() {
      return running && { conversationId: running.conversationId, versionId: running.versionId };
    },

    flushText() {
      running?.flushText();
    },
  };
}

/** The conversation `fresh` (as another tab left it) with this tab's answer in progress put back in, shown. */
export function withLiveAnswer(
  fresh: Conversation,
  shown: Conversation,
  live: ReturnType<Generation['live']>,
): Conversation | undefined {
  if (!live || live.conversationId !== fresh.id) return fresh;
  const mine = findVersion(shown, live.versionId);
  if (!mine || !findVersion(fresh, live.versionId)) return undefined;
  return updateExchangeOf(fresh, live.versionId, (exchange, index) => {
    const version = exchange.versions[index];
    if (!version) return exchange;
    // The answer is this tab's, and so are its ids (none while it streams): never the stored copy's.
    const { tokens: _stored, ...rest } = version;
    const live: ExchangeVersion = {
      ...rest,
      answer: mine.answer,
      ...(mine.tokens ? { tokens: mine.tokens } : {}),
    };
    return { ...exchange, versions: exchange.versions.with(index, live), selected: index };
  });
}
