import catalogJson from '../../model-config/models.json';
import type { SamplingParams } from '../generation/sampling';

export type Quantization = 'q4f16_1' | 'q4f32_1';

/** One build of the model, as `model-config/models.json` describes it. */
export interface ModelRecord {
  readonly id: string;
  readonly quantization: Quantization;
  /** File name of the compiled WebGPU model library, next to the weights (versioned: web-llm caches it forever). */
  readonly modelLib: string;
  /** WebGPU features the library needs (`shader-f16` for q4f16_1). */
  readonly requiredFeatures: readonly string[];
  readonly contextWindow: number;
  /** Weights, tokenizer and library together: what a first load downloads. */
  readonly downloadBytes: number;
  /** GPU memory the model needs at the full context window (an estimate; WebGPU cannot report free memory). */
  readonly gpuMemoryBytes: number;
  /** The largest single GPU buffer the library allocates; the adapter's buffer limits must allow it. */
  readonly maxBufferBytes: number;
  readonly generation: Omit<SamplingParams, 'seed'> & { readonly eosTokenId: number };
}

export interface ModelCatalog {
  readonly defaultModelId: string;
  readonly models: readonly ModelRecord[];
}

const quantizations: readonly Quantization[] = ['q4f16_1', 'q4f32_1'];
const generationKeys = [
  'temperature',
  'topK',
  'topP',
  'repetitionPenalty',
  'noRepeatNgramSize',
  'maxNewTokens',
  'eosTokenId',
] as const;

function fail(path: string, problem: string): never {
  throw new TypeError(`model-config/models.json: ${path} ${problem}`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(path, 'must be a non-empty string');
  return value;
}

function positive(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(path, 'must be a positive number');
  return value;
}

function parseRecord(value: unknown, path: string): ModelRecord {
  const raw = record(value, path);
  const quantization = raw['quantization'];
  if (!quantizations.includes(quantization as Quantization)) {
    fail(`${path}.quantization`, `must be one of ${quantizations.join(', ')}`);
  }
  const features = raw['requiredFeatures'];
  if (!Array.isArray(features)) fail(`${path}.requiredFeatures`, 'must be a list');
  const modelLib = text(raw['modelLib'], `${path}.modelLib`);
  if (!/^[\w.-]+\.wasm$/.test(modelLib)) fail(`${path}.modelLib`, 'must be a plain .wasm file name');
  const generation = record(raw['generation'], `${path}.generation`);
  const parsedGeneration = Object.fromEntries(
    generationKeys.map((key) => [key, positive(generation[key], `${path}.generation.${key}`)]),
  ) as unknown as ModelRecord['generation'];
  return {
    id: text(raw['id'], `${path}.id`),
    quantization: quantization as Quantization,
    modelLib,
    requiredFeatures: features.map((feature, index) => text(feature, `${path}.requiredFeatures[${index}]`)),
    contextWindow: positive(raw['contextWindow'], `${path}.contextWindow`),
    downloadBytes: positive(raw['downloadBytes'], `${path}.downloadBytes`),
    gpuMemoryBytes: positive(raw['gpuMemoryBytes'], `${path}.gpuMemoryBytes`),
    maxBufferBytes: positive(raw['maxBufferBytes'], `${path}.maxBufferBytes`),
    generation: parsedGeneration,
  };
}

/** Checks the catalog's shape; a deployer's mistake fails the build's tests, not a user's download. */
export function parseModelCatalog(value: unknown): ModelCatalog {
  const raw = record(value, 'the file');
  const modelsRaw = raw['models'];
  if (!Array.isArray(modelsRaw) || modelsRaw.length === 0) fail('models', 'must be a non-empty list');
  const models = modelsRaw.map((model, index) => parseRecord(model, `models[${index}]`));
  const ids = new Set(models.map((model) => model.id));
  if (ids.size !== models.length) fail('models', 'must have unique ids');
  const defaultModelId = text(raw['defaultModelId'], 'defaultModelId');
  if (!ids.has(defaultModelId)) fail('defaultModelId', `names no model: ${defaultModelId}`);
  return { defaultModelId, models };
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
