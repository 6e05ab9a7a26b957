import type { StateCreator } from 'zustand/vanilla';
import type { ChatEngine } from '../../engine/chat-engine';
import type { ModelSelection } from '../../engine/protocol';
import { adapterKey } from './gpu-fit';
import { GpuFitStorage, memoryStorage, type KeyValueStorage } from './gpu-fit-storage';
import { createDeviceCheck } from './model-device-check';
import { createLoadTask } from './model-load-task';
import type { ModelSlice, StorageAccess, TabLock } from './model-state';
import { askToPersist } from './model-storage';
import { loadAtFittingWindow } from './model-window-load';

export type { ModelSlice, StorageAccess, TabLock } from './model-state';

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

/**
 * The model's life: the device check (model-device-check), the load task with its progress and cancel
 * (model-load-task), the load at the window that fits (model-window-load), and the tab that holds the model,
 * wired together here.
 */
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
    const selection = (modelId: string): ModelSelection => ({ modelId, artifactsBaseUrl });
    const fit = new GpuFitStorage(fitStorage, now);
    const device = createDeviceCheck({ get, set, engine, storage, fit, browser, selection });
    const task = createLoadTask({ get, set, now, tabLock });

    /** Another tab took the model: stop using it here, keep the conversation. */
    function onLockLost(): void {
      stopAnswer();
      const ended = task.abandon();
      set({ model: { kind: 'taken-over' } });
      void ended.then(() => engine.unload()).catch(() => undefined); // Gone with the worker if it fails; the screen says taken over.
    }

    async function load(steal: boolean): Promise<void> {
      const { preflight, model } = get();
      if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
      if (tabLock && !(await tabLock.acquire({ steal }, onLockLost))) {
        set({ model: { kind: 'elsewhere' } });
        return;
      }
      const request = {
        preflight,
        adapter: adapterKey(preflight.gpu, browser),
        chosen: fit.choice().contextWindow,
      };
      await task.run(async (options) => {
        await askToPersist(storage, { get, set });
        const outcome = await loadAtFittingWindow(
          { set, engine, now, selection, fit, decide: device.decide },
          request,
          options,
        );
        if (outcome !== 'too-small') return;
        // Not even the smallest window fits: the device check says so, with the numbers, and the files
        // the download put in the cache stay there.
        tabLock?.release();
        await device.recheckCache();
        set({ model: { kind: 'idle' } });
        device.decide();
      });
    }

    /** Lets the model go: the engine unloads it, and the lock is free for another tab. */
    async function unload(): Promise<void> {
      await engine.unload().catch(() => undefined); // A failed unload ends with the worker: the model is let go either way.
      tabLock?.release();
      set({ model: { kind: 'idle' } });
    }

    return {
      preflight: { kind: 'checking' },
      model: { kind: 'idle' },
      persistence: 'unknown',
      modelChoice: {},

      ...device.actions,

      loadModel: () => load(false),

      takeOver: () => load(true),

      async importFolder(files) {
        const { preflight, model } = get();
        if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
        const imported = await task.run((options) =>
          engine.importFolder(selection(preflight.model.id), files, options),
        );
        if (!imported) return;
        set({ model: { kind: 'idle' } });
        await get().checkDevice();
        await load(false);
      },

      cancelLoad: task.cancel,

      async deleteModelFiles() {
        const { preflight } = get();
        // Also from a device that lacks the memory: the files it downloaded stay until deleted here.
        const target = preflight.kind === 'checking' ? undefined : preflight.model;
        if (!target) return;
        stopAnswer();
        await task.abandon();
        await unload();
        // A step that fails leaves some files; the device check below shows what is still cached.
        await engine.deleteCached(selection(target.id)).catch(() => undefined); // Told by the device check below.
        await get().checkDevice();
      },

      async reloadModel() {
        const { model } = get();
        if (model.kind === 'loading') return;
        if (model.kind === 'ready') {
          stopAnswer();
          await unload();
        }
        await load(false);
      },
    };
  };
}
