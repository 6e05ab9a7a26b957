import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LogitsPipeline,
  type LogitsParams,
  processLogits,
  processLogitsNaive,
  sampleToken,
  softmax,
} from './hf-logits';
import { seededRandom } from './random';

interface VectorCase {
  readonly name: string;
  readonly vocab_size: number;
  readonly params: {
    readonly repetition_penalty: number;
    readonly no_repeat_ngram_size: number;
    readonly temperature: number;
    readonly top_k: number;
    readonly top_p: number;
  };
  readonly input_ids: readonly number[];
  readonly logits: readonly number[];
  readonly expected_processed: readonly (number | null)[];
  readonly expected_probs: readonly number[];
  readonly kept_token_ids: readonly number[];
  readonly banned_ngram_tokens: readonly number[];
  readonly stages?: Readonly<Record<string, readonly (number | null)[]>>;
}

interface Vectors {
  readonly meta: {
    readonly conventions: {
      readonly suggested_tolerance: {
        readonly processed_abs: number;
        readonly processed_rel: number;
        readonly probs_abs: number;
      };
    };
  };
  readonly cases: readonly VectorCase[];
}

// What they are and where they come from: testdata/README.md.
const vectors = JSON.parse(
  readFileSync(new URL('./testdata/hf-logits-vectors.json', import.meta.url), 'utf8'),
) as Vectors;
const tolerance = vectors.meta.conventions.suggested_tolerance;

const paramsOf = (vector: VectorCase): LogitsParams => ({
  repetitionPenalty: vector.params.repetition_penalty,
  noRepeatNgramSize: vector.params.no_repeat_ngram_size,
  temperature: vector.params.temperature,
  topK: vector.params.top_k,
  topP: vector.params.top_p,
});

/** Every step disabled, so a test can switch on just the one it is about. */
const neutral: LogitsParams = {
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  temperature: 1,
  topK: 0,
  topP: 1,
};

const implementations = [
  ['processLogits', processLogits],
  ['processLogitsNaive', processLogitsNaive],
] as const;

/** Lists the mismatches rather than failing on the first, so that one message shows the whole picture. */
function scoreMismatches(actual: Float32Array, expected: readonly (number | null)[]): string[] {
  const mismatches: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length} instead of ${expected.length}`];
  expected.forEach((raw, id) => {
    const value = actual[id] ?? Number.NaN;
    if (raw === null) {
      if (value !== -Infinity) mismatches.push(`${id}: ${value} instead of -Infinity`);
      return;
    }
    const want = Math.fround(raw);
    const allowed = tolerance.processed_abs + tolerance.processed_rel * Math.abs(want);
    if (!(Math.abs(value - want) <= allowed)) mismatches.push(`${id}: ${value} instead of ${want}`);
  });
  return mismatches;
}

function probMismatches(actual: Float32Array, expected: readonly number[]): string[] {
  const mismatches: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length} instead of ${expected.length}`];
  expected.forEach((want, id) => {
    const value = actual[id] ?? Number.NaN;
    if (!(Math.abs(value - want) <= tolerance.probs_abs))
      mismatches.push(`${id}: ${value} instead of ${want}`);
  });
  return mismatches;
}

const finiteIds = (scores: Float32Array): number[] =>
  Array.from(scores.keys()).filter((id) => scores[id] !== -Infinity);

const pick = <T>(random: () => number, options: readonly T[]): T => {
  const option = options[Math.floor(random() * options.length)];
  if (option === undefined) throw new Error('Nothing to pick from.');
  return option;
};

describe.each(implementations)('%s against the reference vectors', (_, process) => {
  it.each(vectors.cases.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const logits = Float32Array.from(vector.logits);
    const processed = process(vector.input_ids, logits, paramsOf(vector));

    expect(scoreMismatches(processed, vector.expected_processed)).toEqual([]);
    expect(finiteIds(processed)).toEqual(vector.kept_token_ids);
    expect(probMismatches(softmax(processed), vector.expected_probs)).toEqual([]);
  });

  it.each(vectors.cases.filter((vector) => vector.stages !== undefined).map((v) => [v.name, v] as const))(
    '%s, stage by stage',
    (_name, vector) => {
      const full = paramsOf(vector);
      const stages: [string, LogitsParams][] = [
        ['after_repetition_penalty', { ...neutral, repetitionPenalty: full.repetitionPenalty }],
        ['after_no_repeat_ngram', { ...full, temperature: 1, topK: 0, topP: 1 }],
        ['after_temperature', { ...full, topK: 0, topP: 1 }],
        ['after_top_k', { ...full, topP: 1 }],
        ['after_top_p', full],
      ];
      const logits = Float32Array.from(vector.logits);
      for (const [stage, params] of stages) {
        const expected = vector.stages?.[stage];
        if (expected === undefined) throw new Error(`${vector.name} has no ${stage}.`);
        expect(scoreMismatches(process(vector.input_ids, logits, params), expected), stage).toEqual([]);
      }
    },
  );
});

describe.each(implementations)('%s', (_, process) => {
  it('penalises each id once, however often it occurs', () => {
    const logits = Float32Array.of(2.4, 2.4, -2.4, 2.4);
    const processed = process([1, 1, 1, 2, 2, 2, 2], logits, { ...neutral, repetitionPenalty: 1.2 });

    expect(Array.from(processed)).toEqual([
      Math.fround(2.4),
      Math.fround(Math.fround(2.4) / Math.fround(1.2)),
      Math.fround(Math.fround(-2.4) * Math.fround(1.2)),
      Math.fround(2.4),
    ]);
  });

  it('multiplies negative scores and divides positive ones, leaving zeros as they are', () => {
    const logits = Float32Array.of(-1.5, 1.5, 0, -0, 3);
    const processed = process([0, 1, 2, 3], logits, { ...neutral, repetitionPenalty: 1.5 });

    expect(Array.from(processed)).toEqual([-2.25, 1, 0, -0, 3]);
  });

  it('bans the token that completes an earlier 3-gram, overlapping ones included', () => {
    const logits = new Float32Array(6);
    const ngram = { ...neutral, noRepeatNgramSize: 3 };

    expect(finiteIds(process([1, 2, 1, 2, 1, 2], logits, ngram))).toEqual([0, 2, 3, 4, 5]);
    expect(finiteIds(process([3, 3, 3], logits, ngram))).toEqual([0, 1, 2, 4, 5]);
    expect(finiteIds(process([4, 5, 0, 4, 5, 3, 4, 5], logits, ngram))).toEqual([1, 2, 4, 5]);
    expect(finiteIds(process([1, 2, 3, 2, 1], logits, ngram))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('handles other n-gram sizes: 1 bans every id seen, 2 the followers of the last id, 4 needs 3 ids', () => {
    const logits = new Float32Array(6);
    const ids = [1, 2, 3, 2, 4, 1, 2];

    expect(finiteIds(process(ids, logits, { ...neutral, noRepeatNgramSize: 1 }))).toEqual([0, 5]);
    expect(finiteIds(process(ids, logits, { ...neutral, noRepeatNgramSize: 2 }))).toEqual([0, 1, 2, 5]);
    expect(finiteIds(process(ids, logits, { ...neutral, noRepeatNgramSize: 4 }))).toHaveLength(6);
    expect(finiteIds(process([1, 2, 3, 5, 1, 2, 3], logits, { ...neutral, noRepeatNgramSize: 4 }))).toEqual([
      0, 1, 2, 3, 4,
    ]);
    expect(finiteIds(process([3, 3], logits, { ...neutral, noRepeatNgramSize: 4 }))).toHaveLength(6);
    expect(finiteIds(process(ids, logits, { ...neutral, noRepeatNgramSize: 0 }))).toHaveLength(6);
  });

  it('bans nothing with fewer than 2 ids', () => {
    const logits = Float32Array.of(1, 2, 3);
    const ngram = { ...neutral, noRepeatNgramSize: 3 };

    expect(Array.from(process([], logits, ngram))).toEqual([1, 2, 3]);
    expect(Array.from(process([2], logits, ngram))).toEqual([1, 2, 3]);
  });

  it('keeps every score tied with the k-th, so more than k may survive', () => {
    const logits = Float32Array.of(5, 4, 3, 3, 3, 1);

    expect(finiteIds(process([], logits, { ...neutral, topK: 3 }))).toEqual([0, 1, 2, 3, 4]);
    expect(finiteIds(process([], logits, { ...neutral, topK: 1 }))).toEqual([0]);
  });

  it('caps k at the vocabulary size', () => {
    const logits = Float32Array.of(5, -4, 3, 0, -30);

    expect(Array.from(process([], logits, { ...neutral, topK: 100 }))).toEqual([5, -4, 3, 0, -30]);
    expect(Array.from(process([], logits, { ...neutral, topK: 5 }))).toEqual([5, -4, 3, 0, -30]);
  });

  it('keeps the largest token even when it alone exceeds top-p', () => {
    const logits = Float32Array.of(0, 10, 0);

    expect(Array.from(process([], logits, { ...neutral, topP: 0.5 }))).toEqual([-Infinity, 10, -Infinity]);
    expect(Array.from(process([], logits, { ...neutral, topP: 0 }))).toEqual([-Infinity, 10, -Infinity]);
  });

  it('drops the lower id first from a top-p tie', () => {
    const logits = Float32Array.of(1, 1, 1, 1);

    expect(finiteIds(process([], logits, { ...neutral, topP: 0.6 }))).toEqual([1, 2, 3]);
    expect(finiteIds(process([], logits, { ...neutral, topP: 0 }))).toEqual([3]);
  });

  it('removes a token whose cumulative probability equals 1 - top-p exactly', () => {
    expect(finiteIds(process([], Float32Array.of(1, 1), { ...neutral, topP: 0.5 }))).toEqual([1]);
    expect(finiteIds(process([], Float32Array.of(2, 2, 2, 2), { ...neutral, topP: 0.75 }))).toEqual([
      1, 2, 3,
    ]);
  });

  it('divides by a temperature other than 1, in float32 as torch does', () => {
    const logits = Float32Array.of(1, -2, 0.3);

    expect(Array.from(process([], logits, { ...neutral, temperature: 0.5 }))).toEqual([
      2,
      -4,
      Math.fround(0.6),
    ]);
    expect(Array.from(process([], logits, { ...neutral, temperature: 0.7 }))).toEqual(
      Array.from(logits, (value) => Math.fround(value / Math.fround(0.7))),
    );
  });

  it('leaves its input untouched', () => {
    const ids = [1, 3, 4, 5, 3, 4];
    const logits = Float32Array.from({ length: 8 }, (_, id) => Math.sin(id) * 3);
    const before = Float32Array.from(logits);

    process(ids, logits, {
      repetitionPenalty: 1.2,
      noRepeatNgramSize: 3,
      temperature: 0.7,
      topK: 3,
      topP: 0.5,
    });

    expect(logits).toEqual(before);
    expect(ids).toEqual([1, 3, 4, 5, 3, 4]);
  });

  it('leaves every score at -Infinity when nothing is left, as torch does', () => {
    const logits = Float32Array.of(1, 2);
    const processed = process([0, 1, 0, 1, 0], logits, {
      ...neutral,
      noRepeatNgramSize: 1,
      topK: 1,
      topP: 0.9,
    });

    expect(Array.from(processed)).toEqual([-Infinity, -Infinity]);
    expect(Array.from(softmax(processed))).toEqual([0, 0]);
  });

  it.each([
    ['an id outside the vocabulary', [0, 3], neutral],
    ['a negative id', [-1], neutral],
    ['a temperature of 0', [], { ...neutral, temperature: 0 }],
    ['a top-p above 1', [], { ...neutral, topP: 1.5 }],
    ['a fractional top-k', [], { ...neutral, topK: 2.5 }],
    ['a penalty of 0', [], { ...neutral, repetitionPenalty: 0 }],
  ] as const)('rejects %s', (_name, ids, params) => {
    expect(() => process(ids, new Float32Array(3), params)).toThrow(RangeError);
  });
});

describe('processLogits and processLogitsNaive', () => {
  function randomCase(random: () => number): { ids: number[]; logits: Float32Array; params: LogitsParams } {
    const vocabSize = 2 + Math.floor(random() * 30);
    const pool = Array.from({ length: 1 + Math.floor(random() * Math.min(vocabSize, 6)) }, () =>
      Math.floor(random() * vocabSize),
    );
    const ids = Array.from({ length: Math.floor(random() * 40) }, () => pick(random, pool));
    // Coarse values make ties at the top-k threshold and inside the top-p sort likely.
    const coarse = random() < 0.5;
    const logits = Float32Array.from({ length: vocabSize }, () => {
      if (random() < 0.05) return -Infinity;
      const value = (random() + random() + random() - 1.5) * 6;
      return coarse ? Math.round(value) / 2 : value;
    });
    const params: LogitsParams = {
      repetitionPenalty: pick(random, [1, 1.2, 1.2, 0.8, 2]),
      noRepeatNgramSize: pick(random, [0, 1, 2, 3, 3, 3, 4]),
      temperature: pick(random, [1, 1, 0.7, 1.3]),
      topK: pick(random, [0, 1, 3, 5, 20, 20, 100]),
      topP: pick(random, [1, 0.92, 0.92, 0.5, 0.99, 0]),
    };
    return { ids, logits, params };
  }

  it('agree exactly on 200 random small cases', () => {
    const random = seededRandom(20240601);
    for (let index = 0; index < 200; index++) {
      const { ids, logits, params } = randomCase(random);
      const label = `case ${index}: ${JSON.stringify({ ids, logits: Array.from(logits), params })}`;

      expect(Array.from(processLogits(ids, logits, params)), label).toEqual(
        Array.from(processLogitsNaive(ids, logits, params)),
      );
    }
  });

  it('agree call after call when one pipeline and one output buffer are reused', () => {
    const random = seededRandom(7);
    const pipeline = new LogitsPipeline(12);
    const out = new Float32Array(12);
    const ids: number[] = [];
    for (let step = 0; step < 200; step++) {
      const logits = Float32Array.from({ length: 12 }, () => Math.round((random() - 0.5) * 16) / 2);
      const params: LogitsParams = {
        repetitionPenalty: 1.2,
        noRepeatNgramSize: 3,
        temperature: 1,
        topK: 5,
        topP: 0.92,
      };

      expect(Array.from(pipeline.process(ids, logits, params, out)), `step ${step}`).toEqual(
        Array.from(processLogitsNaive(ids, logits, params)),
      );
      ids.push(Math.floor(random() * 6));
    }
  });
});

describe('softmax', () => {
  it('gives 0 to removed tokens and sums to 1', () => {
    const probs = softmax(Float32Array.of(-Infinity, 0, Math.log(3), -Infinity));

    expect(probs[0]).toBe(0);
    expect(probs[3]).toBe(0);
    expect(probs[1]).toBeCloseTo(0.25, 7);
    expect(probs[2]).toBeCloseTo(0.75, 7);
  });
});

describe('sampleToken', () => {
  const probs = Float32Array.of(0, 0.25, 0, 0.75, 0);

  it.each([
    [0, 1],
    [0.2, 1],
    [0.25, 3],
    [0.9999999, 3],
    [1, 3],
  ])('draws with random() = %s the id %s', (draw, id) => {
    expect(sampleToken(probs, () => draw)).toBe(id);
  });

  it('never draws a token that the pipeline removed', () => {
    const vector = vectors.cases.find((candidate) => candidate.vocab_size > 1000);
    if (vector === undefined) throw new Error('The vectors have no full-vocabulary case.');
    const processed = processLogits(vector.input_ids, Float32Array.from(vector.logits), paramsOf(vector));
    const kept = new Set(finiteIds(processed));
    const probs = softmax(processed);
    const random = seededRandom(99);
    const drawn = new Set<number>();
    for (let draw = 0; draw < 500; draw++) drawn.add(sampleToken(probs, random));

    expect([...drawn].filter((id) => !kept.has(id))).toEqual([]);
    expect(drawn.size).toBeGreaterThan(1);
  });

  it('refuses when no token has a positive probability', () => {
    expect(() => sampleToken(new Float32Array(3), () => 0.5)).toThrow(RangeError);
  });
});
