import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { LoadOptions } from '../../engine/chat-engine';
import type { LoadedModel, LoadPhase, LoadTarget, ScriptedScenario } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { connectScriptedEngine } from '../../test/connect-scripted';
import { createChatStore, type TabLock } from '../chat-store';
import { GpuFitStorage, memoryStorage, type KeyValueStorage } from './gpu-fit-storage';
import { adapterKey, type AdapterOutcomes } from './gpu-fit';
import type { ModelSlice } from './model-state';
import { loadAtFittingWindow, ranOutAbove, type ReadyPreflight } from './model-window-load';
import { decidePreflight } from './preflight';

/** The scripted engine in the worker, with each load's window and the phases it went through. */
class WatchedEngine extends ScriptedEngine {
  readonly loads: { contextWindow: number; phases: Set<LoadPhase> }[] = [];

  override load(model: LoadTarget, options: LoadOptions = {}): Promise<LoadedModel> {
    const phases = new Set<LoadPhase>();
    this.loads.push({ contextWindow: model.contextWindow, phases });
    return super.load(model, {
      ...options,
      onProgress: (progress) => {
        phases.add(progress.phase);
        options.onProgress?.(progress);
      },
    });
  }
}

let closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers) close();
  closers = [];
});

const BROWSER = 'Chrome/156 (test)';

/** One page: a store over the worker protocol, with the browser's storage for the fit shared across pages. */
function page(
  scenario: ScriptedScenario,
  {
    engine = new WatchedEngine(scenario),
    fitStorage = memoryStorage(),
    tabLock,
  }: { engine?: WatchedEngine; fitStorage?: KeyValueStorage; tabLock?: TabLock } = {},
) {
  const connection = connectScriptedEngine(scenario, engine);
  closers.push(connection.close);
  const store = createChatStore({
    engine: connection.client,
    artifactsBaseUrl: 'http://localhost/models/',
    now: () => 1000,
    fitStorage,
    browser: BROWSER,
    ...(tabLock ? { tabLock } : {}),
  });
  return { store, engine, fitStorage };
}

const quick = { tokenDelayMs: 1, loadMs: 5 } as const;

describe('loading at the window that fits the GPU', () => {
  it('loads the 4,096-token window when the device has the memory', async () => {
    const { store, engine } = page({ ...quick, gpuMemoryMB: 12_000 });
    await store.getState().checkDevice();
    await store.getState().loadModel();
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([4096]);
    expect(store.getState().model).toMatchObject({
      kind: 'ready',
      model: { contextWindow: 4096 },
      fit: { quantization: 'q4f16_1' },
    });
    expect(store.getState().model).not.toHaveProperty('fit.reducedFrom');
  });

  it('retries at 2,048 from the cache after 4,096 runs out, says so, and the next page goes straight there', async () => {
    const fitStorage = memoryStorage();
    const engine = new WatchedEngine({ ...quick, gpuMemoryMB: 6000 });
    const first = page({ ...quick, gpuMemoryMB: 6000 }, { engine, fitStorage });
    await first.store.getState().checkDevice();
    const attempts: unknown[] = [];
    first.store.subscribe(({ model }) => {
      if (model.kind === 'loading' && model.attempt && attempts.at(-1) !== model.attempt)
        attempts.push(model.attempt);
    });
    await first.store.getState().loadModel();
    expect(attempts).toEqual([{ contextWindow: 4096 }, { contextWindow: 2048, ranOut: 4096 }]);
    // The first try downloaded the files; the second read them from the cache.
    expect(engine.loads.map(({ contextWindow, phases }) => [contextWindow, phases.has('download')])).toEqual([
      [4096, true],
      [2048, false],
    ]);
    expect(first.store.getState().model).toMatchObject({
      kind: 'ready',
      model: { contextWindow: 2048 },
      fit: { reducedFrom: 4096 },
    });
    // The composer and the budget follow the loaded window.
    expect(first.store.getState().preflight).toMatchObject({ plan: [2048, 1024] });

    // A reload: a new page, the same browser storage and the same cached files.
    const second = page({ ...quick, gpuMemoryMB: 6000 }, { engine, fitStorage });
    await second.store.getState().checkDevice();
    await second.store.getState().loadModel();
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([4096, 2048, 2048]);
    expect(second.store.getState().model).toMatchObject({
      kind: 'ready',
      model: { contextWindow: 2048 },
      fit: { reducedFrom: 4096 },
    });
  });

  it('says the device lacks the memory, with the numbers, when no window fits, and keeps the files', async () => {
    let held = false;
    const tabLock: TabLock = {
      acquire: () => Promise.resolve((held = true)),
      release: () => void (held = false),
    };
    const { store, engine } = page({ ...quick, gpuMemoryMB: 3000 }, { tabLock });
    await store.getState().checkDevice();
    await store.getState().loadModel();
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([4096, 2048, 1024]);
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(store.getState().preflight).toMatchObject({
      kind: 'blocked',
      cached: true,
      problems: [{ code: 'gpu-memory', contextWindow: 1024 }],
    });
    expect(held).toBe(false);
    // Nothing is offered that cannot work: a load does nothing.
    await store.getState().loadModel();
    expect(engine.loads).toHaveLength(3);
    // The user may still try a window again on purpose (after closing other apps, say).
    store.getState().chooseModel({ contextWindow: 1024 });
    await expect.poll(() => store.getState().preflight).toMatchObject({ kind: 'ready', plan: [1024] });
  });

  it('does not retry a failure that is not about memory', async () => {
    const { store, engine } = page({ ...quick, loadError: 'network' });
    await store.getState().checkDevice();
    await store.getState().loadModel();
    expect(engine.loads).toHaveLength(1);
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'network' } });
  });

  it('stops retrying when the user cancels', async () => {
    const { store, engine } = page({ tokenDelayMs: 1, loadMs: 1000, gpuMemoryMB: 3000 });
    await store.getState().checkDevice();
    const loading = store.getState().loadModel();
    await expect
      .poll(
        () => {
          const { model } = store.getState();
          return model.kind === 'loading' && model.attempt?.contextWindow;
        },
        { timeout: 5000, interval: 5 },
      )
      .toBe(2048);
    store.getState().cancelLoad();
    await loading;
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(engine.loads).toHaveLength(2);
  });

  it('tries a window the user chose first, and forgets the choice when it runs out', async () => {
    const fitStorage = memoryStorage();
    const { store, engine } = page({ ...quick, gpuMemoryMB: 5000 }, { fitStorage });
    await store.getState().checkDevice();
    store.getState().chooseModel({ contextWindow: 2048 });
    await expect.poll(() => store.getState().preflight).toMatchObject({ plan: [2048, 1024] });
    await store.getState().loadModel();
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([2048, 1024]);
    expect(store.getState().model).toMatchObject({
      model: { contextWindow: 1024 },
      fit: { reducedFrom: 2048 },
    });
    expect(store.getState().modelChoice).toEqual({});
    const preflight = store.getState().preflight;
    if (preflight.kind !== 'ready') throw new Error('expected a ready device check');
    expect(new GpuFitStorage(fitStorage, () => 0).outcomes(adapterKey(preflight.gpu, BROWSER))).toEqual({
      failed: { q4f16_1: 2048 },
      loaded: { q4f16_1: 1024 },
    });
  });

  it('loads again with a new choice when asked, and a forgotten GPU tries the largest window again', async () => {
    const { store, engine } = page({ ...quick, gpuMemoryMB: 6000 });
    await store.getState().checkDevice();
    await store.getState().loadModel();
    expect(store.getState().model).toMatchObject({ model: { contextWindow: 2048 } });
    store.getState().chooseModel({ contextWindow: 1024 });
    await expect.poll(() => store.getState().preflight).toMatchObject({ plan: [1024] });
    await store.getState().reloadModel();
    expect(store.getState().model).toMatchObject({ model: { contextWindow: 1024 } });
    expect(store.getState().model).not.toHaveProperty('fit.reducedFrom');
    store.getState().chooseModel({});
    store.getState().forgetGpuFit();
    await expect.poll(() => store.getState().preflight).toMatchObject({ plan: [4096, 2048, 1024] });
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([4096, 2048, 1024]);
  });
});

/** The scripted device's decision, with what loads showed of its memory. */
async function ready(engine: ScriptedEngine, outcomes: AdapterOutcomes = { failed: {}, loaded: {} }) {
  const preflight = decidePreflight(await engine.inspectDevice(), {}, () => true, { choice: {}, outcomes });
  if (preflight.kind !== 'ready') throw new Error('expected a ready device check');
  return preflight;
}

describe('the window that ran out of memory above the one loaded', () => {
  it('is the smallest of the larger windows that failed on this GPU, and none when none did', async () => {
    const preflight: ReadyPreflight = await ready(new ScriptedEngine(), {
      failed: { q4f16_1: 2048 },
      loaded: {},
    });
    expect(ranOutAbove(preflight, 1024)).toBe(2048);
    // A window larger than one that ran out runs out too.
    expect(ranOutAbove(preflight, 2048)).toBe(4096);
    expect(ranOutAbove(preflight, 4096)).toBeUndefined();
    expect(ranOutAbove(await ready(new ScriptedEngine()), 1024)).toBeUndefined();
  });
});

describe('one load at the window that fits, alone', () => {
  /** The load over the scripted engine and a store with only the model's state; `decided` counts decisions. */
  async function windowLoad(scenario: ScriptedScenario) {
    const engine = new WatchedEngine(scenario);
    const store = createStore<Pick<ModelSlice, 'model'>>()(() => ({ model: { kind: 'idle' } }));
    const fit = new GpuFitStorage(memoryStorage(), () => 0);
    const counts = { decided: 0 };
    const preflight = await ready(engine);
    const adapter = adapterKey(preflight.gpu, BROWSER);
    const load = (signal = new AbortController().signal) =>
      loadAtFittingWindow(
        {
          set: store.setState,
          engine,
          now: () => 1000,
          selection: (modelId) => ({ modelId, artifactsBaseUrl: 'http://localhost/models/' }),
          fit,
          decide: () => void (counts.decided += 1),
        },
        { preflight, adapter, chosen: undefined },
        { signal, onProgress: () => undefined },
      );
    return { engine, store, fit, counts, adapter, load };
  }

  it('tries every window that runs out, remembering each, and leaves the state to the caller when none fits', async () => {
    const { engine, store, fit, counts, adapter, load } = await windowLoad({ ...quick, gpuMemoryMB: 3000 });
    expect(await load()).toBe('too-small');
    expect(engine.loads.map(({ contextWindow }) => contextWindow)).toEqual([4096, 2048, 1024]);
    expect(fit.outcomes(adapter)).toEqual({ failed: { q4f16_1: 1024 }, loaded: {} });
    expect(counts.decided).toBe(3);
    expect(store.getState().model).toMatchObject({
      kind: 'loading',
      attempt: { contextWindow: 1024, ranOut: 2048 },
    });
  });

  it('tries nothing once cancelled', async () => {
    const { engine, load } = await windowLoad(quick);
    const controller = new AbortController();
    controller.abort();
    expect(await load(controller.signal)).toBe('cancelled');
    expect(engine.loads).toEqual([]);
  });
});
