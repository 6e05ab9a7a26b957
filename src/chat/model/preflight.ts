import { MINIMUM_LIMITS, requestedLimits } from '../../engine/gpu-memory';
import { chooseModelRecord, usableModels, type ModelRecord } from '../../engine/model-records';
import type { GpuReport } from '../../engine/protocol';
import {
  NO_OUTCOMES,
  planWindows,
  windowOptions,
  type AdapterOutcomes,
  type ModelChoice,
  type WindowOption,
} from './gpu-fit';

/** What the browser says of its storage; every field may be missing where the API is. */
export interface StorageFacts {
  readonly quotaBytes?: number;
  readonly usageBytes?: number;
  readonly persisted?: boolean;
}

/** What earlier loads on this adapter showed, and what the user chose. */
export interface FitFacts {
  readonly outcomes: AdapterOutcomes;
  readonly choice: ModelChoice;
}

export type PreflightProblem =
  | { readonly code: 'webgpu-unavailable' }
  | { readonly code: 'no-adapter' }
  | { readonly code: 'buffer-too-small'; readonly neededBytes: number; readonly availableBytes: number }
  | { readonly code: 'storage-insufficient'; readonly neededBytes: number; readonly availableBytes: number }
  /** Even the smallest window ran out of GPU memory on this adapter; it needs about `neededBytes`. */
  | { readonly code: 'gpu-memory'; readonly contextWindow: number; readonly neededBytes: number };

export type PreflightNote = 'software-adapter' | 'no-shader-f16' | 'storage-not-persisted';

export type Preflight =
  | {
      readonly kind: 'blocked';
      readonly problems: readonly PreflightProblem[];
      readonly gpu: GpuReport;
      /** The build that was considered, when the device has an adapter, and the builds it can run. */
      readonly model?: ModelRecord;
      readonly builds?: readonly ModelRecord[];
      readonly windows?: readonly WindowOption[];
      /** Every file of that build is in the browser's cache (it stays there when memory is what is missing). */
      readonly cached: boolean;
    }
  | {
      readonly kind: 'ready';
      readonly model: ModelRecord;
      readonly gpu: Extract<GpuReport, { kind: 'adapter' }>;
      /** The builds this device can run, for the user to choose from. */
      readonly builds: readonly ModelRecord[];
      /** Every window of the build, with its estimate and what this adapter showed of it. */
      readonly windows: readonly WindowOption[];
      /** The windows to load with, in order: the first, then the smaller ones should memory run out. */
      readonly plan: readonly [number, ...number[]];
      /** Every file is in the browser's cache: the model loads without the network. */
      readonly cached: boolean;
      readonly freeBytes: number | undefined;
      readonly notes: readonly PreflightNote[];
    };

const NO_FIT: FitFacts = { outcomes: NO_OUTCOMES, choice: {} };

/** Where the adapter falls short of what web-llm asks of every device, if it does. */
function belowMinimum(gpu: Extract<GpuReport, { kind: 'adapter' }>): PreflightProblem | undefined {
  if (requestedLimits(gpu)) return undefined;
  return gpu.maxBufferSize < MINIMUM_LIMITS.maxBufferSize
    ? {
        code: 'buffer-too-small',
        neededBytes: MINIMUM_LIMITS.maxBufferSize,
        availableBytes: gpu.maxBufferSize,
      }
    : {
        code: 'buffer-too-small',
        neededBytes: MINIMUM_LIMITS.maxStorageBufferBindingSize,
        availableBytes: gpu.maxStorageBufferBindingSize,
      };
}

/**
 * Decides, before a byte of weights is fetched, whether this device can run the model, which build and at
 * which window: WebGPU and an adapter, `shader-f16` (else q4f32_1) or the user's choice of build, the buffer
 * limits web-llm asks of the adapter against each window's largest buffer, what earlier loads on this
 * adapter showed of its memory, and room in storage unless the model is already cached.
 */
export function decidePreflight(
  gpu: GpuReport,
  storage: StorageFacts,
  isCached: (model: ModelRecord) => boolean,
  fit: FitFacts = NO_FIT,
): Preflight {
  if (gpu.kind === 'no-webgpu')
    return { kind: 'blocked', problems: [{ code: 'webgpu-unavailable' }], gpu, cached: false };
  if (gpu.kind === 'no-adapter')
    return { kind: 'blocked', problems: [{ code: 'no-adapter' }], gpu, cached: false };

  const model = chooseModelRecord(gpu.features, fit.choice.quantization);
  const cached = isCached(model);
  const windows = windowOptions(model, gpu, fit.outcomes);
  const plan = planWindows(windows, fit.choice);
  const problems: PreflightProblem[] = [];
  const limits = belowMinimum(gpu);
  const smallest = windows.at(-1);
  if (limits) problems.push(limits);
  else if (smallest && smallest.status === 'over-limits') {
    problems.push({
      code: 'buffer-too-small',
      neededBytes: smallest.largestBufferBytes,
      availableBytes: smallest.limitBytes,
    });
  } else if (smallest && plan.length === 0) {
    problems.push({
      code: 'gpu-memory',
      contextWindow: smallest.contextWindow,
      neededBytes: smallest.gpuMemoryBytes,
    });
  }
  const freeBytes =
    storage.quotaBytes === undefined
      ? undefined
      : Math.max(storage.quotaBytes - (storage.usageBytes ?? 0), 0);
  if (!cached && freeBytes !== undefined && freeBytes < model.downloadBytes) {
    problems.push({
      code: 'storage-insufficient',
      neededBytes: model.downloadBytes,
      availableBytes: freeBytes,
    });
  }
  const [first, ...rest] = plan;
  const builds = usableModels(gpu.features);
  if (problems.length > 0 || first === undefined)
    return { kind: 'blocked', problems, gpu, model, builds, windows, cached };

  const notes: PreflightNote[] = [];
  if (gpu.isFallback) notes.push('software-adapter');
  if (model.requiredFeatures.length === 0 && !gpu.features.includes('shader-f16'))
    notes.push('no-shader-f16');
  if (storage.persisted === false) notes.push('storage-not-persisted');
  return {
    kind: 'ready',
    model,
    gpu,
    builds,
    windows,
    plan: [first, ...rest],
    cached,
    freeBytes,
    notes,
  };
}
