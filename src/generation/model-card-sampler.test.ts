import { describe, expect, it } from 'vitest';
import { processLogits } from './hf-logits';
import { ModelCardSampler } from './model-card-sampler';
import { seededRandom } from './random';
import { MODEL_CARD_SAMPLING } from './sampling';

function randomLogits(seed: number, size: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: size }, () => (random() - 0.5) * 8);
}

describe('ModelCardSampler', () => {
  it('draws the same tokens for the same seed, and others for another seed', () => {
    const draws = (seed: number) => {
      const sampler = new ModelCardSampler();
      sampler.begin([1, 5, 6], MODEL_CARD_SAMPLING, seededRandom(seed));
      return Array.from({ length: 20 }, (_, step) => {
        const id = sampler.draw(randomLogits(step, 200));
        sampler.accept(id);
        return id;
      });
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });

  it('only draws tokens the model card’s pipeline keeps, over the prompt and the answer so far', () => {
    const sampler = new ModelCardSampler();
    const history = [1, 10, 11, 12, 10, 11];
    sampler.begin(history, MODEL_CARD_SAMPLING, seededRandom(7));
    for (let step = 0; step < 50; step += 1) {
      const logits = randomLogits(100 + step, 300);
      // The no-repeat rule bans 12 after (10, 11): the draw must respect it like processLogits does.
      logits[12] = 100;
      const kept = processLogits(history, logits, MODEL_CARD_SAMPLING);
      const id = sampler.draw(logits);
      expect(kept[id]).not.toBe(-Infinity);
      expect(id).not.toBe(12);
    }
  });
});
