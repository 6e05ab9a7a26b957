import type { StateCreator } from 'zustand/vanilla';
import { toErrorInfo, type ChatEngine, type LoadOptions } from '../engine/chat-engine';
import { hasTrait } from '../engine/error-codes';
import { chooseModelRecord, gpuMemoryOf } from '../engine/model-records';
import type { FolderFile, GpuReport, LoadedModel, ModelSelection } from '../engine/protocol';
import { adapterKey, recordFailure, recordLoaded, type ModelChoice } from './gpu-fit';
import { GpuFitStorage, memoryStorage, type KeyValueStorage } from './gpu-fit-storage';
import { LoadSpeedMeter, LoadTimer } from './load-progress';
import { decidePreflight, type StorageFacts } from './preflight';
import type { LoadAttempt, ModelStatus, PersistenceState, PreflightState } from './types';

/** The slice of `navigator.storage` the store uses. */
export interface StorageAccess {
  estimate(): Promise<{ quota?: number; usage?: number }>;
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
}

/** One model per browser: a lock that only one tab holds (Web Locks in the app). */
export interface TabLock {
  /** Takes the lock (stealing it from another tab when asked); false when another tab holds it. */
  acquire(options: { readonly steal: boolean }, onLost: () => void): Promise<boolean>;
  release(): void;
}

export interface ModelSliceDependencies {
  readonly engine: ChatEngine;
  /** Absolute URL of the folder that holds `<model id>/resolve/main/…`. */
  readonly artifactsBaseUrl: string;
  readonly storage?: StorageAccess;
  readonly tabLock?: TabLock;
  readonly now: () => number;
  /** Where the choice of build and window and what loads showed of each GPU are kept (`localStorage`). */
  readonly fitStorage?: KeyValueStorage;
  /** The browser and its version (`navigator.userAgent`): a new version tries the largest window again. */
  readonly browser?: string;
  /** Stops the answer being written (the conversation slice's): the model is going away. */
  readonly stopAnswer: () => void;
}

/** The model's life: the device check, loading (from a host or a folder), and who holds it. */
export interface ModelSlice {
  readonly preflight: PreflightState;
  readonly model: ModelStatus;
  readonly persistence: PersistenceState;

  /** Asks the device and the browser what they offer; downloads nothing. */
  readonly checkDevice: () => Promise<void>;
  readonly loadModel: () => Promise<void>;
  readonly cancelLoad: () => void;
  /** Copies a model folder from disk into the browser's cache, then loads the model from there. */
  readonly importFolder: (files: readonly FolderFile[]) => Promise<void>;
  /** Takes the model over from another tab of this browser, then loads it here. */
  readonly takeOver: () => Promise<void>;
  /** Removes the model's files from the browser's cache (unloading it first). */
  readonly deleteModelFiles: () => Promise<void>;
  /** The user's choice of build and window (unset: chosen for the device); it applies at the next load. */
  readonly modelChoice: ModelChoice;
  readonly chooseModel: (choice: ModelChoice) => void;
  /** Unloads the model and loads it again with the current choice. */
  readonly reloadModel: () => Promise<void>;
  /** Forgets what loads showed of this GPU's memory, so the next load tries the largest window again. */
  readonly forgetGpuFit: () => void;
}

/**
 * The window that ran out of GPU memory just above the one loaded, on this visit or an earlier one: the
 * ready model says that memory made its window smaller. Not when the user chose the loaded window.
 */
function ranOutAbove(
  preflight: Extract<PreflightState, { kind: 'ready' }>,
  contextWindow: number,
): number | undefined {
  return preflight.windows
    .filter((option) => option.status === 'failed' && option.contextWindow > contextWindow)
    .at(-1)?.contextWindow;
}

async function readStorage(storage: StorageAccess | undefined): Promise<StorageFacts> {
  if (!storage) return {};
  const noEstimate: { quota?: number; usage?: number } = {};
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => noEstimate),
    storage.persisted().catch(() => undefined),
  ]);
  return {
    ...(estimate.quota === undefined ? {} : { quotaBytes: estimate.quota }),
    ...(estimate.usage === undefined ? {} : { usageBytes: estimate.usage }),
    ...(persisted === undefined ? {} : { persisted }),
  };
}

export function createModelSlice({
  engine,
  artifactsBaseUrl,
  storage,
  tabLock,
  now,
  fitStorage = memoryStorage(),
  browser = '',
  stopAnswer,
}: ModelSliceDependencies): StateCreator<ModelSlice> {
  return (set, get) => {
    /** The load (or folder import) in progress; its outcome counts only while it is still this one. */
    let current: { readonly controller: AbortController; readonly ended: Promise<void> } | undefined;
    const selection = (modelId: string): ModelSelection => ({ modelId, artifactsBaseUrl });
    const fit = new GpuFitStorage(fitStorage, now);
    /** What the last device check found, from which the decision is made again when the fit changes. */
    let facts: { gpu: GpuReport; storage: StorageFacts; cachedId: string | undefined } | undefined;

    /** Decides again from the last device check, what loads showed of this GPU and the user's choice. */
    function decide(): void {
      if (!facts) return;
      const { gpu, storage: storageFacts, cachedId } = facts;
      const choice = fit.choice();
      const outcomes = gpu.kind === 'adapter' ? fit.outcomes(adapterKey(gpu, browser)) : undefined;
      set({
        modelChoice: choice,
        preflight: decidePreflight(gpu, storageFacts, (model) => model.id === cachedId, {
          choice,
          outcomes: outcomes ?? { failed: {}, loaded: {} },
        }),
      });
    }

    /** Whether the build the device check would choose is cached, read again from the engine. */
    async function cachedBuild(gpu: GpuReport): Promise<string | undefined> {
      if (gpu.kind !== 'adapter') return undefined;
      const candidate = chooseModelRecord(gpu.features, fit.choice().quantization);
      const cached = await engine.isCached(selection(candidate.id)).catch(() => false);
      return cached ? candidate.id : undefined;
    }

    /**
     * Stops the load in progress, leaving the state to the caller, and resolves once the engine has ended it:
     * a load from the cache runs on for seconds after a cancel, and unloading before it ends would leave
     * its model on the GPU.
     */
    function abandonLoad(): Promise<void> {
      const load = current;
      current = undefined;
      load?.controller.abort();
      return load?.ended ?? Promise.resolve();
    }

    /** Another tab took the model: stop using it here, keep the conversation. */
    function onLockLost(): void {
      stopAnswer();
      const ended = abandonLoad();
      set({ model: { kind: 'taken-over' } });
      void ended.then(() => engine.unload()).catch(() => undefined);
    }

    /**
     * Runs a load-like task with progress and cancel; resolves true when it finished. A cancelled task ends
     * in idle whatever the engine answers and in whatever order: `load-cancelled`, another error the cancel
     * caused, or a model that finished loading anyway (the task unloads it).
     */
    async function withProgress(task: (options: Required<LoadOptions>) => Promise<void>): Promise<boolean> {
      const controller = new AbortController();
      let end = (): void => undefined;
      const mine = { controller, ended: new Promise<void>((resolve) => (end = resolve)) };
      current = mine;
      const meter = new LoadSpeedMeter(now);
      set({ model: { kind: 'loading', progress: undefined } });
      try {
        await task({
          signal: controller.signal,
          onProgress: (progress) => {
            if (current !== mine) return;
            const { model } = get();
            const attempt = model.kind === 'loading' ? model.attempt : undefined;
            set({
              model: {
                kind: 'loading',
                progress: meter.update(progress),
                ...(attempt === undefined ? {} : { attempt }),
              },
            });
          },
        });
        if (current !== mine) return false;
        if (!controller.signal.aborted) return true;
      } catch (error) {
        if (current !== mine) return false;
        if (!controller.signal.aborted) {
          tabLock?.release();
          const info = toErrorInfo(error);
          set({ model: info.code === 'load-cancelled' ? { kind: 'idle' } : { kind: 'failed', error: info } });
          return false;
        }
      } finally {
        if (current === mine) current = undefined;
        end();
      }
      tabLock?.release();
      set({ model: { kind: 'idle' } });
      return false;
    }

    async function load(steal: boolean): Promise<void> {
      const { preflight, model } = get();
      if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
      if (tabLock && !(await tabLock.acquire({ steal }, onLockLost))) {
        set({ model: { kind: 'elsewhere' } });
        return;
      }
      const record = preflight.model;
      const adapter = adapterKey(preflight.gpu, browser);
      const chosen = fit.choice().contextWindow;
      await withProgress(async (options) => {
        if (storage && get().persistence === 'unknown') {
          // Asked before the download, so the browser does not evict gigabytes of weights under pressure.
          const granted = await storage.persist().catch(() => undefined);
          set({ persistence: granted === undefined ? 'unsupported' : granted ? 'granted' : 'denied' });
        }
        const cancelled = (): boolean => options.signal.aborted;
        let ranOut: number | undefined;
        for (const contextWindow of preflight.plan) {
          if (cancelled()) return;
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
            // A load lost for lack of memory has its files cached: the next window loads them again from
            // the cache, with a smaller KV cache, and this GPU is remembered as too small for this one.
            if (cancelled() || !hasTrait(toErrorInfo(error).code, 'memory')) throw error;
            fit.setOutcomes(
              adapter,
              recordFailure(fit.outcomes(adapter), record.quantization, contextWindow),
            );
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
            await engine.unload().catch(() => undefined);
            return;
          }
          fit.setOutcomes(adapter, recordLoaded(fit.outcomes(adapter), record.quantization, contextWindow));
          decide();
          const reduced =
            ranOut ?? (chosen === contextWindow ? undefined : ranOutAbove(preflight, contextWindow));
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
          return;
        }
        if (cancelled()) return;
        // Not even the smallest window fits: the device check says so, with the numbers, and the files
        // the download put in the cache stay there.
        tabLock?.release();
        if (facts) facts = { ...facts, cachedId: await cachedBuild(facts.gpu) };
        set({ model: { kind: 'idle' } });
        decide();
      });
    }

    return {
      preflight: { kind: 'checking' },
      model: { kind: 'idle' },
      persistence: 'unknown',
      modelChoice: {},

      async checkDevice() {
        set({ preflight: { kind: 'checking' } });
        const [gpu, storageFacts] = await Promise.all([
          engine.inspectDevice().catch((): { kind: 'no-webgpu' } => ({ kind: 'no-webgpu' })),
          readStorage(storage),
        ]);
        facts = { gpu, storage: storageFacts, cachedId: await cachedBuild(gpu) };
        if (storageFacts.persisted === true) set({ persistence: 'granted' });
        decide();
      },

      loadModel: () => load(false),

      takeOver: () => load(true),

      async importFolder(files) {
        const { preflight, model } = get();
        if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
        const imported = await withProgress((options) =>
          engine.importFolder(selection(preflight.model.id), files, options),
        );
        if (!imported) return;
        set({ model: { kind: 'idle' } });
        await get().checkDevice();
        await load(false);
      },

      cancelLoad() {
        current?.controller.abort();
      },

      async deleteModelFiles() {
        const { preflight } = get();
        // Also from a device that lacks the memory: the files it downloaded stay until deleted here.
        const target = preflight.kind === 'checking' ? undefined : preflight.model;
        if (!target) return;
        stopAnswer();
        await abandonLoad();
        await engine.unload().catch(() => undefined);
        tabLock?.release();
        set({ model: { kind: 'idle' } });
        // A step that fails leaves some files; the device check below shows what is still cached.
        await engine.deleteCached(selection(target.id)).catch(() => undefined);
        await get().checkDevice();
      },

      chooseModel(choice) {
        fit.setChoice(choice);
        const { model } = get();
        if (model.kind === 'loading') {
          set({ modelChoice: fit.choice() });
          return;
        }
        void (async () => {
          // Another build may or may not be cached: ask the engine before deciding again.
          if (facts && choice.quantization !== undefined)
            facts = { ...facts, cachedId: await cachedBuild(facts.gpu) };
          decide();
        })();
      },

      async reloadModel() {
        const { model } = get();
        if (model.kind === 'loading') return;
        if (model.kind === 'ready') {
          stopAnswer();
          await engine.unload().catch(() => undefined);
          tabLock?.release();
          set({ model: { kind: 'idle' } });
        }
        await load(false);
      },

      forgetGpuFit() {
        if (facts?.gpu.kind !== 'adapter') return;
        fit.forget(adapterKey(facts.gpu, browser));
        decide();
      },
    };
  };
}
