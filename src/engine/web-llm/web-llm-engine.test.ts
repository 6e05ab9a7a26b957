import type { LogitProcessor } from '@mlc-ai/web-llm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatKullmPrompt, kullmInstructionBlock, type KullmTurn } from '../../generation/kullm';
import { encodeContinuation } from '../../generation/prompt-ids';
import { seededRandom } from '../../generation/random';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../../generation/sampling';
import { EOS_ID } from '../../generation/tokens';
import { createChatStore } from '../../chat/chat-store';
import { memoryStorage } from '../../chat/model/gpu-fit-storage';
import {
  FakeCacheStorage,
  FakeHost,
  fakeNavigatorGpu,
  fakeWebLlm,
  type FakeMLCEngine,
} from '../../test/fake-web-llm';
import tensorCache from '../../test/fixtures/tensor-cache.json';
import { loadMiniTokenizer, MINI_VOCAB, miniTokenId, miniTokenizerJson } from '../../test/mini-tokenizer';
import { EngineClient } from '../engine-client';
import { serveEngine } from '../engine-host';
import { modelCatalog } from '../model-records';
import { WEB_LLM_CACHES } from './folder-import';
import { MEASURE_ROWS, type ChatTurn, type LoadProgress, type MeasureRow } from '../protocol';
import { modelFileUrls } from './model-files';
import { WebLlmEngine } from './web-llm-engine';

vi.mock('@mlc-ai/web-llm', async () => {
  const fake = await import('../../test/fake-web-llm');
  return {
    MLCEngine: fake.FakeMLCEngine,
    hasModelInCache: fake.hasModelInCache,
    deleteModelAllInfoInCache: fake.deleteModelAllInfoInCache,
  };
});

/** Called when the app hands tokenizer.json to web-tokenizers, so a test can act at that moment. */
const tokenizerLoads = vi.hoisted(() => ({ onLoad: undefined as (() => void) | undefined }));

// Node cannot import the package itself (see loadWebTokenizersInNode): the same library from a `.cjs` copy.
vi.mock('@mlc-ai/web-tokenizers', async () => {
  const { loadWebTokenizersInNode } = await import('../../test/mini-tokenizer');
  const { Tokenizer } = { Tokenizer: loadWebTokenizersInNode() };
  return {
    Tokenizer: {
      fromJSON: (json: ArrayBuffer) => {
        tokenizerLoads.onLoad?.();
        return Tokenizer.fromJSON(json);
      },
    },
  };
});

const found = modelCatalog.models.find((model) => model.requiredFeatures.length === 0);
if (!found) throw new Error('no model record without required features');
const record = found;

const HOST = 'https://host.example/models/';

/** A WebAssembly header and then some: the model library's bytes as the host serves them. */
/**
 * A valid WebAssembly module of `bytes` bytes: the header, then one custom section with an empty name whose
 * payload is zeros (its size in two LEB128 bytes).
 */
function wasmModule(bytes: number): Uint8Array<ArrayBuffer> {
  const size = bytes - 8 - 1 - 2;
  return Uint8Array.from({ length: bytes }, (_, index) =>
    index < 8
      ? ([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00][index] ?? 0)
      : index === 8
        ? 0
        : index === 9
          ? (size & 0x7f) | 0x80
          : index === 10
            ? size >> 7
            : 0,
  );
}

const LIBRARY = wasmModule(700);

/** The GPU's answer to a sequence: pseudo-random logits that depend on every id in the KV cache. */
function logitsFor(kv: readonly number[]): Float32Array {
  let hash = 2166136261;
  for (const id of kv) hash = Math.imul(hash ^ id, 16777619) >>> 0;
  const random = seededRandom(hash);
  const logits = Float32Array.from({ length: MINI_VOCAB.size }, () => random() * 8);
  // Special ids and EOS stay out, so an answer runs to its length limit.
  logits[0] = logits[1] = logits[EOS_ID] = -20;
  return logits;
}

function setup({
  config = {},
  artifactsBaseUrl = HOST,
}: { config?: Record<string, unknown>; artifactsBaseUrl?: string } = {}) {
  const urls = modelFileUrls(record, artifactsBaseUrl);
  const shards = tensorCache.records.map(({ dataPath, nbytes }) => ({
    url: new URL(dataPath, urls.base).href,
    body: new Uint8Array(nbytes),
  }));
  const shard = shards[0]?.url ?? '';
  const host = new FakeHost(
    new Map<string, BodyInit>([
      [urls.config, JSON.stringify({ context_window_size: 4096, prefill_chunk_size: 1024, ...config })],
      [urls.library, LIBRARY],
      [urls.tokenizer, miniTokenizerJson()],
      [urls.tensorCache, JSON.stringify(tensorCache)],
      ...shards.map(({ url, body }): [string, BodyInit] => [url, body]),
    ]),
  );
  const storage = new FakeCacheStorage();
  vi.stubGlobal('caches', storage);
  vi.stubGlobal('fetch', host.fetch);
  // A GPU without shader-f16, so the q4f32_1 build of `record`; the engine watches the devices it makes.
  const navigatorGpu = fakeNavigatorGpu();
  vi.stubGlobal('navigator', { gpu: navigatorGpu.gpu });
  fakeWebLlm.gpu = { logits: logitsFor };
  delete fakeWebLlm.libraryPrefillChunkSize;
  const engine = new WebLlmEngine();
  const mlc = fakeWebLlm.engine as FakeMLCEngine;
  return {
    engine,
    mlc,
    devices: navigatorGpu.devices,
    host,
    storage,
    urls,
    shard,
    selection: { modelId: record.id, artifactsBaseUrl, contextWindow: 4096 },
  };
}

const ask = (content: string, params: Partial<SamplingParams> = {}) => ({
  turns: [{ role: 'user' as const, content }],
  params: { ...MODEL_CARD_SAMPLING, maxNewTokens: 12, ...params },
});

/** A promise the test resolves, and one that says the code under test is waiting on it. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const entered = new Promise<void>((resolve) => (reached = resolve));
  const wait = (): Promise<void> => {
    reached();
    return new Promise<void>((resolve) => (open = resolve));
  };
  return { wait, entered, open: () => open() };
}

beforeEach(() => {
  tokenizerLoads.onLoad = undefined;
  // Each load logs its prefill chunks; a test that reads the line spies on it itself.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('WebLlmEngine: cancelling a load', () => {
  it('unloads a load from the cache that web-llm runs to its end after unload(), and ends as load-cancelled', async () => {
    const { engine, mlc, selection } = setup();
    const compile = gate();
    fakeWebLlm.gpu.compile = compile.wait;
    const controller = new AbortController();
    const loading = engine.load(selection, { signal: controller.signal });
    await compile.entered;
    controller.abort();
    compile.open();
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
    // reload() resolved with a pipeline in place: the engine must have unloaded it afterwards.
    expect(mlc.pipeline).toBeUndefined();
    await expect(engine.generate(ask('안녕'), { onDelta: () => undefined })).rejects.toMatchObject({
      code: 'not-loaded',
    });
  });

  it('unloads and ends as load-cancelled when the cancel comes while the tokenizer loads', async () => {
    const { engine, mlc, selection } = setup();
    const controller = new AbortController();
    tokenizerLoads.onLoad = () => controller.abort();
    await expect(engine.load(selection, { signal: controller.signal })).rejects.toMatchObject({
      code: 'load-cancelled',
    });
    expect(mlc.pipeline).toBeUndefined();
  });

  it.each([
    [
      'while tokenizer.json downloads (web-llm fetches it with no signal)',
      (context: ReturnType<typeof setup>) => {
        const tokenizer = new URL('tokenizer.json', context.urls.base).href;
        context.host.slow.add(tokenizer);
        return {
          reached: () => vi.waitFor(() => expect(context.host.waiting(tokenizer)).toBe(true)),
          go: () => context.host.release(tokenizer),
        };
      },
    ],
    [
      'while the model library compiles, before the GPU is asked for',
      () => {
        const instantiate = gate();
        fakeWebLlm.gpu.instantiate = instantiate.wait;
        return { reached: () => instantiate.entered, go: instantiate.open };
      },
    ],
  ])('fetches no weights after a cancel %s', async (_, hold) => {
    const context = setup();
    const { engine, host, mlc, selection } = context;
    const step = hold(context);
    const controller = new AbortController();
    const loading = engine.load(selection, { signal: controller.signal });
    await step.reached();
    // The cancel unloads, which aborts web-llm's controller and clears it: the weight download that comes
    // next would get no signal.
    controller.abort();
    const requestedAtCancel = host.requested.length;
    step.go();
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
    expect(host.requested.slice(requestedAtCancel).filter((url) => url.includes('params_shard'))).toEqual([]);
    expect(mlc.pipeline).toBeUndefined();
  });

  it('lets a load from the cache run to its end after a cancel, then unloads it', async () => {
    const { engine, mlc, selection } = setup();
    await engine.load(selection);
    await engine.unload();
    const controller = new AbortController();
    // Cancelled as the first shard is read from the cache: stopping there would leave its buffers behind.
    const loading = engine.load(selection, {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase === 'cache') controller.abort();
      },
    });
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
    const shardBytes = tensorCache.records.reduce((sum, { nbytes }) => sum + nbytes, 0);
    expect(mlc.device?.allocated).toBe(shardBytes);
    expect(mlc.pipeline).toBeUndefined();
  });

  it('ends a download cancelled by the user as load-cancelled, not as a lost device', async () => {
    const { engine, host, shard, selection } = setup();
    host.slow.add(shard);
    const controller = new AbortController();
    const loading = engine.load(selection, { signal: controller.signal });
    await vi.waitFor(() => expect(host.waiting(shard)).toBe(true));
    controller.abort();
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
  });
});

describe('WebLlmEngine: a lost device', () => {
  it('calls a model that web-llm’s device-lost handler unloaded after the load a lost device, at the next Send', async () => {
    const { engine, mlc, selection } = setup();
    await engine.load(selection);
    mlc.loseDevice();
    await expect(engine.generate(ask('안녕'), { onDelta: () => undefined })).rejects.toMatchObject({
      code: 'device-lost',
    });
  });

  it('calls a load that fails in any way after its device was lost a lost device, with the loss in the message', async () => {
    const { engine, mlc, devices, selection } = setup();
    // The weights overflow the device: tvmjs destroys it, and TVM disposes its instance ("Device lost,
    // calling Instance.dispose()"), so the next step fails with whatever a disposed instance throws.
    fakeWebLlm.gpu.memoryBytes = 100;
    fakeWebLlm.gpu.compile = () => {
      if (mlc.device?.allocated !== undefined && mlc.device.allocated > 100)
        return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'ctx')"));
      return Promise.resolve();
    };
    await expect(engine.load(selection)).rejects.toMatchObject({
      code: 'device-lost',
      message: expect.stringMatching(
        /^The GPU device was lost while loading the model \(destroyed: Device was destroyed\.\)/,
      ) as string,
    });
    expect(devices).toHaveLength(1);
    expect(mlc.pipeline).toBeUndefined();
  });

  it('does not call a load whose device it destroyed itself, by a cancel, a lost device', async () => {
    const { engine, selection } = setup();
    await engine.load(selection);
    const compile = gate();
    fakeWebLlm.gpu.compile = compile.wait;
    const controller = new AbortController();
    // The second load unloads the first model (destroying its device) and is then cancelled.
    const loading = engine.load(selection, { signal: controller.signal });
    await compile.entered;
    controller.abort();
    compile.open();
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
  });

  it.each([
    ['Chrome’s “Device is lost”', undefined],
    [
      'the error of a pipeline disposed under it',
      new TypeError("Cannot read properties of undefined (reading 'view')"),
    ],
  ])(
    'calls an answer that fails with %s when the GPU goes a lost device, and the model gone',
    async (_, lostPassError) => {
      const { engine, mlc, selection } = setup();
      await engine.load(selection);
      if (lostPassError) fakeWebLlm.gpu.lostPassError = lostPassError;
      const pass = gate();
      let passes = 0;
      fakeWebLlm.gpu.forwardPass = () => (++passes === 3 ? pass.wait() : Promise.resolve());
      const pieces: string[] = [];
      const answer = engine.generate(ask('안녕하세요'), { onDelta: (text) => pieces.push(text) });
      await pass.entered;
      mlc.loseDevice();
      pass.open();
      await expect(answer).rejects.toMatchObject({ code: 'device-lost' });
      // The model is gone: the next Send says so too, rather than calling a disposed pipeline.
      await expect(engine.generate(ask('또'), { onDelta: () => undefined })).rejects.toMatchObject({
        code: 'not-loaded',
      });
    },
  );

  /**
   * web-llm downloads a shard itself only when it is gone from the cache after the app put it there (an
   * eviction in between): the library's instantiation is where that happens here.
   */
  function evictedBeforeWebLlmFetches({ host, shard, storage }: ReturnType<typeof setup>) {
    fakeWebLlm.gpu.instantiate = async () => {
      await (await storage.open(WEB_LLM_CACHES.model)).delete(shard);
      host.slow.add(shard);
    };
  }

  it('calls "Engine.unload() is called." during a download, not cancelled, a lost device', async () => {
    const context = setup();
    const { engine, mlc, host, shard, selection } = context;
    evictedBeforeWebLlmFetches(context);
    const loading = engine.load(selection);
    await vi.waitFor(() => expect(host.waiting(shard)).toBe(true));
    mlc.loseDevice();
    await expect(loading).rejects.toMatchObject({ code: 'device-lost' });
  });

  it('calls a load that reload() swallowed as aborted, not cancelled, a lost device', async () => {
    const context = setup();
    const { engine, mlc, host, shard, selection } = context;
    evictedBeforeWebLlmFetches(context);
    host.abortsWith = 'abort-error';
    const loading = engine.load(selection);
    await vi.waitFor(() => expect(host.waiting(shard)).toBe(true));
    mlc.loseDevice();
    await expect(loading).rejects.toMatchObject({ code: 'device-lost' });
  });
});

describe('WebLlmEngine: numbers the GPU gets wrong', () => {
  it.each([
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])(
    'ends an answer whose logits come back %s with its own error, leaks no GPU scope, and answers next time',
    async (_, bad) => {
      const { engine, mlc, selection } = setup();
      await engine.load(selection);
      let passes = 0;
      // q4f16 on some drivers: the third forward pass gives broken numbers.
      fakeWebLlm.gpu.logits = (kv) => {
        const logits = logitsFor(kv);
        if (++passes === 3) logits[5] = bad;
        return logits;
      };
      const pieces: string[] = [];
      await expect(
        engine.generate(ask('안녕'), { onDelta: (text) => pieces.push(text) }),
      ).rejects.toMatchObject({
        code: 'invalid-numbers',
        message: expect.stringContaining('q4f32_1') as string,
      });
      expect(mlc.pipeline?.openScopes).toBe(0);
      await expect(engine.generate(ask('다시'), { onDelta: () => undefined })).resolves.toMatchObject({
        finishReason: 'length',
      });
      expect(mlc.pipeline?.openScopes).toBe(0);
    },
  );
});

describe('WebLlmEngine: the window', () => {
  it('loads with the window asked for, as an override of context_window_size, and budgets with it', async () => {
    const { engine, mlc, selection } = setup({ config: { prefill_chunk_size: 64 } });
    await expect(engine.load({ ...selection, contextWindow: 300 })).resolves.toEqual({
      modelId: record.id,
      engine: 'web-llm',
      contextWindow: 300,
      prefillChunkSize: 64,
    });
    // web-llm sizes its KV cache by the merged config: the file's 4,096 gives way to the override.
    expect(mlc.appConfig?.model_list[0]?.overrides).toMatchObject({ context_window_size: 300 });
    expect(mlc.reloadedWindows).toEqual([300]);
    expect(mlc.pipeline?.contextWindowSize).toBe(300);
    const long = '가나다라마바사아자차카타파하'.repeat(8);
    await expect(
      engine.generate(ask(long, { maxNewTokens: 100 }), { onDelta: () => undefined }),
    ).rejects.toMatchObject({ code: 'context-window-exceeded' });
  });

  it('slices prompts by the library’s prefill chunk, which web-llm uses, not the config’s, and logs both', async () => {
    const { engine, mlc, selection } = setup({ config: { prefill_chunk_size: 1024 } });
    fakeWebLlm.libraryPrefillChunkSize = 16;
    await expect(engine.load(selection)).resolves.toMatchObject({ prefillChunkSize: 16 });
    expect(console.info).toHaveBeenCalledWith(
      expect.stringMatching(/library 16.*mlc-chat-config\.json 1024/),
    );
    await engine.generate(ask('한국어 hello world 안녕하세요 '.repeat(12)), { onDelta: () => undefined });
    const prefill = mlc.forwards.filter((ids) => ids.length > 1);
    expect(prefill.length).toBeGreaterThan(2);
    expect(prefill.every((ids) => ids.length <= 16)).toBe(true);
  });

  it('never budgets past the window the build was made for', async () => {
    const { engine, selection } = setup({ config: { context_window_size: 2048 } });
    await expect(engine.load({ ...selection, contextWindow: 4096 })).resolves.toMatchObject({
      contextWindow: 2048,
    });
  });

  it('refuses a config without a usable window as corrupt model files, and unloads', async () => {
    const { engine, mlc, selection } = setup({
      config: { context_window_size: -1, sliding_window_size: 4096 },
    });
    await expect(engine.load(selection)).rejects.toMatchObject({ code: 'model-files-corrupt' });
    expect(mlc.pipeline).toBeUndefined();
  });
});

describe('WebLlmEngine: a long prompt', () => {
  const turns: KullmTurn[] = [{ role: 'user', content: '한국어 hello world 안녕하세요 '.repeat(12) }];

  async function answer(prefillChunkSize: number) {
    const { engine, mlc, selection } = setup({ config: { prefill_chunk_size: prefillChunkSize } });
    await engine.load(selection);
    const pieces: string[] = [];
    const result = await engine.generate(
      { turns, params: { ...MODEL_CARD_SAMPLING, maxNewTokens: 12, seed: 1234 } },
      { onDelta: (text) => pieces.push(text) },
    );
    return { text: pieces.join(''), result, forwards: mlc.forwards, kv: mlc.pipeline?.kv ?? [] };
  }

  it('feeds the prompt in slices of the prefill chunk, and the seed gives the same answer sliced or not', async () => {
    const tokenizer = await loadMiniTokenizer();
    const promptLength = 1 + tokenizer.encode(formatKullmPrompt(turns)).length;
    tokenizer.dispose();
    const whole = await answer(4096);
    const sliced = await answer(16);
    expect(promptLength).toBeGreaterThan(16 * 4);
    expect(whole.forwards[0]).toHaveLength(promptLength);
    expect(sliced.forwards.slice(0, Math.ceil(promptLength / 16)).every((ids) => ids.length <= 16)).toBe(
      true,
    );
    expect(sliced.result.usage.completionTokens).toBe(12);
    expect(sliced.text).toBe(whole.text);
    expect(sliced.kv).toEqual(whole.kv);
  });
});

describe('WebLlmEngine: the next turn', () => {
  /** A GPU that draws the scripted ids in turn, each far above every other id, then EOS. */
  function drawing(script: number[]): (kv: readonly number[]) => Float32Array {
    return () => {
      const logits = new Float32Array(MINI_VOCAB.size).fill(-50);
      logits[script.shift() ?? EOS_ID] = 50;
      return logits;
    };
  }

  async function firstTurn() {
    const { engine, mlc, selection } = setup();
    await engine.load(selection);
    const tokenizer = await loadMiniTokenizer();
    // " 안녕" as the tokenizer does not write it: re-encoding the answer gives ▁ and 안녕.
    const drawn = ['▁', '안', '녕'].map(miniTokenId);
    expect(encodeContinuation(tokenizer, ' 안녕')).toEqual(['▁', '안녕'].map(miniTokenId));
    fakeWebLlm.gpu.logits = drawing([...drawn]);
    const pieces: string[] = [];
    const first = await engine.generate(ask('hello'), { onDelta: (text) => pieces.push(text) });
    expect(pieces.join('')).toBe(' 안녕');
    expect(first.tokens.answerIds).toEqual(drawn);
    const question = encodeContinuation(tokenizer, kullmInstructionBlock('한국어'));
    tokenizer.dispose();
    return { engine, mlc, first, drawn, question, before: mlc.forwards.length };
  }

  it('prefills only the new turn’s tokens when the answer comes back with the ids the model drew', async () => {
    const { engine, mlc, first, drawn, question, before } = await firstTurn();
    const turns: ChatTurn[] = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: ' 안녕', tokens: first.tokens },
      { role: 'user', content: '한국어' },
    ];
    const second = await engine.generate({ ...ask(''), turns }, { onDelta: () => undefined });
    // EOS comes right after the prompt: the one forward pass is the prefill.
    expect(mlc.forwards.slice(before)).toEqual([question]);
    expect(second.tokens.promptIds).toEqual(question);
    expect(mlc.pipeline?.kv).toEqual([...first.tokens.promptIds, ...drawn, ...question]);
  });

  it('reads the whole conversation again when the answer comes back as text only', async () => {
    const { engine, mlc, first, question, before } = await firstTurn();
    const turns: ChatTurn[] = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: ' 안녕' },
      { role: 'user', content: '한국어' },
    ];
    await engine.generate({ ...ask(''), turns }, { onDelta: () => undefined });
    const fed = mlc.forwards.slice(before).flat();
    expect(fed.length).toBe(first.tokens.promptIds.length + 2 + question.length);
    expect(mlc.pipeline?.kv).toEqual(fed);
  });
});

describe('WebLlmEngine: load progress', () => {
  const shardBytes = tensorCache.records.reduce((sum, { nbytes }) => sum + nbytes, 0);

  it('counts the bytes of every file it fetches and checks, then web-llm reads them from its cache', async () => {
    const { engine, host, urls, selection } = setup();
    const seen: LoadProgress[] = [];
    await engine.load(selection, { onProgress: (progress) => seen.push(progress) });
    const download = seen.filter((progress) => progress.phase === 'download');
    const sizes = await Promise.all([...host.files.values()].map((body) => new Response(body).arrayBuffer()));
    const all = sizes.reduce((sum, data) => sum + data.byteLength, 0);
    // The config, the library, the index, the tokenizer, then each shard.
    expect(download).toHaveLength(4 + tensorCache.records.length);
    expect(download.at(-1)).toMatchObject({ loadedBytes: all, totalBytes: all, fraction: 1 });
    const loaded = download.map((progress) => progress.loadedBytes ?? 0);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(download.every((progress) => (progress.loadedBytes ?? 0) <= (progress.totalBytes ?? 0))).toBe(
      true,
    );
    expect(seen.some((progress) => progress.totalBytes === record.downloadBytes)).toBe(false);
    // Each file was fetched once, by the app (and the manifest asked for, which this host has not): web-llm
    // found all of them in its cache.
    expect([...host.requested].sort()).toEqual(
      [...host.files.keys(), new URL('integrity.json', urls.base).href].sort(),
    );
    const cache = seen.filter((progress) => progress.phase === 'cache');
    expect(cache.at(-1)).toMatchObject({ loadedBytes: shardBytes, totalBytes: shardBytes, fraction: 1 });
    // Every report is in before the load ends, in order.
    expect(seen.map((progress) => progress.phase)).toEqual([
      ...download.map(() => 'download'),
      'preparing',
      ...cache.map(() => 'cache'),
      'finishing',
    ]);
  });

  it('reads a cached model’s shards as the cache phase, with no download and nothing asked of the host', async () => {
    const { engine, host, selection } = setup();
    await engine.load(selection);
    await engine.unload();
    const requested = host.requested.length;
    const seen: LoadProgress[] = [];
    await engine.load(selection, { onProgress: (progress) => seen.push(progress) });
    expect(seen.some((progress) => progress.phase === 'download')).toBe(false);
    expect(host.requested.slice(requested)).toEqual([]);
    expect(seen.filter((progress) => progress.phase === 'cache').at(-1)).toMatchObject({
      loadedBytes: shardBytes,
      totalBytes: shardBytes,
    });
  });

  it('does not fetch a library an imported folder cached on localhost, and hands it to web-llm', async () => {
    const { engine, host, mlc, storage, urls, selection } = setup({
      artifactsBaseUrl: 'http://localhost:4173/models/',
    });
    await (await storage.open(WEB_LLM_CACHES.wasm)).put(urls.library, new Response(LIBRARY));
    await engine.load(selection);
    expect(host.requested).not.toContain(urls.library);
    expect(mlc.libraryFrom).toMatch(/^blob:/);
  });
});

describe('WebLlmEngine: files', () => {
  it('says tokenizer.json is missing when the host answers 404 to it, and unloads', async () => {
    const { engine, mlc, host, storage, urls, selection } = setup();
    fakeWebLlm.gpu.compile = async () => {
      // Evicted between web-llm's read and the app's, and gone from the host.
      await (await storage.open(WEB_LLM_CACHES.model)).delete(urls.tokenizer);
      host.files.delete(urls.tokenizer);
    };
    await expect(engine.load(selection)).rejects.toMatchObject({
      code: 'model-files-missing',
      message: expect.stringContaining('tokenizer.json: HTTP 404') as string,
    });
    expect(mlc.pipeline).toBeUndefined();
  });

  it('revokes the blob URL it hands web-llm for a library cached on localhost', async () => {
    const { engine, mlc, storage, urls, selection } = setup({
      artifactsBaseUrl: 'http://localhost:4173/models/',
    });
    await (await storage.open(WEB_LLM_CACHES.wasm)).put(urls.library, new Response(wasmModule(64)));
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    await engine.load(selection);
    expect(mlc.libraryFrom).toMatch(/^blob:/);
    expect(revoke).toHaveBeenCalledWith(mlc.libraryFrom);
  });

  it('deletes every file of the model, each step whatever another did', async () => {
    const { engine, storage, shard, selection } = setup();
    await engine.load(selection);
    await expect(engine.isCached(selection)).resolves.toBe(true);
    storage.failDeleteOf = shard;
    await expect(engine.deleteCached(selection)).rejects.toThrow();
    expect(storage.urls(WEB_LLM_CACHES.model)).toEqual([shard]);
    expect(storage.urls(WEB_LLM_CACHES.wasm)).toEqual([]);
    expect(storage.urls(WEB_LLM_CACHES.config)).toEqual([]);
    storage.failDeleteOf = undefined;
    await engine.deleteCached(selection);
    expect(storage.urls(WEB_LLM_CACHES.model)).toEqual([]);
    await expect(engine.isCached(selection)).resolves.toBe(false);
  });
});

describe('WebLlmEngine served by the worker host', () => {
  it('ends an answer as stopped, not failed, when the model is unloaded while a forward pass runs', async () => {
    const { engine, mlc, selection } = setup();
    const channel = new MessageChannel();
    serveEngine(channel.port2, { engine });
    const client = new EngineClient(channel.port1);
    try {
      await client.load(selection);
      const forward = gate();
      let passes = 0;
      fakeWebLlm.gpu.forwardPass = () => (++passes === 4 ? forward.wait() : Promise.resolve());
      const answer = client.generate(ask('안녕하세요'), { onDelta: () => undefined });
      await forward.entered;
      const unloading = client.unload();
      await new Promise((resolve) => setTimeout(resolve, 10));
      forward.open();
      await expect(answer).resolves.toMatchObject({ finishReason: 'aborted' });
      await unloading;
      expect(mlc.pipeline).toBeUndefined();
    } finally {
      channel.port1.close();
      channel.port2.close();
    }
  });
});

describe('the store over WebLlmEngine on a GPU with too little memory', () => {
  const shardBytes = tensorCache.records.reduce((sum, { nbytes }) => sum + nbytes, 0);

  /** Room on the GPU for the weights as tensor-cache.json lists them, and a KV cache of a byte a token. */
  function gpuWithMemory(memoryBytes: number) {
    fakeWebLlm.gpu.memoryBytes = memoryBytes;
    fakeWebLlm.gpu.kvBytesPerToken = 1;
  }

  async function loadThroughStore(memoryBytes: number) {
    const context = setup();
    gpuWithMemory(memoryBytes);
    const store = createChatStore({
      engine: context.engine,
      artifactsBaseUrl: HOST,
      fitStorage: memoryStorage(),
      browser: 'test',
    });
    await store.getState().checkDevice();
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', model: { id: record.id } });
    await store.getState().loadModel();
    const shardRequests = context.host.requested.filter((url) => url.includes('params_shard'));
    return { ...context, store, shardRequests };
  }

  it('retries at the next window from the cache after DeviceLostError, and loads there', async () => {
    // Room for the weights and 3,000 tokens: 4,096 is lost with its device, 2,048 fits.
    const { store, mlc, shardRequests, engine, selection } = await loadThroughStore(shardBytes + 3000);
    expect(mlc.reloadedWindows).toEqual([4096, 2048]);
    expect(store.getState().model).toMatchObject({
      kind: 'ready',
      model: { contextWindow: 2048 },
      fit: { reducedFrom: 4096 },
    });
    expect(mlc.pipeline?.contextWindowSize).toBe(2048);
    // Downloaded once: the second load read every shard from the cache.
    expect(shardRequests).toHaveLength(tensorCache.records.length);
    await expect(engine.generate(ask('안녕'), { onDelta: () => undefined })).resolves.toMatchObject({
      finishReason: 'length',
    });
    await expect(engine.isCached(selection)).resolves.toBe(true);
  });

  it('says the device lacks the memory when even 1,024 tokens are lost with the device, and keeps the files', async () => {
    const { store, mlc, shardRequests, engine, selection } = await loadThroughStore(shardBytes + 500);
    expect(mlc.reloadedWindows).toEqual([4096, 2048, 1024]);
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(store.getState().preflight).toMatchObject({
      kind: 'blocked',
      cached: true,
      problems: [{ code: 'gpu-memory', contextWindow: 1024 }],
    });
    // Each failed load was unloaded: nothing of it stays on the GPU.
    expect(mlc.pipeline).toBeUndefined();
    expect(shardRequests).toHaveLength(tensorCache.records.length);
    await expect(engine.isCached(selection)).resolves.toBe(true);
  });
});

describe('WebLlmEngine: measuring on this device', () => {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** A loaded engine whose forward passes take a millisecond or two, as a GPU's take time. */
  async function measuring() {
    const context = setup();
    await context.engine.load(context.selection);
    fakeWebLlm.gpu.forwardPass = () => sleep(1);
    return context;
  }

  it('reports every figure of the script, with the KV cache as the app counts it after each step', async () => {
    const { engine, mlc } = await measuring();
    const rows: MeasureRow[] = [];
    const processors: (LogitProcessor | undefined)[] = [];
    // The long prompt is read a second time to be stopped halfway through the first reading's time: that
    // reading is made slower, so that a busy machine's late timer still finds the prompt being read.
    let sliceMs = 1;
    fakeWebLlm.gpu.forwardPass = () => {
      processors.push(mlc.pipeline?.logitProcessor);
      return sleep(sliceMs);
    };
    const onRow = (row: MeasureRow): void => {
      rows.push(row);
      sliceMs = row.id === 'prefill-speed' ? 20 : 1;
    };
    await expect(engine.measure({ onRow })).resolves.toEqual({ stopped: false });
    expect(rows.map(({ id }) => id).sort()).toEqual([...MEASURE_ROWS].sort());
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    for (const id of [
      'ttft-turn-1',
      'ttft-turn-2',
      'ttft-turn-5',
      'ttft-regenerate',
      'stop-latency',
    ] as const)
      expect(byId[id]).toMatchObject({ unit: 'ms', value: expect.any(Number) as number });
    expect(byId['kv-check']).toEqual({
      id: 'kv-check',
      unit: 'steps',
      value: 10,
      detail: 'equal after all 10 steps',
    });
    expect(byId['prefill-speed']).toMatchObject({
      unit: 'tokens/s',
      detail: expect.stringMatching(/^[\d,]+-token prompt$/) as string,
    });
    expect(byId['decode-speed-sampler']).toMatchObject({ detail: '128 tokens' });
    expect(byId['decode-speed-greedy']).toMatchObject({ detail: '128 tokens' });
    expect(byId['sampler-cost']?.value).toBeGreaterThan(0);
    expect(byId['prefill-chunk-library']).toMatchObject({ value: 1024 });
    expect(byId['prefill-chunk-config']).toMatchObject({ value: 1024 });
    // The greedy run drew without the logit processor, and it is back on the pipeline afterwards.
    expect(processors.filter((processor) => processor === undefined)).toHaveLength(128);
    expect(mlc.pipeline?.logitProcessor).toBeDefined();
  });

  it('leaves the conversation’s cache to be read again: the next answer feeds its whole prompt', async () => {
    const { engine, mlc } = await measuring();
    /** Each answer is " 안녕" as the model draws it (three ids), then EOS. */
    const answerWithIds = async (turns: ChatTurn[]) => {
      const script = ['▁', '안', '녕'].map(miniTokenId);
      fakeWebLlm.gpu.logits = () => {
        const logits = new Float32Array(MINI_VOCAB.size).fill(-50);
        logits[script.shift() ?? EOS_ID] = 50;
        return logits;
      };
      const before = mlc.forwards.length;
      const result = await engine.generate({ ...ask(''), turns }, { onDelta: () => undefined });
      return { result, fed: mlc.forwards[before] ?? [] };
    };
    const one: ChatTurn[] = [{ role: 'user', content: 'hello' }];
    const first = await answerWithIds(one);
    const two: ChatTurn[] = [
      ...one,
      { role: 'assistant', content: ' 안녕', tokens: first.result.tokens },
      { role: 'user', content: 'world' },
    ];
    // Without a measurement, the ids of this answer let the next prompt feed its question alone (see “the
    // next turn” above); after one, the cache holds the measurement's ids and the prompt is read from its start.
    await engine.measure({ onRow: () => undefined });
    const second = await answerWithIds(two);
    expect(second.fed.slice(0, first.result.tokens.promptIds.length)).toEqual(first.result.tokens.promptIds);
    expect(second.fed).not.toEqual(second.result.tokens.promptIds);
  });

  it('stops within a step when asked, and the model stays loaded', async () => {
    const { engine } = await measuring();
    const controller = new AbortController();
    const rows: MeasureRow[] = [];
    const measured = engine.measure({
      signal: controller.signal,
      onRow: (row) => {
        rows.push(row);
        if (row.id === 'ttft-turn-2') controller.abort();
      },
    });
    const stoppedAt = performance.now();
    await expect(measured).resolves.toEqual({ stopped: true });
    expect(performance.now() - stoppedAt).toBeLessThan(1000);
    expect(rows.map(({ id }) => id)).toEqual(['ttft-turn-1', 'ttft-turn-2']);
    await expect(engine.generate(ask('안녕'), { onDelta: () => undefined })).resolves.toMatchObject({
      finishReason: 'length',
    });
  });

  it('reports a step that fails with its reason, and goes on with the others', async () => {
    const { engine, mlc } = await measuring();
    // Broken numbers once the conversation is over: the long prompt's draw fails, the rest runs.
    let broken = false;
    fakeWebLlm.gpu.logits = (kv) => {
      const logits = logitsFor(kv);
      if (broken) logits[4] = Number.NaN;
      return logits;
    };
    const rows: MeasureRow[] = [];
    await engine.measure({
      onRow: (row) => {
        rows.push(row);
        broken = row.id === 'ttft-regenerate';
      },
    });
    const prefill = rows.find(({ id }) => id === 'prefill-speed');
    expect(prefill).toMatchObject({ error: expect.stringContaining('invalid numbers') as string });
    expect(prefill).not.toHaveProperty('value');
    expect(rows.map(({ id }) => id).sort()).toEqual([...MEASURE_ROWS].sort());
    expect(mlc.pipeline).toBeDefined();
  });
});
