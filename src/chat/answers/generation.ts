import type { ChatEngine } from '../../engine/chat-engine';
import { updateVersion, type Conversation, type ExchangeVersion } from '../../conversation/conversation';
import { pendingVersion, placeQuestion, titleFrom, turnsBefore, type Placement } from './answer-request';
import { settleAnswer, type AskedQuestion, type SettleEffects } from './answer-settle';
import { createAnswerStream } from './answer-stream';
import type { LiveAnswer } from './live-answer';
import type { Schedule } from './paced-text';
import type { SendOutcome } from '../types';

/** Shows a change of the conversation on screen, and says when to write it. */
export type ChangeCurrent = (
  update: (conversation: Conversation) => Conversation,
  options: { readonly save: 'soon' | 'now' },
) => void;

/**
 * What generation does to the rest of the store, named: the conversation shown, the chat status and message
 * box (the conversation slice), and the model's state (the model slice). A question is asked in the
 * conversation shown; its answer's updates go to its own conversation, on screen or not (`changeAnswer`).
 */
export interface GenerationEffects extends SettleEffects {
  /** The conversation shown now. */
  readonly current: () => Conversation;
  /** Changes the conversation shown now. */
  readonly changeCurrent: ChangeCurrent;
  /** A sent message: the message box empties and its notice goes. */
  readonly sent: () => void;
  readonly modelIsReady: () => boolean;
}

export interface GenerationDependencies {
  readonly engine: ChatEngine;
  readonly now: () => number;
  readonly newId: () => string;
  /** When a streaming answer's waiting text is shown: at most every 100 ms (`ANSWER_UPDATE_MS`) in the app. */
  readonly schedule: Schedule;
  readonly effects: GenerationEffects;
}

export interface Generation {
  /** Asks `question` at `depth` and streams its answer; anything but `sent` leaves the text unused. */
  start(depth: number, question: string, placement: Placement): SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  stop(): void;
  /** The answer being written, if one is. */
  live(): LiveAnswer | undefined;
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
    (LiveAnswer & { readonly controller: AbortController; readonly flushText: () => void }) | undefined;

  const updateAnswer = (
    asked: AskedQuestion,
    update: (answer: ExchangeVersion['answer']) => ExchangeVersion['answer'],
  ): void =>
    effects.changeAnswer(
      asked,
      (conversation) =>
        updateVersion(conversation, asked.versionId, (version) => ({
          ...version,
          answer: update(version.answer),
        })),
      { save: 'soon', stream: true },
    );

  async function stream(depth: number, asked: AskedQuestion): Promise<void> {
    const conversation = effects.current();
    const controller = new AbortController();
    const answer = createAnswerStream({
      engine,
      schedule,
      isCurrent: () => running === mine,
      onFirstText: () => effects.setStatus('streaming'),
      onText: (text) =>
        updateAnswer(asked, ({ content, createdAt }) => ({
          content: content + text,
          createdAt,
          status: 'streaming',
        })),
    });
    const mine = {
      conversationId: asked.conversationId,
      versionId: asked.versionId,
      controller,
      flushText: answer.flushText,
    };
    running = mine;
    const turns = [...turnsBefore(conversation, depth), { role: 'user' as const, content: asked.question }];
    const outcome = await answer.generate({ turns, params: conversation.sampling }, controller.signal);
    if (running !== mine) return;
    running = undefined;
    settleAnswer(effects, asked, outcome);
  }

  return {
    start(depth, question, placement) {
      if (question.trim() === '') return 'empty';
      if (running) return 'busy';
      if (!effects.modelIsReady()) return 'model-not-ready';
      const askedAt = now();
      const version = pendingVersion(newId(), question, askedAt);
      const { id: conversationId, title } = effects.current();
      const gaveTitle = title === '';
      effects.changeCurrent(
        (conversation) =>
          placeQuestion(conversation, {
            depth,
            version,
            placement,
            newExchangeId: newId,
            ...(gaveTitle ? { title: titleFrom(question) } : {}),
          }),
        { save: 'soon' },
      );
      effects.setStatus('submitted');
      effects.sent();
      void stream(depth, { conversationId, versionId: version.id, question, gaveTitle });
      return 'sent';
    },

    stop() {
      // Its end is written into its own conversation, wherever that is by then: see `changeAnswer`.
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
