/** Llama-2's special ids, as the model card uses them. */
export const BOS_ID = 1;
export const EOS_ID = 2;

/**
 * The model's own tokenizer (`tokenizer.json`, the Hugging Face fast tokenizer) as the generation code needs
 * it. Implemented in the worker over `@mlc-ai/web-tokenizers`, and in tests over a small fixture.
 */
export interface TextTokenizer {
  /** The ids of `text` encoded as one string, without special tokens (no BOS). */
  encode(text: string): readonly number[];
  /** The text of `ids`, as the tokenizer's decoder gives it. Every id must be below {@link vocabSize}. */
  decode(ids: readonly number[]): string;
  /** How many ids the tokenizer knows, special tokens included: ids are 0 to `vocabSize - 1`. */
  readonly vocabSize: number;
}

/**
 * The ids the model is fed for a prompt: BOS, then one encoding of the whole string, which is what
 * `tokenizer(prompt)` gives in transformers. Encoding turns one by one would add a `▁` at every boundary.
 */
export function promptTokenIds(tokenizer: TextTokenizer, prompt: string): number[] {
  return [BOS_ID, ...tokenizer.encode(prompt)];
}
