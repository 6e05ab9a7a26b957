import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelSelection, ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { adapterKey } from './gpu-fit';
import { GpuFitStorage, memoryStorage } from './gpu-fit-storage';
import { createDeviceCheck } from './model-device-check';
import type { ModelSlice, StorageAccess } from './model-state';

const BROWSER = 'Chrome/156 (test)';
const selection = (modelId: string): ModelSelection => ({
  modelId,
  artifactsBaseUrl: 'http://localhost/models/',
});

/** The device check over the scripted engine's device, a store with only the model's state, and the fit kept. */
function deviceCheck(scenario: ScriptedScenario = {}, storage?: StorageAccess) {
  const engine = new ScriptedEngine(scenario);
  const store = createStore<Pick<ModelSlice, 'preflight' | 'model' | 'persistence' | 'modelChoice'>>()(
    () => ({
      preflight: { kind: 'checking' },
      model: { kind: 'idle' },
      persistence: 'unknown',
      modelChoice: {},
    }),
  );
  const fit = new GpuFitStorage(memoryStorage(), () => 0);
  const check = createDeviceCheck({
    get: store.getState,
    set: store.setState,
    engine,
    storage,
    fit,
    browser: BROWSER,
    selection,
  });
  return { engine, store, fit, check, ...check.actions };
}

describe('the device check', () => {
  it('is started once by whichever screen first needs it, and not before', async () => {
    const { engine, store, ensureDeviceCheck } = deviceCheck({ gpu: 'no-adapter' });
    const inspect = vi.spyOn(engine, 'inspectDevice');
    expect(inspect).not.toHaveBeenCalled();
    ensureDeviceCheck();
    ensureDeviceCheck();
    await vi.waitFor(() => expect(store.getState().preflight.kind).toBe('blocked'));
    ensureDeviceCheck();
    expect(inspect).toHaveBeenCalledTimes(1);
  });

  it('blocks when WebGPU has no adapter', async () => {
    const { store, checkDevice } = deviceCheck({ gpu: 'no-adapter' });
    await checkDevice();
    expect(store.getState().preflight).toMatchObject({ kind: 'blocked', problems: [{ code: 'no-adapter' }] });
  });

  it('picks q4f16_1 with shader-f16 and q4f32_1 without it', async () => {
    const withF16 = deviceCheck({ gpu: 'f16' });
    await withF16.checkDevice();
    expect(withF16.store.getState().preflight).toMatchObject({
      kind: 'ready',
      model: { quantization: 'q4f16_1' },
    });
    const without = deviceCheck({ gpu: 'no-f16' });
    await without.checkDevice();
    expect(without.store.getState().preflight).toMatchObject({
      kind: 'ready',
      model: { quantization: 'q4f32_1' },
      notes: ['no-shader-f16'],
    });
  });

  it('says the browser keeps the files when it already promised to', async () => {
    const storage: StorageAccess = {
      estimate: () => Promise.resolve({ quota: 100e9, usage: 0 }),
      persisted: () => Promise.resolve(true),
      persist: () => Promise.resolve(true),
    };
    const { store, checkDevice } = deviceCheck({}, storage);
    await checkDevice();
    expect(store.getState().persistence).toBe('granted');
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', freeBytes: 100e9 });
  });

  it('says whether the chosen build is cached, asking the engine again when told to', async () => {
    const { engine, store, check, checkDevice } = deviceCheck();
    await checkDevice();
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', cached: false });
    await engine.importFolder(selection('Llama-2-ko-7b-Chat-q4f16_1-MLC'), [
      { path: 'model/mlc-chat-config.json', file: new Blob(['{}']) },
    ]);
    check.decide();
    expect(store.getState().preflight).toMatchObject({ cached: false });
    await check.recheckCache();
    check.decide();
    expect(store.getState().preflight).toMatchObject({ cached: true });
  });
});

describe('the user’s choice of build and window', () => {
  it('is decided from again at once, with the other build’s cache asked about', async () => {
    const { store, chooseModel, checkDevice } = deviceCheck();
    await checkDevice();
    chooseModel({ quantization: 'q4f32_1', contextWindow: 2048 });
    await expect
      .poll(() => store.getState().preflight)
      .toMatchObject({
        kind: 'ready',
        model: { quantization: 'q4f32_1' },
        plan: [2048, 1024],
      });
    expect(store.getState().modelChoice).toEqual({ quantization: 'q4f32_1', contextWindow: 2048 });
  });

  it('applies at the next load while one runs: only the choice shown changes', async () => {
    const { store, chooseModel, checkDevice } = deviceCheck();
    await checkDevice();
    const before = store.getState().preflight;
    store.setState({ model: { kind: 'loading', progress: undefined } });
    chooseModel({ contextWindow: 1024 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.getState().modelChoice).toEqual({ contextWindow: 1024 });
    expect(store.getState().preflight).toBe(before);
  });
});

describe('forgetting what loads showed of this GPU', () => {
  it('plans the largest window first again', async () => {
    const { store, fit, forgetGpuFit, checkDevice } = deviceCheck();
    await checkDevice();
    const preflight = store.getState().preflight;
    if (preflight.kind !== 'ready') throw new Error('expected a ready device check');
    fit.setOutcomes(adapterKey(preflight.gpu, BROWSER), { failed: { q4f16_1: 4096 }, loaded: {} });
    await checkDevice();
    expect(store.getState().preflight).toMatchObject({ plan: [2048, 1024] });
    forgetGpuFit();
    expect(store.getState().preflight).toMatchObject({ plan: [4096, 2048, 1024] });
  });
});
