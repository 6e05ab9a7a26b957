import {
  gpuMemoryOf,
  largestBufferOf,
  windowsOf,
  type ModelRecord,
  type Quantization,
} from '../../engine/model-records';
import { requestedLimits } from '../../engine/gpu-memory';
import type { GpuReport } from '../../engine/protocol';

export type AdapterReport = Extract<GpuReport, { kind: 'adapter' }>;

/**
 * What loads on one adapter showed, per build: the smallest window that ran out of GPU memory (every larger
 * one would too) and the largest that loaded.
 */
export interface AdapterOutcomes {
  readonly failed: Partial<Record<Quantization, number>>;
  readonly loaded: Partial<Record<Quantization, number>>;
}

export const NO_OUTCOMES: AdapterOutcomes = { failed: {}, loaded: {} };

/** The user's choice of build and window; what is not set is chosen for the device. */
export interface ModelChoice {
  readonly quantization?: Quantization;
  readonly contextWindow?: number;
}

/**
 * A window as this device sees it:
 * - `untried`: nothing is known against it;
 * - `loaded`: it loaded on this adapter;
 * - `failed`: it, or a smaller window, ran out of GPU memory on this adapter;
 * - `over-limits`: one of its buffers is larger than web-llm may ask of this adapter, so it cannot load.
 */
export type WindowStatus = 'untried' | 'loaded' | 'failed' | 'over-limits';

export interface WindowOption {
  readonly contextWindow: number;
  /** The estimate of GPU memory a load at this window takes (`gpu-memory.ts`). */
  readonly gpuMemoryBytes: number;
  readonly largestBufferBytes: number;
  /** The largest buffer web-llm may create and bind on this adapter (0 when it cannot run at all). */
  readonly limitBytes: number;
  readonly status: WindowStatus;
}

/**
 * The adapter a record of outcomes belongs to: what the browser says of it, its limits, and the browser
 * itself, so that another GPU, a new driver that renames it, or a new browser version tries again.
 */
export function adapterKey(gpu: AdapterReport, browser: string): string {
  return JSON.stringify([
    gpu.vendor,
    gpu.architecture,
    gpu.description,
    gpu.isFallback,
    gpu.maxBufferSize,
    gpu.maxStorageBufferBindingSize,
    browser,
  ]);
}

/** Every window of a build, largest first, with its estimate and what this adapter showed of it. */
export function windowOptions(
  model: ModelRecord,
  gpu: AdapterReport,
  outcomes: AdapterOutcomes,
): readonly WindowOption[] {
  const limits = requestedLimits(gpu);
  const limitBytes = limits ? Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize) : 0;
  const failed = outcomes.failed[model.quantization];
  const loaded = outcomes.loaded[model.quantization];
  return windowsOf(model).map((contextWindow) => {
    const largestBufferBytes = largestBufferOf(model, contextWindow);
    const overLimits = largestBufferBytes > limitBytes;
    const status: WindowStatus = overLimits
      ? 'over-limits'
      : failed !== undefined && contextWindow >= failed
        ? 'failed'
        : loaded !== undefined && contextWindow <= loaded
          ? 'loaded'
          : 'untried';
    return {
      contextWindow,
      gpuMemoryBytes: gpuMemoryOf(model, contextWindow).totalBytes,
      largestBufferBytes,
      limitBytes,
      status,
    };
  });
}

/**
 * The windows to try, in order: the largest that can work, then the smaller ones should it run out of
 * memory. A window the user chose is tried first even when it failed before (memory may have been freed
 * since); those below it that have not failed follow.
 */
export function planWindows(options: readonly WindowOption[], choice: ModelChoice): readonly number[] {
  const open = options.filter(({ status }) => status === 'untried' || status === 'loaded');
  const chosen = options.find(
    ({ contextWindow, status }) => contextWindow === choice.contextWindow && status !== 'over-limits',
  );
  if (!chosen) return open.map(({ contextWindow }) => contextWindow);
  return [
    chosen.contextWindow,
    ...open
      .filter(({ contextWindow }) => contextWindow < chosen.contextWindow)
      .map(({ contextWindow }) => contextWindow),
  ];
}

/** A window ran out of memory: it and every larger one fail; a larger one that loaded before no longer counts. */
export function recordFailure(
  outcomes: AdapterOutcomes,
  quantization: Quantization,
  contextWindow: number,
): AdapterOutcomes {
  const failed = Math.min(outcomes.failed[quantization] ?? Infinity, contextWindow);
  const loaded = outcomes.loaded[quantization];
  return {
    failed: { ...outcomes.failed, [quantization]: failed },
    loaded: without(outcomes.loaded, quantization, loaded !== undefined && loaded >= failed),
  };
}

/** A window loaded: it and every smaller one fit; a failure at or below it was the device's state then. */
export function recordLoaded(
  outcomes: AdapterOutcomes,
  quantization: Quantization,
  contextWindow: number,
): AdapterOutcomes {
  const loaded = Math.max(outcomes.loaded[quantization] ?? 0, contextWindow);
  const failed = outcomes.failed[quantization];
  return {
    failed: without(outcomes.failed, quantization, failed !== undefined && failed <= loaded),
    loaded: { ...outcomes.loaded, [quantization]: loaded },
  };
}

function without(
  windows: Partial<Record<Quantization, number>>,
  quantization: Quantization,
  drop: boolean,
): Partial<Record<Quantization, number>> {
  if (!drop) return windows;
  const { [quantization]: _dropped, ...rest } = windows;
  return rest;
}
