import { chooseModelRecord, type ModelRecord } from '../engine/model-records';
import type { GpuReport } from '../engine/protocol';

/** What the browser says of its storage; every field may be missing where the API is. */
export interface StorageFacts {
  readonly quotaBytes?: number;
  readonly usageBytes?: number;
  readonly persisted?: boolean;
}

export type PreflightProblem =
  | { readonly code: 'webgpu-unavailable' }
  | { readonly code: 'no-adapter' }
  | { readonly code: 'buffer-too-small'; readonly neededBytes: number; readonly availableBytes: number }
  | { readonly code: 'storage-insufficient'; readonly neededBytes: number; readonly availableBytes: number };

export type PreflightNote = 'software-adapter' | 'no-shader-f16' | 'storage-not-persisted';

export type Preflight =
  | { readonly kind: 'blocked'; readonly problems: readonly PreflightProblem[]; readonly gpu: GpuReport }
  | {
      readonly kind: 'ready';
      readonly model: ModelRecord;
      readonly gpu: Extract<GpuReport, { kind: 'adapter' }>;
      /** Every file is in the browser's cache: the model loads without the network. */
      readonly cached: boolean;
      readonly freeBytes: number | undefined;
      readonly notes: readonly PreflightNote[];
    };

/**
 * Decides, before a byte of weights is fetched, whether this device can run the model and which build:
 * WebGPU and an adapter, `shader-f16` (else q4f32_1), the adapter's buffer limits, and room in storage
 * unless the model is already cached.
 */
export function decidePreflight(
  gpu: GpuReport,
  storage: StorageFacts,
  isCached: (model: ModelRecord) => boolean,
): Preflight {
  if (gpu.kind === 'no-webgpu') return { kind: 'blocked', problems: [{ code: 'webgpu-unavailable' }], gpu };
  if (gpu.kind === 'no-adapter') return { kind: 'blocked', problems: [{ code: 'no-adapter' }], gpu };

  const model = chooseModelRecord(gpu.features);
  const cached = isCached(model);
  const problems: PreflightProblem[] = [];
  const bufferLimit = Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize);
  if (bufferLimit < model.maxBufferBytes) {
    problems.push({
      code: 'buffer-too-small',
      neededBytes: model.maxBufferBytes,
      availableBytes: bufferLimit,
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
  if (problems.length > 0) return { kind: 'blocked', problems, gpu };

  const notes: PreflightNote[] = [];
  if (gpu.isFallback) notes.push('software-adapter');
  if (model.requiredFeatures.length === 0 && !gpu.features.includes('shader-f16'))
    notes.push('no-shader-f16');
  if (storage.persisted === false) notes.push('storage-not-persisted');
  return { kind: 'ready', model, gpu, cached, freeBytes, notes };
}
