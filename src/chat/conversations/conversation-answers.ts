import type { ChatEngine } from '../../engine/chat-engine';
import { activePath, updateAt, type Conversation } from '../../conversation/conversation';
import { markAbandoned } from '../../conversation/interrupted';
import type { ConversationSlice, ModelEffects } from './conversation-state';
import type { CurrentConversation } from './current-conversation';
import type { ChangeAnswer } from '../answers/answer-settle';
import { createGeneration, type Generation } from '../answers/generation';
import { withLiveAnswer, type LiveAnswer } from '../answers/live-answer';
import type { Schedule } from '../answers/paced-text';
import type { StoreAccess } from '../store-access';

/** What the user does with answers, and the message box they come from. */
export type AnswerActions = Pick<
  ConversationSlice,
  'send' | 'stop' | 'regenerate' | 'editAndResend' | 'selectVersion' | 'setDraft'
>;

export interface ConversationAnswersDependencies extends StoreAccess<
  Pick<ConversationSlice, 'current' | 'status' | 'draft' | 'notice'>
> {
  readonly engine: ChatEngine;
  readonly now: () => number;
  readonly newId: () => string;
  readonly schedule: Schedule;
  readonly model: ModelEffects;
  readonly shown: Pick<CurrentConversation, 'change' | 'saveElsewhere'>;
  /** Reads a stored conversation, as the copy its changes are counted from; undefined if it cannot be (told). */
  readonly read: (id: string) => Promise<Conversation | undefined>;
}

export interface ConversationAnswers {
  readonly generation: Generation;
  readonly actions: AnswerActions;
  /**
   * `conversation` leaves the screen: the answer being written in it stops, and the rest of it (the text still
   * arriving, how it ended) is written into that conversation, off screen.
   */
  readonly leave: (conversation: Conversation) => void;
  /**
   * `conversation` as it comes back, open again or restored after a delete: with this tab's answer in it as
   * the answer last left it (it may have gone on after the conversation left the screen).
   */
  readonly withOwnAnswer: (conversation: Conversation) => Conversation;
  /**
   * A deleted conversation brought back by an undo: with this tab's answer as it ended, and every answer still
   * pending or streaming stopped, since the delete stopped whichever tab was writing it.
   */
  readonly restored: (conversation: Conversation) => Conversation;
  /**
   * Another tab saved the conversation `id`: if this tab's answer ended in it while it was deleted (another
   * tab's undo brought it back), the answer is written into it as it ended.
   */
  readonly savedElsewhere: (id: string) => Promise<void>;
}

/** An answer whose conversation left the screen while it was written, and that conversation as it left it. */
interface AwayAnswer {
  readonly answer: LiveAnswer;
  readonly conversation: Conversation;
  /** The conversation was deleted: what the answer did is kept here, for an undo or another tab's restore. */
  readonly deleted: boolean;
}

/** Sends, regenerates, edits and stops answers in the current conversation: the generation, wired to the store. */
export function createConversationAnswers({
  get,
  set,
  engine,
  now,
  newId,
  schedule,
  model,
  shown,
  read,
}: ConversationAnswersDependencies): ConversationAnswers {
  const { change } = shown;
  let away: AwayAnswer | undefined;

  // An answer's updates go to its own conversation: the one on screen, or the one it was left in, saved there
  // (and kept here when that conversation was deleted). Never to whatever conversation is shown by then.
  const changeAnswer: ChangeAnswer = (answer, update, options) => {
    if (get().current.id === answer.conversationId) {
      change(update, options);
      return;
    }
    // Never otherwise: a conversation leaves the screen through `leave`, which keeps it here.
    if (away?.answer.versionId !== answer.versionId) return;
    const conversation = { ...update(away.conversation), updatedAt: now() };
    const deleted = !shown.saveElsewhere(conversation, options.save);
    // Once the answer ended and was saved, its conversation's stored copy is the one to read.
    away = deleted || generation.live() ? { answer, conversation, deleted } : undefined;
  };

  const generation = createGeneration({
    engine,
    now,
    newId,
    schedule,
    effects: {
      current: () => get().current,
      changeCurrent: change,
      changeAnswer,
      setStatus: (status) => set({ status }),
      sent: () => set({ draft: '', notice: undefined }),
      returned: (question, detail) =>
        set((state) => ({
          status: 'ready',
          draft: state.draft === '' ? question : state.draft,
          notice: { kind: 'too-long', detail },
        })),
      modelIsReady: model.isReady,
      modelGone: model.gone,
    },
  });

  function withOwnAnswer(conversation: Conversation): Conversation {
    if (away?.conversation.id !== conversation.id) return conversation;
    const mine = away;
    if (!generation.live()) away = undefined;
    return withLiveAnswer(conversation, mine.conversation, mine.answer) ?? conversation;
  }

  return {
    generation,
    leave(conversation) {
      const answer = generation.live();
      if (answer?.conversationId === conversation.id) away = { answer, conversation, deleted: false };
      generation.stop();
    },
    withOwnAnswer,
    restored: (conversation) => markAbandoned(withOwnAnswer(conversation)),
    async savedElsewhere(id) {
      const mine = away;
      if (!mine?.deleted || mine.conversation.id !== id || get().current.id === id) return;
      const fresh = await read(id);
      const written = fresh && withLiveAnswer(fresh, mine.conversation, mine.answer);
      if (!written || away !== mine || get().current.id === id) return;
      away = undefined;
      shown.saveElsewhere({ ...written, updatedAt: now() }, 'now');
    },
    actions: {
      send: (text) => generation.start(activePath(get().current).length, text, 'new-exchange'),

      regenerate(depth) {
        const version = activePath(get().current)[depth]?.version;
        if (!version) return 'empty';
        return generation.start(depth, version.question, 'new-version');
      },

      editAndResend(depth, text) {
        if (!activePath(get().current)[depth]) return 'empty';
        return generation.start(depth, text, 'new-version');
      },

      selectVersion(depth, index) {
        if (generation.live()) return;
        change(
          (conversation) =>
            updateAt(conversation, depth, (exchange) =>
              exchange && index >= 0 && index < exchange.versions.length
                ? { ...exchange, selected: index }
                : exchange,
            ),
          { save: 'now' },
        );
      },

      stop: () => generation.stop(),

      setDraft: (text) => set({ draft: text }),
    },
  };
}
