import { toErrorInfo, type ChatEngine, type LoadOptions } from '../../engine/chat-engine';
import { hasTrait } from '../../engine/error-codes';
import { gpuMemoryOf } from '../../engine/model-records';
import type { LoadedModel, ModelSelection } from '../../engine/protocol';
import { recordFailure, recordLoaded } from './gpu-fit';
import type { GpuFitStorage } from './gpu-fit-storage';
import { LoadTimer } from './load-progress';
import type { ModelSlice } from './model-state';
import type { StoreWrite } from '../store-access';
import type { LoadAttempt, PreflightState } from '../types';

/** A device check that found a model to load, and the windows to try it at. */
export type ReadyPreflight = Extract<PreflightState, { kind: 'ready' }>;

/**
 * The window that ran out of GPU memory just above the one loaded, on this visit or an earlier one: the
 * ready model says that memory made its window smaller. Not when the user chose the loaded window.
 */
export function ranOutAbove(preflight: ReadyPreflight, contextWindow: number): number | undefined {
  return preflight.windows
    .filter((option) => option.status === 'failed' && option.contextWindow > contextWindow)
    .at(-1)?.contextWindow;
}

export interface WindowLoadDependencies extends StoreWrite<Pick<ModelSlice, 'model'>> {
  readonly engine: ChatEngine;
  readonly now: () => number;
  readonly selection: (modelId: string) => ModelSelection;
  /** Where what each window did on this GPU is kept, and the user's choice. */
  readonly fit: GpuFitStorage;
  /** Decides again from the device check: what a window did changes the windows it offers. */
  readonly decide: () => void;
}

/** What this load is: the device check's decision, the GPU's key, and the window the user chose, if any. */
export interface WindowLoadRequest {
  readonly preflight: ReadyPreflight;
  readonly adapter: string;
  readonly chosen: number | undefined;
}

/**
 * Loads the model at the first window of the plan that fits the GPU's memory, largest first: a window that
 * runs out of memory is remembered for this GPU and the next one is tried from the cache. `loaded`: the model
 * is ready; `cancelled`: the signal ended it (the state is left to the caller); `too-small`: no window fits.
 */
export async function loadAtFittingWindow(
  { set, engine, now, selection, fit, decide }: WindowLoadDependencies,
  { preflight, adapter, chosen }: WindowLoadRequest,
  options: Required<LoadOptions>,
): Promise<'loaded' | 'cancelled' | 'too-small'> {
  const record = preflight.model;
  const cancelled = (): boolean => options.signal.aborted;
  let ranOut: number | undefined;
  for (const contextWindow of preflight.plan) {
    if (cancelled()) return 'cancelled';
    const attempt: LoadAttempt = { contextWindow, ...(ranOut === undefined ? {} : { ranOut }) };
    set({ model: { kind: 'loading', progress: undefined, attempt } });
    let loaded: LoadedModel;
    const timer = new LoadTimer(now);
    try {
      loaded = await engine.load(
        { ...selection(record.id), contextWindow },
        {
          ...options,
          onProgress: (progress) => {
            timer.update(progress);
            options.onProgress(progress);
          },
        },
      );
    } catch (error) {
      // A load lost for lack of memory has its files cached: the next window loads them again from the
      // cache, with a smaller KV cache, and this GPU is remembered as too small for this one.
      if (cancelled() || !hasTrait(toErrorInfo(error).code, 'memory')) throw error;
      fit.setOutcomes(adapter, recordFailure(fit.outcomes(adapter), record.quantization, contextWindow));
      // A window the user chose that does not fit is not tried first again: the next load plans anew.
      const { contextWindow: choice, ...rest } = fit.choice();
      if (choice === contextWindow) fit.setChoice(rest);
      ranOut = contextWindow;
      decide();
      continue;
    }
    const offline = await engine.isCached(selection(record.id)).catch(() => false);
    // Cancelled too late for the engine to notice: the model is loaded, and must not stay.
    if (cancelled()) {
      await engine.unload().catch(() => undefined); // The cancel stands; a failed unload ends with the worker.
      return 'cancelled';
    }
    fit.setOutcomes(adapter, recordLoaded(fit.outcomes(adapter), record.quantization, contextWindow));
    decide();
    const reduced = ranOut ?? (chosen === contextWindow ? undefined : ranOutAbove(preflight, contextWindow));
    set({
      model: {
        kind: 'ready',
        model: loaded,
        offline,
        loadTimes: timer.finish(),
        fit: {
          quantization: record.quantization,
          contextWindow,
          gpuMemoryBytes: gpuMemoryOf(record, loaded.contextWindow).totalBytes,
          ...(reduced === undefined ? {} : { reducedFrom: reduced }),
        },
      },
    });
    return 'loaded';
  }
  return cancelled() ? 'cancelled' : 'too-small';
}
