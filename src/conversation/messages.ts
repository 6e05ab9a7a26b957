import { activePath, type AnswerState, type Conversation } from './conversation';

export interface UserMessage {
  readonly id: string;
  readonly role: 'user';
  readonly content: string;
  readonly createdAt: number;
  /** Which exchange of the conversation's selected path (0 = first). */
  readonly depth: number;
  /** How many versions the exchange has (edits and regenerations), and which one is shown. */
  readonly versionCount: number;
  readonly selectedVersion: number;
}

export type AssistantMessage = {
  readonly id: string;
  readonly role: 'assistant';
  readonly content: string;
  readonly createdAt: number;
  readonly depth: number;
} & AnswerState;

export type ChatMessage = UserMessage | AssistantMessage;

/** The messages of the selected path: each exchange gives its question and the answer of the shown version. */
export function toMessages(conversation: Conversation): ChatMessage[] {
  return activePath(conversation).flatMap(({ exchange, version }, depth) => {
    const key = `${exchange.id}:${exchange.selected}`;
    const { content, createdAt, ...state } = version.answer;
    return [
      {
        id: `${key}:q`,
        role: 'user',
        content: version.question,
        createdAt: version.askedAt,
        depth,
        versionCount: exchange.versions.length,
        selectedVersion: exchange.selected,
      },
      { id: `${key}:a`, role: 'assistant', content, createdAt, depth, ...state },
    ];
  });
}

/** Whether two messages hold the same values, field by field. */
export function sameFields(a: ChatMessage, b: ChatMessage): boolean {
  const keys = Object.keys(b) as (keyof ChatMessage)[];
  return keys.length === Object.keys(a).length && keys.every((key) => Object.is(a[key], b[key]));
}

/**
 * `next`, with each message that holds the same values as the one at its place in `previous` replaced by that
 * very object. While an answer streams only its message changes, so a view of any other message can tell
 * from its identity alone that there is nothing to render.
 */
export function keepUnchanged(
  previous: readonly ChatMessage[],
  next: readonly ChatMessage[],
): readonly ChatMessage[] {
  return next.map((message, index) => {
    const before = previous[index];
    return before !== undefined && sameFields(before, message) ? before : message;
  });
}
