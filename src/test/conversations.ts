import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { createStore } from 'zustand/vanilla';
import type { AnswerState, Conversation, Exchange, ExchangeVersion } from '../conversation/conversation';
import { createConversationSync, type ConversationSync } from '../chat/conversations/conversation-sync';
import type { ConversationRepository } from '../chat/persistence/repository-types';
import type { ConversationSlice } from '../chat/conversations/conversation-state';
import { createCurrentConversation } from '../chat/conversations/current-conversation';
import { complete } from './conversation-fixtures';

export { complete, usage } from './conversation-fixtures';

/** A version asking `question`, answered `answer` in the state given (complete unless said). */
export function version(
  id: string,
  question: string,
  answer = `${question}의 답`,
  state: AnswerState = complete,
): ExchangeVersion {
  return { id, question, askedAt: 1, answer: { content: answer, createdAt: 2, ...state }, next: undefined };
}

/** A conversation whose selected path is `path`, each version its own exchange (`e0`, `e1`, …). */
export function conversationOf(
  id: string,
  path: readonly ExchangeVersion[],
  fields: Partial<Omit<Conversation, 'id' | 'first'>> = {},
): Conversation {
  const first = path.reduceRight<Exchange | undefined>(
    (next, version, depth) => ({ id: `e${depth}`, versions: [{ ...version, next }], selected: 0 }),
    undefined,
  );
  return {
    id,
    title: '',
    createdAt: 0,
    updatedAt: 0,
    sampling: MODEL_CARD_SAMPLING,
    ...fields,
    first,
  };
}

/**
 * The conversation on screen alone: a store with only its fields, and the part that shows and changes it,
 * with a clock that moves a millisecond a call and ids `c1`, `c2`, …
 */
export function shownConversation(sync?: ConversationSync) {
  const counters = { clock: 1000, ids: 0 };
  const store = createStore<Pick<ConversationSlice, 'current' | 'messages' | 'sampling'>>()(() => ({
    current: conversationOf('c0', []),
    messages: [],
    sampling: MODEL_CARD_SAMPLING,
  }));
  const shown = createCurrentConversation({
    get: store.getState,
    set: store.setState,
    now: () => (counters.clock += 1),
    newId: () => `c${++counters.ids}`,
    sync,
  });
  return { store, shown };
}

/** Saves through `repository` every `intervalMs`, telling nothing of what it did; a failed save fails the test. */
export function syncTo(repository: ConversationRepository, intervalMs: number): ConversationSync {
  return createConversationSync({
    repository,
    intervalMs,
    onSaved: () => undefined,
    onRemoved: () => undefined,
    onDeletedElsewhere: () => undefined,
    onRecovered: () => undefined,
    onError: (error) => {
      throw error;
    },
  });
}
