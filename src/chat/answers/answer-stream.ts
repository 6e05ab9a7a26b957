import type { ChatEngine, GenerateRequest } from '../../engine/chat-engine';
import { failedOutcome, outcomeOf, type AnswerOutcome } from './answer-settle';
import { textBatch, type Schedule } from './paced-text';

export interface AnswerStreamDependencies {
  readonly engine: ChatEngine;
  /** When the waiting text is shown: at most every 100 ms (`ANSWER_UPDATE_MS`) in the app. */
  readonly schedule: Schedule;
  /** Whether this stream is still the answer being written: the text of one that is not is dropped. */
  readonly isCurrent: () => boolean;
  /** The first piece of text arrived. */
  readonly onFirstText: () => void;
  /** Text to add to the answer: the pieces that arrived between two scheduled turns, joined. */
  readonly onText: (text: string) => void;
}

/** One answer's text as it arrives, shown at the pace of the schedule. */
export interface AnswerStream {
  /** Asks the engine and streams its answer; resolves once it ended and all its text was shown. */
  readonly generate: (request: GenerateRequest, signal: AbortSignal) => Promise<AnswerOutcome>;
  /** Shows the text that arrived now, not at the next turn: the page is going away. */
  readonly flushText: () => void;
}

export function createAnswerStream({
  engine,
  schedule,
  isCurrent,
  onFirstText,
  onText,
}: AnswerStreamDependencies): AnswerStream {
  const arrived = textBatch((text) => {
    if (isCurrent()) onText(text);
  }, schedule);
  return {
    async generate(request, signal) {
      let outcome: AnswerOutcome;
      let streamed = false;
      try {
        const result = await engine.generate(request, {
          signal,
          onDelta: (text) => {
            if (!isCurrent()) return;
            if (!streamed) onFirstText();
            streamed = true;
            arrived.push(text);
          },
        });
        outcome = outcomeOf(result);
      } catch (error) {
        outcome = failedOutcome(error);
      }
      arrived.flush();
      return outcome;
    },
    flushText: arrived.flush,
  };
}
