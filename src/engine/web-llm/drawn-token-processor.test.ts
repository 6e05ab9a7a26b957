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
      const finite = [...out.keys()].filter((id) => out[id] !== -Infinity);
      expect(finite).toHaveLength(1);
      expect(kept[finite[0] ?? -1]).not.toBe(-Infinity);
    }
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
