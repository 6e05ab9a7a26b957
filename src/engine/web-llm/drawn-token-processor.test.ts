import type { LogitProcessor } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { processLogits } from '../../generation/hf-logits';
import { ModelCardSampler } from '../../generation/model-card-sampler';
import { seededRandom } from '../../generation/random';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { drawnTokenProcessor, NEUTRAL_WEB_LLM_SAMPLING } from './drawn-token-processor';

describe('drawnTokenProcessor', () => {
  it('fits web-llm’s LogitProcessor', () => {
    const processor: LogitProcessor = drawnTokenProcessor(new ModelCardSampler());
    expect(typeof processor.processLogits).toBe('function');
  });

  it('hands web-llm one token, drawn among those the model card’s pipeline keeps', () => {
    const sampler = new ModelCardSampler();
    const history = [1, 40, 41, 42];
    sampler.begin(history, MODEL_CARD_SAMPLING, seededRandom(3));
    const processor = drawnTokenProcessor(sampler);
    const random = seededRandom(11);
    for (let step = 0; step < 30; step += 1) {
      const logits = Float32Array.from({ length: 500 }, () => random() * 10);
      const kept = processLogits(history, logits, MODEL_CARD_SAMPLING);
      const out = processor.processLogits(logits);
      const chosen = [...out.keys()].filter((id) => out[id] === 1);
      expect(chosen).toHaveLength(1);
      expect(kept[chosen[0] ?? -1]).not.toBe(-Infinity);
    }
  });

  it('hands web-llm finite scores only, 1 for the drawn token and 0 for every other (WGSL assumes no infinities)', () => {
    const sampler = new ModelCardSampler();
    sampler.begin([1, 40, 41], MODEL_CARD_SAMPLING, seededRandom(5));
    const processor = drawnTokenProcessor(sampler);
    const random = seededRandom(8);
    for (let step = 0; step < 10; step += 1) {
      const out = processor.processLogits(Float32Array.from({ length: 300 }, () => random() * 20 - 10));
      expect(out.every((score) => score === 0 || score === 1)).toBe(true);
      expect(out.filter((score) => score === 1)).toHaveLength(1);
    }
  });

  it('draws nothing while a forward pass whose token is not used runs', async () => {
    const sampler = new ModelCardSampler();
    const draws: number[] = [];
    const random = seededRandom(21);
    sampler.begin([1, 40, 41], MODEL_CARD_SAMPLING, () => {
      const value = random();
      draws.push(value);
      return value;
    });
    const processor = drawnTokenProcessor(sampler);
    const logits = Float32Array.from({ length: 300 }, (_, id) => (id % 17) / 3);
    const passedThrough = await processor.withoutDraw(() => Promise.resolve(processor.processLogits(logits)));
    expect(passedThrough).toBe(logits);
    expect(draws).toEqual([]);
    processor.processLogits(logits);
    expect(draws).toHaveLength(1);
  });

  it('hands web-llm a finite one-hot for logits that are not numbers, and tells them once', () => {
    const sampler = new ModelCardSampler();
    sampler.begin([1, 40, 41], MODEL_CARD_SAMPLING, seededRandom(3));
    const processor = drawnTokenProcessor(sampler);
    const logits = Float32Array.from({ length: 300 }, (_, id) => id / 100);
    logits[7] = Number.NaN;
    logits[9] = Number.NEGATIVE_INFINITY;
    const handed = processor.processLogits(logits);
    expect(handed.every(Number.isFinite)).toBe(true);
    expect(handed.filter((score) => score === 1)).toHaveLength(1);
    expect(processor.takeInvalid()).toEqual({ count: 2, firstId: 7, firstValue: Number.NaN });
    expect(processor.takeInvalid()).toBeUndefined();
    logits[7] = logits[9] = 0;
    processor.processLogits(logits);
    expect(processor.takeInvalid()).toBeUndefined();
  });

  it('turns web-llm’s own sampling into a greedy pick with no penalties and no top-p', () => {
    expect(NEUTRAL_WEB_LLM_SAMPLING).toEqual({
      temperature: 0,
      top_p: 1,
      repetition_penalty: 1,
      frequency_penalty: 0,
      presence_penalty: 0,
    });
  });
});
