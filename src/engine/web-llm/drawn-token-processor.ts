import type { ModelCardSampler } from '../../generation/model-card-sampler';

/** web-llm's `LogitProcessor` shape (kept structural, so this module needs no web-llm import). */
export interface DrawnTokenProcessor {
  processLogits(logits: Float32Array): Float32Array;
  processSampledToken(tokenId: number): void;
  resetState(): void;
}

/**
 * web-llm's sampling settings that leave the draw to the logit processor: greedy, with its own repetition,
 * frequency and presence penalties and its top-p off, so nothing of the model card's pipeline runs twice.
 */
export const NEUTRAL_WEB_LLM_SAMPLING = {
  temperature: 0,
  top_p: 1,
  repetition_penalty: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
} as const;

/**
 * A logit processor that draws the next token with the model card's sampler and hands web-llm that token
 * alone: every other score becomes -Infinity, so web-llm's greedy pick is the drawn token.
 */
export function drawnTokenProcessor(sampler: ModelCardSampler): DrawnTokenProcessor {
  let oneHot = new Float32Array(0);
  return {
    processLogits(logits) {
      const id = sampler.draw(logits);
      // Reused between steps: web-llm copies it to the GPU before the next call.
      if (oneHot.length !== logits.length) oneHot = new Float32Array(logits.length);
      oneHot.fill(-Infinity);
      oneHot[id] = 0;
      return oneHot;
    },
    // The session adds each token it feeds to the sampler's sequence itself.
    processSampledToken: () => undefined,
    resetState: () => undefined,
  };
}
