import type { StateCreator } from 'zustand/vanilla';
import { toErrorInfo, type ChatEngine, type LoadOptions } from '../engine/chat-engine';
import { chooseModelRecord } from '../engine/model-records';
import type { FolderFile, ModelSelection } from '../engine/protocol';
import { LoadSpeedMeter } from './load-progress';
import { decidePreflight, type StorageFacts } from './preflight';
import type { ChatState } from './chat-store';
import type { ModelStatus, PersistenceState, PreflightState } from './types';

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
  stopAnswer,
}: ModelSliceDependencies): StateCreator<ChatState, [], [], ModelSlice> {
  return (set, get) => {
    /** The load (or folder import) in progress; its outcome counts only while it is still this one. */
    let current: { readonly controller: AbortController; readonly ended: Promise<void> } | undefined;
    const selection = (modelId: string): ModelSelection => ({ modelId, artifactsBaseUrl });

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
            if (current === mine) set({ model: { kind: 'loading', progress: meter.update(progress) } });
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
      const target = selection(preflight.model.id);
      await withProgress(async (options) => {
        if (storage && get().persistence === 'unknown') {
          // Asked before the download, so the browser does not evict gigabytes of weights under pressure.
          const granted = await storage.persist().catch(() => undefined);
          set({ persistence: granted === undefined ? 'unsupported' : granted ? 'granted' : 'denied' });
        }
        const cancelled = (): boolean => options.signal.aborted;
        if (cancelled()) return;
        const loaded = await engine.load(target, options);
        const offline = await engine.isCached(target).catch(() => false);
        // Cancelled too late for the engine to notice: the model is loaded, and must not stay.
        if (cancelled()) await engine.unload().catch(() => undefined);
        else set({ model: { kind: 'ready', model: loaded, offline } });
      });
    }

    return {
      preflight: { kind: 'checking' },
      model: { kind: 'idle' },
      persistence: 'unknown',

      async checkDevice() {
        set({ preflight: { kind: 'checking' } });
        const [gpu, facts] = await Promise.all([
          engine.inspectDevice().catch((): { kind: 'no-webgpu' } => ({ kind: 'no-webgpu' })),
          readStorage(storage),
        ]);
        const candidate = gpu.kind === 'adapter' ? chooseModelRecord(gpu.features) : undefined;
        const cached = candidate ? await engine.isCached(selection(candidate.id)).catch(() => false) : false;
        if (facts.persisted === true) set({ persistence: 'granted' });
        set({ preflight: decidePreflight(gpu, facts, (model) => cached && model.id === candidate?.id) });
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
        if (preflight.kind !== 'ready') return;
        stopAnswer();
        await abandonLoad();
        await engine.unload().catch(() => undefined);
        tabLock?.release();
        set({ model: { kind: 'idle' } });
        // A step that fails leaves some files; the device check below shows what is still cached.
        await engine.deleteCached(selection(preflight.model.id)).catch(() => undefined);
        await get().checkDevice();
      },
    };
  };
}
