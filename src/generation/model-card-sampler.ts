import { LogitsPipeline, sampleToken, softmax, type LogitsParams } from './hf-logits';

/**
 * Draws each next token the way the model card's `generate(do_sample=True, …)` does for one sequence:
 * steps 1 to 5 of `processLogits` over the whole sequence so far (prompt and BOS included), then a draw
 * from the softmax with an injected, seedable random source.
 */
export class ModelCardSampler {
  private pipeline: LogitsPipeline | undefined;
  private scratch = new Float32Array(0);
  private history: number[] = [];
  private params: LogitsParams | undefined;
  private random: () => number = () => 0;

  /** Starts an answer: the sequence so far is the prompt's ids. */
  begin(promptIds: readonly number[], params: LogitsParams, random: () => number): void {
    this.history = [...promptIds];
    this.params = params;
    this.random = random;
  }

  /** The next token for these raw logits. */
  draw(logits: Float32Array): number {
    if (!this.params) throw new Error('ModelCardSampler.draw before begin.');
    if (this.pipeline?.vocabSize !== logits.length) {
      this.pipeline = new LogitsPipeline(logits.length);
      this.scratch = new Float32Array(logits.length);
    }
    const processed = this.pipeline.process(this.history, logits, this.params, this.scratch);
    return sampleToken(softmax(processed), this.random);
  }

  /** Adds a token the model was fed to the sequence the penalties look at. */
  accept(id: number): void {
    this.history.push(id);
  }
}
