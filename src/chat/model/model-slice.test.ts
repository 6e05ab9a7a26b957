import { describe, expect, it } from 'vitest';
import { EngineError, type ChatEngine } from '../../engine/chat-engine';
import type { GenerationResult, LoadedModel, ModelSelection } from '../../engine/protocol';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { createChatStore, type ChatStore, type TabLock } from '../chat-store';

const loaded: LoadedModel = {
  modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
  engine: 'scripted',
  contextWindow: 4096,
  prefillChunkSize: 1024,
};

/**
 * The engine edge, with loads the test ends: as the worker does, a load may still finish with a model after
 * a cancel (web-llm runs a load from the cache to its end), or fail with whatever the cancel caused.
 */
function heldEngine() {
  const loads: { readonly finish: (outcome: LoadedModel | EngineError) => void }[] = [];
  const log: string[] = [];
  let modelOnGpu = false;
  const engine: ChatEngine = {
    inspectDevice: () => new ScriptedEngine().inspectDevice(),
    isCached: () => Promise.resolve(false),
    importFolder: () => Promise.resolve(),
    deleteCached: (model: ModelSelection) => {
      log.push(`delete ${model.modelId}`);
      return Promise.resolve();
    },
    load: () =>
      new Promise((resolve, reject) => {
        log.push('load');
        loads.push({
          finish: (outcome) => {
            log.push(outcome instanceof EngineError ? `load failed: ${outcome.code}` : 'loaded');
            if (outcome instanceof EngineError) {
              reject(outcome);
              return;
            }
            modelOnGpu = true;
            resolve(outcome);
          },
        });
      }),
    generate: (): Promise<GenerationResult> => Promise.reject(new EngineError('not-loaded', 'none')),
    measure: () => Promise.reject(new EngineError('not-loaded', 'none')),
    unload: () => {
      log.push('unload');
      modelOnGpu = false;
      return Promise.resolve();
    },
  };
  return { engine, loads, log, onGpu: () => modelOnGpu };
}

/** Web Locks between this tab and another, the platform edge. */
function fakeLock() {
  let holder: 'this' | 'other' | undefined;
  let onLost: (() => void) | undefined;
  const lock: TabLock = {
    acquire: (_, lost) => {
      if (holder === 'other') return Promise.resolve(false);
      holder = 'this';
      onLost = lost;
      return Promise.resolve(true);
    },
    release: () => {
      if (holder === 'this') holder = undefined;
    },
  };
  return {
    lock,
    holder: () => holder,
    stealFromThisTab: () => {
      holder = 'other';
      onLost?.();
    },
  };
}

async function setup() {
  const held = heldEngine();
  const locks = fakeLock();
  const store = createChatStore({
    engine: held.engine,
    artifactsBaseUrl: 'http://localhost/models/',
    tabLock: locks.lock,
    now: () => 1000,
  });
  await store.getState().checkDevice();
  return { ...held, ...locks, store };
}

/** Starts a load and waits until the engine has it; resolves to the load's own promise, wrapped. */
async function startLoad(store: ChatStore, loads: readonly unknown[]): Promise<{ loading: Promise<void> }> {
  const loading = store.getState().loadModel();
  while (loads.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  return { loading };
}

describe('model slice: a load that is cancelled', () => {
  it('goes idle, lets the lock go and unloads when the model finishes loading after Cancel', async () => {
    const { store, loads, onGpu, holder } = await setup();
    const { loading } = await startLoad(store, loads);
    store.getState().cancelLoad();
    loads[0]?.finish(loaded);
    await loading;
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(onGpu()).toBe(false);
    expect(holder()).toBeUndefined();
  });

  it('goes idle, not failed, when the engine answers the cancel with another error', async () => {
    const { store, loads, holder } = await setup();
    const { loading } = await startLoad(store, loads);
    store.getState().cancelLoad();
    loads[0]?.finish(new EngineError('unknown', 'Engine.unload() is called.'));
    await loading;
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(holder()).toBeUndefined();
  });
});

describe('model slice: another tab takes the model during a load', () => {
  it.each([
    ['finishes loading', loaded],
    ['ends as cancelled', new EngineError('load-cancelled', 'The load was cancelled.')],
  ])('stays taken over when the load then %s, and unloads after it ended', async (_, outcome) => {
    const { store, loads, log, onGpu, stealFromThisTab } = await setup();
    const { loading } = await startLoad(store, loads);
    stealFromThisTab();
    expect(store.getState().model).toEqual({ kind: 'taken-over' });
    loads[0]?.finish(outcome);
    await loading;
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(store.getState().model).toEqual({ kind: 'taken-over' });
    expect(onGpu()).toBe(false);
    expect(log.at(-1)).toBe('unload');
  });
});

describe('model slice: deleting the files during a load', () => {
  it('waits for the load to end, unloads, then deletes, and ends idle', async () => {
    const { store, loads, log, onGpu, holder } = await setup();
    const { loading } = await startLoad(store, loads);
    const deleting = store.getState().deleteModelFiles();
    await new Promise((resolve) => setTimeout(resolve, 1));
    loads[0]?.finish(loaded);
    await Promise.all([loading, deleting]);
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(onGpu()).toBe(false);
    expect(holder()).toBeUndefined();
    expect(log).toEqual(['load', 'loaded', 'unload', 'unload', `delete ${loaded.modelId}`]);
  });
});
