import * as v from 'valibot';
import type { ModelRecord } from '../../src/engine/model-records';
import { check, object } from '../../src/schema/issues';
import { count, FindingsBuilder, shown, type Findings } from './findings';
import type { Fetched } from './model-source';

const bytes = v.pipe(
  v.number('must be a number of bytes'),
  v.safeInteger('must be a number of bytes'),
  v.minValue(0, 'must be a number of bytes'),
);

const tensorSchema = object({
  name: v.string('must be a tensor name'),
  shape: v.array(
    v.pipe(v.number('must be a dimension'), v.safeInteger('must be a dimension'), v.minValue(0)),
    'must be a list of dimensions',
  ),
  dtype: v.string('must be a dtype'),
  nbytes: bytes,
  byteOffset: bytes,
});

/** tvmjs reads `records[i].dataPath` and `nbytes` (`fetchTensorCacheInternal`), then each tensor of the shard. */
const tensorCacheSchema = object({
  records: v.pipe(
    v.array(
      object({
        dataPath: v.pipe(v.string('must be a file name'), v.minLength(1, 'must be a file name')),
        nbytes: bytes,
        records: v.array(tensorSchema, 'must be a list of tensors'),
      }),
      'must be a list of shards',
    ),
    v.minLength(1, 'must list at least one shard'),
  ),
});

export type TensorCache = v.InferOutput<typeof tensorCacheSchema>;

/** MLC's names: `model.embed_tokens.q_weight` (and `.q_scale`), `lm_head.q_weight`; the first dimension is the vocabulary. */
const EMBEDDING = /(?:^|\.)embed_tokens\.[\w]+$/;
const OUTPUT = /(?:^|\.)lm_head\.[\w]+$/;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface TensorCacheExpectations {
  readonly record: ModelRecord;
  readonly vocabSize: number;
  /** The size of a file of the folder (the shards are not downloaded where a HEAD answers). */
  readonly sizeOf: (file: string) => Promise<Fetched<number>>;
}

const copyShards = 'copy every params_shard_*.bin of the build, as it is, next to tensor-cache.json';

/** `tensor-cache.json`, its shards on the host, the weights' total and the vocabulary of both embeddings. */
export async function checkTensorCache(json: unknown, expected: TensorCacheExpectations): Promise<Findings> {
  const findings = new FindingsBuilder('tensor-cache.json');
  const parsed = check(tensorCacheSchema, json, 'tensor-cache.json');
  if (!parsed.ok) {
    findings.problem(
      'tensor-cache-invalid',
      `${parsed.reason}: this is not the index convert_weight writes; copy the build's tensor-cache.json (an ` +
        'MLC that writes ndarray-cache.json is too old for web-llm 0.2.86).',
    );
    return findings.build();
  }
  const shards = parsed.value.records;
  const { record, vocabSize } = expected;

  const layout = findings.problemCount;
  for (const shard of shards) {
    for (const tensor of shard.records) {
      if (tensor.byteOffset + tensor.nbytes > shard.nbytes) {
        findings.problem(
          'tensor-cache-invalid',
          `tensor-cache.json: ${tensor.name} (bytes ${count(tensor.byteOffset)} to ` +
            `${count(tensor.byteOffset + tensor.nbytes)}) does not fit in ${shard.dataPath} of ` +
            `${count(shard.nbytes)} bytes: the index is damaged; copy the build's tensor-cache.json again.`,
        );
      }
    }
  }
  findings.passIfClean(layout, 'every tensor within its shard');

  const sizes = await mapLimited(shards, 8, (shard) => expected.sizeOf(shard.dataPath));
  const files = findings.problemCount;
  shards.forEach((shard, index) => {
    const size = sizes[index];
    if (!size) return;
    if (!size.ok) {
      findings.problem(
        'shard-missing',
        `${shard.dataPath}, listed in tensor-cache.json, is missing (${size.reason}): ${copyShards}.`,
      );
    } else if (size.value !== shard.nbytes) {
      findings.problem(
        'shard-size',
        `${shard.dataPath} is ${count(size.value)} bytes but tensor-cache.json lists ${count(shard.nbytes)}: ` +
          `it is ${size.value < shard.nbytes ? 'truncated' : 'not this build’s'}; ${copyShards}.`,
      );
    }
  });
  findings.passIfClean(files, `${shards.length} shards present with the listed sizes`);

  const total = shards.reduce((sum, shard) => sum + shard.nbytes, 0);
  if (total === record.weightBytes) {
    findings.pass(`${count(total)} bytes of weights, as models.json says`);
  } else {
    findings.problem(
      'weight-bytes',
      `tensor-cache.json lists ${count(total)} bytes of weights but model-config/models.json gives ${record.id} ` +
        `weightBytes ${count(record.weightBytes)}: if this is the right build, set weightBytes to ${total} (the app ` +
        'plans GPU memory and storage with it; keep downloadBytes in step).',
    );
  }

  const tensors = shards.flatMap((shard) => shard.records);
  const rows = findings.problemCount;
  for (const [what, pattern] of [
    ['embedding (model.embed_tokens.*)', EMBEDDING],
    ['output layer (lm_head.*)', OUTPUT],
  ] as const) {
    const found = tensors.filter((tensor) => pattern.test(tensor.name));
    if (found.length === 0) {
      findings.problem(
        'vocab-rows',
        `tensor-cache.json has no ${what} tensor, so its vocabulary cannot be checked: this is not a Llama ` +
          'conversion of kfkas/Llama-2-ko-7b-Chat; convert the model again.',
      );
    }
    for (const tensor of found) {
      if (tensor.shape[0] !== vocabSize) {
        findings.problem(
          'vocab-rows',
          `tensor-cache.json: ${tensor.name} has ${count(tensor.shape[0] ?? 0)} rows (shape ${shown(tensor.shape)}), ` +
            `expected ${count(vocabSize)}: the weights come from a model without the Korean vocabulary; convert ` +
            'kfkas/Llama-2-ko-7b-Chat again.',
        );
      }
    }
  }
  findings.passIfClean(rows, `embedding and lm_head with ${count(vocabSize)} rows`);
  return findings.build();
}
