import catalogJson from '../../model-config/models.json';
import * as v from 'valibot';
import { describeIssues } from '../schema/issues';

const quantizations = ['q4f16_1', 'q4f32_1'] as const;
export type Quantization = (typeof quantizations)[number];

const positive = v.pipe(
  v.number('must be a positive number'),
  v.finite('must be a positive number'),
  v.gtValue(0, 'must be a positive number'),
);
const text = v.pipe(
  v.string('must be a non-empty string'),
  v.check((value) => value.trim() !== '', 'must be a non-empty string'),
);

const modelRecordSchema = v.object(
  {
    id: text,
    quantization: v.picklist(quantizations, `must be one of ${quantizations.join(', ')}`),
    /** File name of the compiled WebGPU model library, next to the weights (versioned: web-llm caches it forever). */
    modelLib: v.pipe(text, v.regex(/^[\w.-]+\.wasm$/, 'must be a plain .wasm file name')),
    /** WebGPU features the library needs (`shader-f16` for q4f16_1). */
    requiredFeatures: v.array(text, 'must be a list'),
    contextWindow: positive,
    /** Weights, tokenizer and library together: what a first load downloads. */
    downloadBytes: positive,
    /** GPU memory the model needs at the full context window (an estimate; WebGPU cannot report free memory). */
    gpuMemoryBytes: positive,
    /** The largest single GPU buffer the library allocates; the adapter's buffer limits must allow it. */
    maxBufferBytes: positive,
    generation: v.object(
      {
        temperature: positive,
        topK: positive,
        topP: positive,
        repetitionPenalty: positive,
        noRepeatNgramSize: positive,
        maxNewTokens: positive,
        eosTokenId: positive,
      },
      'must be an object',
    ),
  },
  'must be an object',
);

const modelCatalogSchema = v.pipe(
  v.object(
    {
      defaultModelId: text,
      models: v.pipe(
        v.array(modelRecordSchema, 'must be a non-empty list'),
        v.minLength(1, 'must be a non-empty list'),
        v.check(
          (models) => new Set(models.map(({ id }) => id)).size === models.length,
          'must have unique ids',
        ),
      ),
    },
    'must be an object',
  ),
  v.forward(
    v.check(
      ({ defaultModelId, models }) => models.some(({ id }) => id === defaultModelId),
      (issue) => `names no model: ${String((issue.input as { defaultModelId: unknown }).defaultModelId)}`,
    ),
    ['defaultModelId'],
  ),
);

/** One build of the model, as `model-config/models.json` describes it. */
export type ModelRecord = v.InferOutput<typeof modelRecordSchema>;

export type ModelCatalog = v.InferOutput<typeof modelCatalogSchema>;

/** Checks the catalog's shape; a deployer's mistake fails the build's tests, not a user's download. */
export function parseModelCatalog(value: unknown): ModelCatalog {
  const result = v.safeParse(modelCatalogSchema, value, { abortEarly: true });
  if (!result.success) {
    const problem = describeIssues(result.issues, '', ' ');
    throw new TypeError(`model-config/models.json: ${problem.startsWith(' ') ? 'the file' : ''}${problem}`);
  }
  return result.output;
}

export const modelCatalog: ModelCatalog = parseModelCatalog(catalogJson);

export function findModelRecord(modelId: string): ModelRecord | undefined {
  return modelCatalog.models.find((model) => model.id === modelId);
}

/** The build for a device: q4f16_1 needs `shader-f16`; without it, the q4f32_1 build. */
export function chooseModelRecord(features: readonly string[]): ModelRecord {
  const usable = modelCatalog.models.filter((model) =>
    model.requiredFeatures.every((f) => features.includes(f)),
  );
  const preferred = usable.find((model) => model.quantization === 'q4f16_1') ?? usable[0];
  if (!preferred) throw new Error('model-config/models.json has no build that needs no optional feature.');
  return preferred;
}

/**
 * Where model files live: the deployer's `VITE_MODEL_BASE_URL` (absolute, or relative to the app), else the
 * app's own `models/` folder. Each model then sits at `<base><model id>/resolve/main/…`.
 */
export function resolveArtifactsBase(setting: string | undefined, documentBase: string): string {
  const base = new URL(setting?.trim() || 'models/', documentBase).href;
  return base.endsWith('/') ? base : `${base}/`;
}
