/**
 * The values of the Hugging Face logits processors that `processLogits` applies, in transformers units:
 * `topK` 0 and `topP` 1 disable their step, `noRepeatNgramSize` 0 disables the n-gram ban.
 */
export interface LogitsParams {
  readonly repetitionPenalty: number;
  readonly noRepeatNgramSize: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
}

function validate(inputIds: readonly number[], vocabSize: number, params: LogitsParams): void {
  const { repetitionPenalty, noRepeatNgramSize, temperature, topK, topP } = params;
  if (vocabSize === 0) throw new RangeError('The logits are empty.');
  if (!(repetitionPenalty > 0 && Number.isFinite(repetitionPenalty))) {
    throw new RangeError(`repetitionPenalty must be a positive number, got ${repetitionPenalty}.`);
  }
  if (!Number.isInteger(noRepeatNgramSize)) {
    throw new RangeError(`noRepeatNgramSize must be an integer, got ${noRepeatNgramSize}.`);
  }
  if (!(Math.fround(temperature) > 0 && Number.isFinite(temperature))) {
    throw new RangeError(`temperature must be a positive number, got ${temperature}.`);
  }
  if (!(Number.isInteger(topK) && topK >= 0)) {
    throw new RangeError(`topK must be a non-negative integer, got ${topK}.`);
  }
  if (!(topP >= 0 && topP <= 1)) throw new RangeError(`topP must lie in [0, 1], got ${topP}.`);
  for (const id of inputIds) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new RangeError(`Token id ${id} is outside the vocabulary of ${vocabSize}.`);
    }
  }
}

/**
 * torch applies a Python float to a float32 tensor as a float32 scalar; the reference vectors match
 * `s * fround(1.2)` bit for bit and `s * 1.2` only approximately.
 */
const penalise = (score: number, penalty32: number): number =>
  score < 0 ? score * penalty32 : score / penalty32;

/** The k of `TopKLogitsWarper`: at least min_tokens_to_keep (1), at most the vocabulary; 0 when disabled. */
const effectiveTopK = (topK: number, vocabSize: number): number =>
  topK === 0 ? 0 : Math.min(Math.max(topK, 1), vocabSize);

/**
 * Steps 1 to 5 of the model card's sampling (see `processLogits`), with scratch buffers kept between calls so
 * that a step costs O(history) plus a few linear passes over the vocabulary and no allocation.
 */
export class LogitsPipeline {
  readonly vocabSize: number;
  /** `seen[id] === stamp` marks an id already penalised in this call; a new stamp clears it in O(1). */
  readonly #seen: Uint32Array;
  #stamp = 0;
  /** The ids left after top-k, then sorted for top-p. */
  readonly #survivors: Int32Array;
  #heap = new Float32Array(0);

  constructor(vocabSize: number) {
    if (!(Number.isInteger(vocabSize) && vocabSize > 0)) {
      throw new RangeError(`vocabSize must be a positive integer, got ${vocabSize}.`);
    }
    this.vocabSize = vocabSize;
    this.#seen = new Uint32Array(vocabSize);
    this.#survivors = new Int32Array(vocabSize);
  }

  /**
   * Writes the processed scores into `into` (a new array unless given; it may be `logits` itself to work in
   * place) and returns it. Removed tokens are `-Infinity`.
   */
  process(
    inputIds: readonly number[],
    logits: Float32Array,
    params: LogitsParams,
    into?: Float32Array,
  ): Float32Array {
    const vocabSize = this.vocabSize;
    if (logits.length !== vocabSize)
      throw new RangeError(`Expected ${vocabSize} logits, got ${logits.length}.`);
    if (into !== undefined && into.length !== vocabSize) {
      throw new RangeError(`Expected an output array of ${vocabSize}, got ${into.length}.`);
    }
    validate(inputIds, vocabSize, params);
    let out = into;
    if (out === undefined) out = logits.slice();
    else if (out !== logits) out.set(logits);

    this.#applyRepetitionPenalty(inputIds, out, Math.fround(params.repetitionPenalty));
    banRepeatedNgrams(inputIds, out, params.noRepeatNgramSize);
    if (params.temperature !== 1) {
      // Like the penalty, torch divides by the float32 value of the temperature.
      const temperature32 = Math.fround(params.temperature);
      for (let i = 0; i < vocabSize; i++) out[i] = (out[i] ?? 0) / temperature32;
    }
    const survivorCount = this.#applyTopK(out, effectiveTopK(params.topK, vocabSize));
    if (params.topP < 1) this.#applyTopP(out, survivorCount, Math.fround(1 - params.topP));
    return out;
  }

  #applyRepetitionPenalty(inputIds: readonly number[], out: Float32Array, penalty32: number): void {
    const seen = this.#seen;
    this.#stamp = this.#stamp === 0xffffffff ? 0 : this.#stamp + 1;
    if (this.#stamp === 0) {
      seen.fill(0);
      this.#stamp = 1;
    }
    const stamp = this.#stamp;
    for (const id of inputIds) {
      if (seen[id] === stamp) continue;
      seen[id] = stamp;
      out[id] = penalise(out[id] ?? 0, penalty32);
    }
  }

  /**
   * Sets every score strictly below the k-th largest to -Infinity and collects, in id order, the ids left
   * with a finite score. A min-heap of the k largest values so far finds the threshold in one read-only pass:
   * past the first few hundred ids almost every score loses the single comparison with the heap's root, and
   * a score that loses it is below the final threshold too. The few that do not are the only candidates.
   */
  #applyTopK(out: Float32Array, k: number): number {
    const vocabSize = out.length;
    const survivors = this.#survivors;
    let count = 0;
    if (k === 0 || k >= vocabSize) {
      for (let i = 0; i < vocabSize; i++) if (out[i] !== -Infinity) survivors[count++] = i;
      return count;
    }

    if (this.#heap.length < k) this.#heap = new Float32Array(k);
    const heap = this.#heap;
    for (let i = 0; i < k; i++) {
      heap[i] = out[i] ?? 0;
      survivors[count++] = i;
    }
    for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(heap, k, i);
    let root = heap[0] ?? 0;
    for (let i = k; i < vocabSize; i++) {
      const value = out[i] ?? 0;
      if (value < root) continue;
      // Equal to the root is not in the heap yet, but may still tie with the final k-th value.
      survivors[count++] = i;
      if (value > root) root = replaceMinimum(heap, k, value);
    }

    let kept = 0;
    for (let candidate = 0; candidate < count; candidate++) {
      const id = survivors[candidate] ?? 0;
      const value = out[id] ?? 0;
      if (value >= root && value !== -Infinity) survivors[kept++] = id;
    }
    let previous = -1;
    for (let survivor = 0; survivor < kept; survivor++) {
      const id = survivors[survivor] ?? 0;
      out.fill(-Infinity, previous + 1, id);
      previous = id;
    }
    out.fill(-Infinity, previous + 1);
    return kept;
  }

  /**
   * Only the top-k survivors can carry probability, so sorting them alone gives the same cumulative sums as
   * torch's sort of the whole vocabulary: the -Infinity scores add exact zeros at the front.
   */
  #applyTopP(out: Float32Array, count: number, removeAtOrBelow32: number): void {
    if (count === 0) return;
    const sorted = this.#survivors.subarray(0, count);
    // Ascending, and among equal scores the lower id first, so that it is the one dropped first.
    sorted.sort((a, b) => (out[a] ?? 0) - (out[b] ?? 0) || a - b);
    const max = out[sorted[count - 1] ?? 0] ?? 0;
    let sum = 0;
    for (const id of sorted) sum += Math.exp((out[id] ?? 0) - max);
    let cumulative = 0;
    for (let rank = 0; rank < count - 1; rank++) {
      const id = sorted[rank] ?? 0;
      cumulative += Math.fround(Math.exp((out[id] ?? 0) - max) / sum);
      if (Math.fround(cumulative) > removeAtOrBelow32) break;
      out[id] = -Infinity;
    }
  }
}

/** Puts `value` in place of the heap's minimum and returns the new minimum. */
function replaceMinimum(heap: Float32Array, size: number, value: number): number {
  heap[0] = value;
  return siftDown(heap, size, 0);
}

/** Restores the min-heap order below `start` and returns the value that ends up at `start`. */
function siftDown(heap: Float32Array, size: number, start: number): number {
  let parent = start;
  const value = heap[parent] ?? 0;
  for (;;) {
    let child = 2 * parent + 1;
    if (child >= size) break;
    let childValue = heap[child] ?? 0;
    const right = heap[child + 1] ?? Infinity;
    if (child + 1 < size && right < childValue) {
      child += 1;
      childValue = right;
    }
    if (childValue >= value) break;
    heap[parent] = childValue;
    parent = child;
  }
  heap[parent] = value;
  return heap[start] ?? value;
}

/**
 * `NoRepeatNGramLogitsProcessor`: bans every token that would complete an n-gram already in the sequence.
 * Comparing each window with the last n-1 ids is O(history * n) with no per-call index to build.
 */
function banRepeatedNgrams(inputIds: readonly number[], out: Float32Array, n: number): void {
  const length = inputIds.length;
  if (n <= 0 || length + 1 < n) return;
  const prefixStart = length - n + 1;
  for (let start = 0; start + n <= length; start++) {
    let matched = 0;
    while (matched < n - 1 && inputIds[start + matched] === inputIds[prefixStart + matched]) matched++;
    if (matched === n - 1) out[inputIds[start + n - 1] ?? 0] = -Infinity;
  }
}

let sharedPipeline: LogitsPipeline | undefined;

/**
 * Steps 1 to 5 of Hugging Face transformers' sampling for one sequence, on float32 scores: repetition penalty
 * over every distinct id of `inputIds`, no-repeat n-gram ban, temperature (only when not 1), top-k (ties at the
 * k-th value survive), top-p (stable ascending sort, float64 cumulative sum, the largest is always kept).
 * Returns a new array with removed tokens at -Infinity; `logits` is left untouched.
 */
export function processLogits(
  inputIds: readonly number[],
  logits: Float32Array,
  params: LogitsParams,
): Float32Array {
  // The pipeline holds only scratch space, so sharing it keeps this function stateless to its callers.
  if (sharedPipeline?.vocabSize !== logits.length) sharedPipeline = new LogitsPipeline(logits.length);
  return sharedPipeline.process(inputIds, logits, params);
}

/**
 * `processLogits` written the obvious way (Sets, a Map of n-grams, full sorts of the vocabulary), as the
 * reference that the fast path is tested and benchmarked against.
 */
export function processLogitsNaive(
  inputIds: readonly number[],
  logits: Float32Array,
  params: LogitsParams,
): Float32Array {
  const vocabSize = logits.length;
  validate(inputIds, vocabSize, params);
  const scores = Float32Array.from(logits);
  const score = (id: number): number => scores[id] ?? 0;

  const penalty32 = Math.fround(params.repetitionPenalty);
  for (const id of new Set(inputIds)) scores[id] = penalise(score(id), penalty32);

  const n = params.noRepeatNgramSize;
  if (n > 0 && inputIds.length + 1 >= n) {
    const followers = new Map<string, Set<number>>();
    for (let start = 0; start + n <= inputIds.length; start++) {
      const key = inputIds.slice(start, start + n - 1).join(',');
      const next = inputIds[start + n - 1] ?? 0;
      followers.set(key, (followers.get(key) ?? new Set<number>()).add(next));
    }
    const prefix = inputIds.slice(inputIds.length - n + 1).join(',');
    for (const id of followers.get(prefix) ?? []) scores[id] = -Infinity;
  }

  if (params.temperature !== 1) {
    const temperature32 = Math.fround(params.temperature);
    for (let id = 0; id < vocabSize; id++) scores[id] = score(id) / temperature32;
  }

  const k = effectiveTopK(params.topK, vocabSize);
  if (k > 0) {
    const threshold = Float32Array.from(scores).sort()[vocabSize - k] ?? -Infinity;
    for (let id = 0; id < vocabSize; id++) if (score(id) < threshold) scores[id] = -Infinity;
  }

  if (params.topP < 1) {
    const removeAtOrBelow32 = Math.fround(1 - params.topP);
    // -Infinity - -Infinity is NaN, which `||` turns into the id order.
    const ascending = Array.from({ length: vocabSize }, (_, id) => id).sort(
      (a, b) => score(a) - score(b) || a - b,
    );
    const max = score(ascending[vocabSize - 1] ?? 0);
    const exps = ascending.map((id) => Math.exp(score(id) - max));
    const sum = exps.reduce((total, value) => total + value, 0);
    let cumulative = 0;
    const remove = exps.map(
      (value) => Math.fround((cumulative += Math.fround(value / sum))) <= removeAtOrBelow32,
    );
    remove[vocabSize - 1] = false;
    ascending.forEach((id, rank) => {
      if (remove[rank] === true) scores[id] = -Infinity;
    });
  }
  return scores;
}

/** Step 6: the probabilities of the processed scores; -Infinity gives exactly 0. All -Infinity gives all 0. */
export function softmax(scores: Float32Array): Float32Array {
  const length = scores.length;
  // One indexed pass over the vocabulary (for-of over a typed array is several times slower in V8); after
  // top-k only a handful of scores are finite, and only those need an exponential.
  const finite: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const value = scores[i] ?? -Infinity;
    if (value === -Infinity) continue;
    finite.push(i);
    if (value > max) max = value;
  }
  const probs = new Float32Array(length);
  if (max === -Infinity) return probs;
  let sum = 0;
  for (const id of finite) sum += Math.exp((scores[id] ?? -Infinity) - max);
  for (const id of finite) probs[id] = Math.exp((scores[id] ?? -Infinity) - max) / sum;
  return probs;
}

/**
 * Draws one id from `probs` (not necessarily normalised) with `random()` uniform in [0, 1). Ids of
 * probability 0 are never drawn, even when rounding leaves the running sum short of the total.
 */
export function sampleToken(probs: Float32Array, random: () => number): number {
  let total = 0;
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id] ?? 0;
    if (p > 0) total += p;
  }
  if (!(total > 0 && Number.isFinite(total))) throw new RangeError('No token has a positive probability.');
  const target = random() * total;
  let cumulative = 0;
  let last = -1;
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id] ?? 0;
    if (!(p > 0)) continue;
    cumulative += p;
    last = id;
    if (cumulative > target) return id;
  }
  return last;
}
