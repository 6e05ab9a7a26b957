import type { ChatEngine } from '../../engine/chat-engine';
import { chooseModelRecord } from '../../engine/model-records';
import type { GpuReport, ModelSelection } from '../../engine/protocol';
import { adapterKey } from './gpu-fit';
import type { GpuFitStorage } from './gpu-fit-storage';
import type { ModelSlice, StorageAccess } from './model-state';
import { readStorage } from './model-storage';
import { decidePreflight, type StorageFacts } from './preflight';
import type { StoreAccess } from '../store-access';

export interface DeviceCheckDependencies extends StoreAccess<
  Pick<ModelSlice, 'preflight' | 'model' | 'persistence' | 'modelChoice'>
> {
  readonly engine: ChatEngine;
  readonly storage: StorageAccess | undefined;
  /** The user's choice and what loads showed of each GPU. */
  readonly fit: GpuFitStorage;
  /** The browser and its version: a new version tries the largest window again. */
  readonly browser: string;
  readonly selection: (modelId: string) => ModelSelection;
}

/** The device check and the decision made from it, again whenever the choice or the fit changes. */
export interface DeviceCheck {
  readonly actions: Pick<ModelSlice, 'checkDevice' | 'ensureDeviceCheck' | 'chooseModel' | 'forgetGpuFit'>;
  /** Decides again from the last device check, what loads showed of this GPU and the user's choice. */
  readonly decide: () => void;
  /** Asks the engine again whether the build the device check would choose is cached (not deciding again). */
  readonly recheckCache: () => Promise<void>;
}

export function createDeviceCheck({
  get,
  set,
  engine,
  storage,
  fit,
  browser,
  selection,
}: DeviceCheckDependencies): DeviceCheck {
  /** What the last device check found, from which the decision is made again when the fit changes. */
  let facts: { gpu: GpuReport; storage: StorageFacts; cachedId: string | undefined } | undefined;
  let started = false;

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

  async function recheckCache(): Promise<void> {
    if (facts) facts = { ...facts, cachedId: await cachedBuild(facts.gpu) };
  }

  async function checkDevice(): Promise<void> {
    started = true;
    set({ preflight: { kind: 'checking' } });
    const [gpu, storageFacts] = await Promise.all([
      engine.inspectDevice().catch((): { kind: 'no-webgpu' } => ({ kind: 'no-webgpu' })),
      readStorage(storage),
    ]);
    facts = { gpu, storage: storageFacts, cachedId: await cachedBuild(gpu) };
    if (storageFacts.persisted === true) set({ persistence: 'granted' });
    decide();
  }

  return {
    decide,
    recheckCache,
    actions: {
      checkDevice,

      ensureDeviceCheck() {
        if (!started) void checkDevice();
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
          if (choice.quantization !== undefined) await recheckCache();
          decide();
        })();
      },

      forgetGpuFit() {
        if (facts?.gpu.kind !== 'adapter') return;
        fit.forget(adapterKey(facts.gpu, browser));
        decide();
      },
    },
  };
}
