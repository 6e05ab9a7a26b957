/** The sampling values of one generation, with the Hugging Face `generate` semantics of the model card. */
export interface SamplingParams {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly repetitionPenalty: number;
  readonly noRepeatNgramSize: number;
  readonly maxNewTokens: number;
  /** Makes an answer reproducible when set. */
  readonly seed?: number;
}

/**
 * The model card's `generate` arguments. `num_beams=3` (beam sampling) has no streaming single-sequence
 * equivalent, so one sequence is sampled; temperature is the transformers default.
 */
export const MODEL_CARD_SAMPLING: SamplingParams = {
  temperature: 1.0,
  topK: 20,
  topP: 0.92,
  repetitionPenalty: 1.2,
  noRepeatNgramSize: 3,
  maxNewTokens: 1024,
};
