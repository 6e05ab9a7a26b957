import { pathToFileURL } from 'node:url';
import {
  LogitsPipeline,
  processLogits,
  processLogitsNaive,
  sampleToken,
  softmax,
} from '../../src/generation/hf-logits';
import { MODEL_CARD_SAMPLING } from '../../src/generation/sampling';
import { seededRandom } from '../../src/generation/random';

/** Llama-2-ko's vocabulary, and a history near the end of a long answer in its 4,096-token context. */
const VOCAB_SIZE = 46_336;
const HISTORY_LENGTH = 3_000;
/** The budget set for steps 1 to 5, so that sampling on the CPU never limits the tokens per second. */
const TARGET_MEDIAN_MS = 0.5;

interface Input {
  readonly ids: number[];
  readonly logits: Float32Array;
}

/**
 * Several different steps, cycled through, so that no call sees the scores its predecessor just sorted.
 * The history mixes a few hundred frequent ids with rare ones, so that ids repeat and some 3-grams are banned.
 */
function makeInputs(count: number): Input[] {
  const random = seededRandom(46_336);
  const normal = (): number => (random() + random() + random() + random() - 2) * 1.7;
  const history = Array.from({ length: HISTORY_LENGTH + count }, () =>
    random() < 0.6 ? Math.floor(random() * 400) : Math.floor(random() * VOCAB_SIZE),
  );
  return Array.from({ length: count }, (_, step) => ({
    ids: history.slice(step, step + HISTORY_LENGTH),
    logits: Float32Array.from({ length: VOCAB_SIZE }, () => normal() * 2.5),
  }));
}

interface Timing {
  readonly calls: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

function time<T>(items: readonly T[], warmUp: number, calls: number, run: (item: T) => void): Timing {
  const at = (call: number): T => {
    const item = items[call % items.length];
    if (item === undefined) throw new Error('Nothing to time.');
    return item;
  };
  for (let call = 0; call < warmUp; call++) run(at(call));
  const durations: number[] = [];
  for (let call = 0; call < calls; call++) {
    const item = at(call);
    const start = performance.now();
    run(item);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const quantile = (q: number): number => durations[Math.min(calls - 1, Math.floor(q * calls))] ?? Number.NaN;
  return { calls, medianMs: quantile(0.5), p95Ms: quantile(0.95) };
}

const sameScores = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && a.every((value, id) => Object.is(value, b[id]));

/** Per-call times of the sampling logits pipeline at the model's real size, as a Markdown section. */
export async function benchLogits(): Promise<string> {
  const inputs = makeInputs(16);
  const params = MODEL_CARD_SAMPLING;
  const pipeline = new LogitsPipeline(VOCAB_SIZE);
  const out = new Float32Array(VOCAB_SIZE);

  // Yields once, so that the caller's pending work does not land inside the first timed calls.
  await new Promise((resolve) => setTimeout(resolve, 50));

  // The fast variants go first: the naive one leaves megabytes of garbage whose collection would be timed.
  const rows: [string, Timing][] = [
    [
      '`processLogits` (new output array per call)',
      time(inputs, 50, 300, (i) => processLogits(i.ids, i.logits, params)),
    ],
    [
      '`LogitsPipeline.process` (reused output array)',
      time(inputs, 50, 300, (i) => pipeline.process(i.ids, i.logits, params, out)),
    ],
  ];
  const processed = inputs.map(({ ids, logits }) => processLogits(ids, logits, params));
  const random = seededRandom(6);
  const draw = time(processed, 50, 300, (scores) => sampleToken(softmax(scores), random));
  rows.push([
    '`processLogitsNaive` (Sets, full sorts)',
    time(inputs, 3, 30, (i) => processLogitsNaive(i.ids, i.logits, params)),
  ]);
  const identical = inputs.every(({ ids, logits }, step) =>
    sameScores(processed[step] ?? new Float32Array(0), processLogitsNaive(ids, logits, params)),
  );
  const fast = rows.slice(0, 2).map(([, timing]) => timing.medianMs);
  const pass = identical && fast.every((median) => median <= TARGET_MEDIAN_MS);
  const ms = (value: number): string => `${value.toFixed(3)} ms`;

  return [
    '## Sampling: processLogits per token',
    '',
    `Steps 1 to 5 of the model card's sampling (repetition penalty ${params.repetitionPenalty}, no-repeat ` +
      `${params.noRepeatNgramSize}-grams, top-k ${params.topK}, top-p ${params.topP}) on ${VOCAB_SIZE.toLocaleString('en')} ` +
      `float32 logits with a ${HISTORY_LENGTH.toLocaleString('en')}-token history, cycling through ${inputs.length} ` +
      'seeded random steps.',
    '',
    '| Variant | Calls | Median | p95 |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(([label, t]) => `| ${label} | ${t.calls} | ${ms(t.medianMs)} | ${ms(t.p95Ms)} |`),
    '',
    `Step 6, not part of the target: \`softmax\` then \`sampleToken\` on the processed scores take a median of ` +
      `${ms(draw.medianMs)} (p95 ${ms(draw.p95Ms)}) per token.`,
    '',
    `Target: median ≤ ${TARGET_MEDIAN_MS} ms per call for both fast variants, with outputs identical to the naive ` +
      `reference (${identical ? 'they are' : 'they are NOT'}): **${pass ? 'PASS' : 'FAIL'}**.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchLogits());
}
