import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { shownConversation } from '../../test/conversations';
import { samplingActions, withSeed } from './conversation-sampling';

describe('the sampling values of a conversation', () => {
  it('changes values for the conversation, sets and clears a seed, and resets to the model card', () => {
    const { store, shown } = shownConversation();
    const { setSampling, setSeed, resetSampling } = samplingActions(shown.change);
    setSampling({ topK: 40, temperature: 0.7 });
    setSeed(1234);
    expect(store.getState().sampling).toMatchObject({ topK: 40, temperature: 0.7, seed: 1234, topP: 0.92 });
    setSeed(undefined);
    expect(store.getState().sampling).not.toHaveProperty('seed');
    resetSampling();
    expect(store.getState().sampling).toEqual({
      temperature: 1,
      topK: 20,
      topP: 0.92,
      repetitionPenalty: 1.2,
      noRepeatNgramSize: 3,
      maxNewTokens: 1024,
    });
  });
});

describe('a seed', () => {
  it('is set, replaced and taken out, the other values kept', () => {
    const seeded = withSeed(MODEL_CARD_SAMPLING, 7);
    expect(seeded).toEqual({ ...MODEL_CARD_SAMPLING, seed: 7 });
    expect(withSeed(seeded, 8).seed).toBe(8);
    expect(withSeed(seeded, undefined)).toEqual(MODEL_CARD_SAMPLING);
  });
});

describe('a change of the sampling values', () => {
  it('is the conversation’s, and counts as this tab’s change', () => {
    const { store, shown } = shownConversation();
    samplingActions(shown.change).setSampling({ topK: 5 });
    expect(store.getState().current.sampling.topK).toBe(5);
    expect(shown.edits()).toBe(1);
  });
});
