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

type PathStep = ReturnType<typeof activePath>[number];

/** The question and the answer one exchange of the selected path shows. */
function exchangeMessages({ exchange, version }: PathStep, depth: number): [UserMessage, AssistantMessage] {
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
}

/** The messages of the selected path: each exchange gives its question and the answer of the shown version. */
export function toMessages(conversation: Conversation): ChatMessage[] {
  return activePath(conversation).flatMap(exchangeMessages);
}

/** Whether two steps of a path show the same messages: the tree is immutable, so a kept answer is the same object. */
function sameStep(a: PathStep | undefined, b: PathStep): boolean {
  return (
    a !== undefined &&
    a.exchange.id === b.exchange.id &&
    a.exchange.selected === b.exchange.selected &&
    a.exchange.versions.length === b.exchange.versions.length &&
    a.version.question === b.version.question &&
    a.version.askedAt === b.version.askedAt &&
    a.version.answer === b.version.answer
  );
}

/**
 * The messages of `next`, where `previous` are those of `before`: an exchange that shows the same version as
 * at its place in `before` keeps its very messages, and a message that holds the same values as the one at its
 * place in `previous` is replaced by that very object. While an answer streams only its message changes, so
 * a view of any other message can tell from its identity alone that there is nothing to render, and a
 * conversation of a thousand exchanges makes no new messages but the answer's on each update.
 */
export function updateMessages(
  before: Conversation,
  previous: readonly ChatMessage[],
  next: Conversation,
): readonly ChatMessage[] {
  const beforePath = activePath(before);
  // Messages set apart from the conversation they came from (a test's) are compared by their fields alone.
  const aligned = previous.length === beforePath.length * 2;
  return activePath(next).flatMap((step, depth) => {
    const question = previous[depth * 2];
    const answer = previous[depth * 2 + 1];
    if (aligned && sameStep(beforePath[depth], step) && question && answer) return [question, answer];
    return exchangeMessages(step, depth).map((message, index) => {
      const old = previous[depth * 2 + index];
      return old !== undefined && sameFields(old, message) ? old : message;
    });
  });
}

/** Whether two messages hold the same values, field by field. */
export function sameFields(a: ChatMessage, b: ChatMessage): boolean {
  const keys = Object.keys(b) as (keyof ChatMessage)[];
  return keys.length === Object.keys(a).length && keys.every((key) => Object.is(a[key], b[key]));
}
