import type { ChatEngine } from '../../engine/chat-engine';
import { activePath, updateAt } from '../../conversation/conversation';
import type { ConversationSlice, ModelEffects } from './conversation-state';
import type { CurrentConversation } from './current-conversation';
import { createGeneration, type Generation } from '../answers/generation';
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
  readonly change: CurrentConversation['change'];
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
  change,
}: ConversationAnswersDependencies): { readonly generation: Generation; readonly actions: AnswerActions } {
  const generation = createGeneration({
    engine,
    now,
    newId,
    schedule,
    effects: {
      current: () => get().current,
      change,
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

  return {
    generation,
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
