import catalogJson from '../../model-config/models.json';
import * as v from 'valibot';
import { describeIssues } from '../schema/issues';
import {
  estimateGpuMemory,
  largestBufferBytes,
  type GpuMemoryEstimate,
  type ModelShape,
  type Quantization,
} from './gpu-memory';

export type { Quantization };

const quantizations = ['q4f16_1', 'q4f32_1'] as const satisfies readonly Quantization[];

const positive = v.pipe(
  v.number('must be a positive number'),
  v.finite('must be a positive number'),
  v.gtValue(0, 'must be a positive number'),
);
const tokens = v.pipe(
  v.number('must be a whole number of tokens'),
  v.safeInteger('must be a whole number of tokens'),
  v.gtValue(0, 'must be a positive number of tokens'),
);
const count = v.pipe(
  v.number('must be a count'),
  v.safeInteger('must be a count'),
  v.gtValue(0, 'must be a count'),
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
    /** The largest window of the build: `context_window_size` of its `mlc-chat-config.json`. */
    contextWindow: tokens,
    /** The most prompt tokens of one forward pass, compiled into the library. */
    prefillChunkSize: tokens,
    /** The total of `nbytes` in the build's `tensor-cache.json`: the weights on the GPU. */
    weightBytes: positive,
    /** Weights, tokenizer and library together: what a first load downloads. */
    downloadBytes: positive,
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
      /** The model's shape, from its `config.json`: what sizes the KV cache and the buffers. */
      architecture: v.object(
        {
          layers: count,
          attentionHeads: count,
          kvHeads: count,
          headDim: count,
          hiddenSize: count,
          intermediateSize: count,
          vocabSize: count,
        },
        'must be an object',
      ),
      /** The context windows the app offers, largest first; a build offers those up to its own. */
      contextWindows: v.pipe(
        v.array(tokens, 'must be a non-empty list of windows'),
        v.minLength(1, 'must be a non-empty list of windows'),
        v.check(
          (windows) => windows.every((window, i) => i === 0 || window < (windows[i - 1] ?? 0)),
          'must go from the largest window to the smallest',
        ),
      ),
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

/** The builds a device can run: those whose required features it has. */
export function usableModels(features: readonly string[]): readonly ModelRecord[] {
  return modelCatalog.models.filter((model) => model.requiredFeatures.every((f) => features.includes(f)));
}

/**
 * The build for a device: the user's choice when the device runs it, else q4f16_1 where `shader-f16` is
 * there (smaller and faster), else the q4f32_1 build.
 */
export function chooseModelRecord(features: readonly string[], chosen?: Quantization): ModelRecord {
  const usable = usableModels(features);
  const preferred =
    usable.find((model) => model.quantization === chosen) ??
    usable.find((model) => model.quantization === 'q4f16_1') ??
    usable[0];
  if (!preferred) throw new Error('model-config/models.json has no build that needs no optional feature.');
  return preferred;
}

/** The model's shape, shared by every build. */
export const modelShape: ModelShape = modelCatalog.architecture;

/** The windows a build can load with, largest first: the catalog's, up to the build's own. */
export function windowsOf(model: ModelRecord): readonly number[] {
  return modelCatalog.contextWindows.filter((window) => window <= model.contextWindow);
}

/** The GPU memory a build needs at a window (see `gpu-memory.ts`). */
export function gpuMemoryOf(model: ModelRecord, contextWindow: number): GpuMemoryEstimate {
  return estimateGpuMemory(modelShape, model, contextWindow);
}

/** The largest single GPU buffer a build creates and binds at a window. */
export function largestBufferOf(model: ModelRecord, contextWindow: number): number {
  return largestBufferBytes(modelShape, model, contextWindow);
}

/**
 * Where model files live: the deployer's `VITE_MODEL_BASE_URL` (absolute, or relative to the app), else the
 * app's own `models/` folder. Each model then sits at `<base><model id>/resolve/main/…`.
 */
export function resolveArtifactsBase(setting: string | undefined, documentBase: string): string {
  const base = new URL(setting?.trim() || 'models/', documentBase).href;
  return base.endsWith('/') ? base : `${base}/`;
}
