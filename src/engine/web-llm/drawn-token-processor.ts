import type { ModelCardSampler } from '../../generation/model-card-sampler';

/** web-llm's `LogitProcessor` shape (kept structural, so this module needs no web-llm import). */
export interface LogitProcessorLike {
  processLogits(logits: Float32Array): Float32Array;
  processSampledToken(tokenId: number): void;
  resetState(): void;
}

/** Logits that were not finite numbers: how many, and the first of them. */
export interface InvalidLogits {
  readonly count: number;
  readonly firstId: number;
  readonly firstValue: number;
}

export interface DrawnTokenProcessor extends LogitProcessorLike {
  /** The non-finite logits of the last draw, if there were any; each is told once. */
  takeInvalid(): InvalidLogits | undefined;
  /**
   * Runs `feed` (a forward pass whose sampled token is not used) without drawing: web-llm samples after every
   * `forwardTokensAndSample`, so a slice of the prompt that is not its last would otherwise use up a draw of
   * the seeded random source, and the same seed would give another answer once the prompt is sliced.
   */
  withoutDraw<T>(feed: () => Promise<T>): Promise<T>;
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
 * alone: its score becomes 1 and every other 0, so web-llm's greedy pick is the drawn token. Finite values
 * only: WGSL lets an implementation assume there are no infinities, so a GPU may turn -Infinity into
 * anything in the kernels that follow.
 */
export function drawnTokenProcessor(sampler: ModelCardSampler): DrawnTokenProcessor {
  let oneHot = new Float32Array(0);
  let drawing = true;
  let invalid: InvalidLogits | undefined;
  const pick = (logits: Float32Array, id: number): Float32Array => {
    // Reused between steps: web-llm copies it to the GPU before the next call.
    if (oneHot.length !== logits.length) oneHot = new Float32Array(logits.length);
    oneHot.fill(0);
    oneHot[id] = 1;
    return oneHot;
  };
  return {
    processLogits(logits) {
      // Not drawing: the token web-llm picks from these is thrown away, so they go back as they came.
      if (!drawing) return logits;
      invalid = nonFinite(logits);
      // Broken numbers (NaN or infinite: q4f16 on some drivers) leave the sampler nothing to draw from. A
      // throw here would leave web-llm's call without its endScope() and the call's GPU tensors behind, so
      // web-llm gets a harmless token to finish with, and the engine reads `takeInvalid` and ends the answer.
      if (invalid) return pick(logits, 0);
      return pick(logits, sampler.draw(logits));
    },
    takeInvalid() {
      const found = invalid;
      invalid = undefined;
      return found;
    },
    // The session adds each token it feeds to the sampler's sequence itself.
    processSampledToken: () => undefined,
    resetState: () => undefined,
    async withoutDraw(feed) {
      drawing = false;
      try {
        return await feed();
      } finally {
        drawing = true;
      }
    },
  };
}

/** The logits that are not finite numbers, counted in one pass; undefined when all are. */
function nonFinite(logits: Float32Array): InvalidLogits | undefined {
  let count = 0;
  let firstId = -1;
  for (let id = 0; id < logits.length; id += 1) {
    if (Number.isFinite(logits[id])) continue;
    count += 1;
    if (firstId < 0) firstId = id;
  }
  return count === 0 ? undefined : { count, firstId, firstValue: logits[firstId] ?? Number.NaN };
}
