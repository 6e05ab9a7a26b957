import { MODEL_CARD_SAMPLING, type SamplingParams } from '../../generation/sampling';
import type { ConversationSlice } from './conversation-state';
import type { CurrentConversation } from './current-conversation';

/** The sampling values with `seed` set, or without one when it is undefined. */
export function withSeed(sampling: SamplingParams, seed: number | undefined): SamplingParams {
  const { seed: _dropped, ...rest } = sampling;
  return seed === undefined ? rest : { ...rest, seed };
}

/** The current conversation's sampling values, each change saved at once. */
export function samplingActions(
  change: CurrentConversation['change'],
): Pick<ConversationSlice, 'setSampling' | 'setSeed' | 'resetSampling'> {
  return {
    setSampling(update) {
      change((conversation) => ({ ...conversation, sampling: { ...conversation.sampling, ...update } }), {
        save: 'now',
      });
    },

    setSeed(seed) {
      change((conversation) => ({ ...conversation, sampling: withSeed(conversation.sampling, seed) }), {
        save: 'now',
      });
    },

    resetSampling() {
      change((conversation) => ({ ...conversation, sampling: MODEL_CARD_SAMPLING }), { save: 'now' });
    },
  };
}
