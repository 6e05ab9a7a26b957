/**
 * A double of `@mlc-ai/web-llm` 0.2.86 at the module boundary, for the tests of `WebLlmEngine` (installed with
 * `vi.mock('@mlc-ai/web-llm', …)`). It keeps the control flow of `MLCEngine` in `lib/index.js`, which only a
 * real GPU would otherwise show: each step quotes the line it imitates. Underneath are the platform edges,
 * also faked: Cache Storage ({@link FakeCacheStorage}), the host (`fetch`, {@link FakeHost}) and the GPU
 * (logits computed from the ids in the KV cache, {@link FakeGpu}).
 */
import type { AppConfig, LogitProcessor } from '@mlc-ai/web-llm';

/** Cache Storage, the platform edge: cache name → URL → response. */
export class FakeCacheStorage {
  readonly stores = new Map<string, Map<string, Response>>();
  /** Makes `delete` of this URL throw, as a storage error would. */
  failDeleteOf: string | undefined;

  open(name: string): Promise<FakeCache> {
    const entries = this.stores.get(name) ?? new Map<string, Response>();
    this.stores.set(name, entries);
    return Promise.resolve(new FakeCache(entries, this));
  }

  urls(name: string): string[] {
    return [...(this.stores.get(name)?.keys() ?? [])];
  }
}

const urlOf = (request: RequestInfo | URL): string =>
  typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;

class FakeCache {
  constructor(
    private readonly entries: Map<string, Response>,
    private readonly storage: FakeCacheStorage,
  ) {}

  match(request: RequestInfo | URL): Promise<Response | undefined> {
    return Promise.resolve(this.entries.get(urlOf(request))?.clone());
  }

  put(request: RequestInfo | URL, response: Response): Promise<void> {
    this.entries.set(urlOf(request), response);
    return Promise.resolve();
  }

  delete(request: RequestInfo | URL): Promise<boolean> {
    const url = urlOf(request);
    if (url === this.storage.failDeleteOf)
      return Promise.reject(new Error(`UnknownError: cannot delete ${url}`));
    return Promise.resolve(this.entries.delete(url));
  }

  keys(): Promise<Request[]> {
    return Promise.resolve([...this.entries.keys()].map((url) => new Request(url)));
  }
}

/**
 * A static host, the network edge. A file listed in `slow` answers only when `release` is called, so a test
 * can act during a download. An aborted request rejects the way a browser's fetch does: with the signal's
 * reason (web-llm aborts with a string), or with an AbortError DOMException when `abortsWith` says so.
 */
export class FakeHost {
  readonly requested: string[] = [];
  private readonly gates = new Map<string, () => void>();
  readonly slow = new Set<string>();
  abortsWith: 'reason' | 'abort-error' = 'reason';

  constructor(readonly files: Map<string, BodyInit>) {}

  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    this.requested.push(url);
    const signal = init?.signal ?? undefined;
    const answer = (): Response => {
      const body = this.files.get(url);
      return body === undefined ? new Response('Not found', { status: 404 }) : new Response(body);
    };
    if (!this.slow.has(url)) return Promise.resolve(answer());
    return new Promise((resolve, reject) => {
      this.gates.set(url, () => resolve(answer()));
      signal?.addEventListener('abort', () => {
        if (this.abortsWith === 'abort-error') {
          reject(new DOMException('The operation was aborted.', 'AbortError'));
          return;
        }
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- fetch rejects with the reason as is, and web-llm's is a string
        reject(signal.reason);
      });
    });
  };

  /** Whether a slow file is being waited for. */
  waiting(url: string): boolean {
    return this.gates.has(url);
  }

  release(url: string): void {
    this.gates.get(url)?.();
    this.gates.delete(url);
  }
}

/** The GPU, the hardware edge: what a forward pass gives for the ids in the KV cache. */
export interface FakeGpu {
  /** Raw logits after the ids in the KV cache (the last position of the last chunk). */
  logits(kv: readonly number[]): Float32Array;
  /**
   * Loading the weights from Cache Storage, creating the pipeline and compiling the shaders: none of it
   * looks at the reload controller's signal.
   */
  compile?(): Promise<void>;
  /**
   * What a forward pass in flight fails with when its device is lost under it (by default Chrome's text,
   * "Device is lost", as the GPU work it waits on is rejected); a test may give another, as TVM disposes its
   * instance and web-llm its pipeline while the pass still runs.
   */
  lostPassError?: Error;
  /** Instantiating the model library (compiling its WebAssembly), before the GPU is asked for. */
  instantiate?(): Promise<void>;
  /** Awaited inside each forward pass, so a test can act while the GPU works. */
  forwardPass?(): Promise<void>;
  /**
   * The device's memory, when a test limits it: each load's device holds the weights (each shard's bytes,
   * put on the GPU as it is read from the cache) and a KV cache of `kvBytesPerToken` per token of the
   * merged config's `context_window_size`. A buffer past the limit is lost with its device.
   */
  memoryBytes?: number;
  kvBytesPerToken?: number;
}

/** One engine of the test file, for the test to reach: the one `WebLlmEngine` created last. */
export const fakeWebLlm: {
  engine: FakeMLCEngine | undefined;
  gpu: FakeGpu;
  /**
   * The model library's own `prefill_chunk_size` (its metadata, which the compile took from the config it
   * was given); by default the served mlc-chat-config.json's.
   */
  libraryPrefillChunkSize?: number;
} = {
  engine: undefined,
  gpu: { logits: () => new Float32Array(3) },
};

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A GPUDevice, the platform edge: what tvmjs allocates on it (`deviceAllocDataSpace` → `tryCreateBuffer`,
 * which pushes the "out-of-memory" error scope and, when an error comes back,
 * "if (captured.length > 0) { device.destroy(); …}"), and its `lost` promise, which settles a microtask
 * after the loss as a browser's does: with reason "destroyed" after `destroy()`, "unknown" for a GPU that
 * went away (a driver reset, about:gpucrash).
 */
export class FakeGpuDevice {
  allocated = 0;
  isLost = false;
  readonly lost: Promise<{ reason: string; message: string }>;
  private settle: ((info: { reason: string; message: string }) => void) | undefined;

  constructor() {
    this.lost = new Promise((resolve) => (this.settle = resolve));
  }

  allocate(bytes: number): void {
    this.allocated += bytes;
    const limit = fakeWebLlm.gpu.memoryBytes;
    if (limit !== undefined && this.allocated > limit) this.destroy();
  }

  destroy(): void {
    this.isLost = true;
    this.settle?.({ reason: 'destroyed', message: 'Device was destroyed.' });
    this.settle = undefined;
  }

  /** The GPU process or driver went away. */
  loseUnexpectedly(): void {
    this.isLost = true;
    this.settle?.({ reason: 'unknown', message: 'Device is lost' });
    this.settle = undefined;
  }
}

/**
 * `navigator.gpu` with one adapter (the platform edge), for `vi.stubGlobal('navigator', { gpu: … })`. Each
 * `requestDevice` makes a new device; `devices` keeps them in order.
 */
export function fakeNavigatorGpu(features: readonly string[] = []) {
  const devices: FakeGpuDevice[] = [];
  const adapter = {
    features: new Set(features),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 },
    info: { vendor: 'fake', architecture: 'test', description: 'Fake GPU', isFallbackAdapter: false },
    requestDevice: () => {
      const device = new FakeGpuDevice();
      devices.push(device);
      return Promise.resolve(device);
    },
  };
  return { gpu: { requestAdapter: () => Promise.resolve(adapter) }, devices };
}

class FakePipeline {
  readonly kv: number[] = [];
  /** TVM memory scopes opened and not closed: each holds the GPU tensors of its call until it closes. */
  openScopes = 0;

  constructor(
    readonly prefillChunkSize: number,
    /** "this.contextWindowSize = config.context_window_size;", the KV cache's "max_total_sequence_length". */
    readonly contextWindowSize: number,
    /** "this.logitProcessor = logitProcessor;", read at each draw: "if (this.logitProcessor !== undefined)". */
    public logitProcessor: LogitProcessor | undefined,
    private readonly device: FakeGpuDevice,
  ) {}

  /** "this.filledKVCacheLength": the ids in the KV cache, which each forward pass adds to. */
  get filledKVCacheLength(): number {
    return this.kv.length;
  }

  async forwardTokensAndSample(inputIds: readonly number[]): Promise<number> {
    // "this.tvm.beginScope();" … "this.tvm.endScope();" with no try/finally around what comes between: a
    // throw in between (the logit processor's, say) leaves the scope, and the call's tensors, behind.
    this.openScopes += 1;
    await fakeWebLlm.gpu.forwardPass?.();
    // "yield this.device.sync();" before the logits are read: the GPU work it waits on fails on a lost device.
    if (this.device.isLost)
      throw fakeWebLlm.gpu.lostPassError ?? new DOMException('Device is lost', 'OperationError');
    // "const retGetChunks = getChunkedPrefillInputData(inputData, this.prefillChunkSize, () => 0);"
    // The chunks are fed one after the other, and only the last one's logits are sampled.
    this.kv.push(...inputIds);
    // "const nextToken = yield this.sampleFromRawLogits(logitsOnGPU);" which, with a logit processor,
    // runs "logitsOnCPUArray = this.logitProcessor.processLogits(logitsOnCPUArray);" once, on the CPU.
    let logits = fakeWebLlm.gpu.logits(this.kv);
    if (this.logitProcessor) logits = this.logitProcessor.processLogits(logits);
    // NEUTRAL_WEB_LLM_SAMPLING's temperature 0 is clamped to 1e-6, where MLC's softmax takes the greedy
    // branch: the largest score wins.
    let next = 0;
    logits.forEach((score, id) => {
      if (score > (logits[next] ?? -Infinity)) next = id;
    });
    // "this.commitSamplerState(nextToken);" → "this.logitProcessor?.processSampledToken(sampledToken)"
    this.logitProcessor?.processSampledToken(next);
    this.openScopes -= 1;
    return next;
  }
}

/** `MLCEngine` of web-llm 0.2.86, its load, unload and token calls. */
export class FakeMLCEngine {
  appConfig: AppConfig | undefined;
  logitProcessorRegistry: Map<string, LogitProcessor> | undefined;
  initProgressCallback:
    ((report: { progress: number; timeElapsed: number; text: string }) => void) | undefined;
  /** "this.loadedModelIdToPipeline = new Map();", as web-llm keeps its pipelines. */
  readonly loadedModelIdToPipeline = new Map<string, FakePipeline>();
  reloadController: AbortController | undefined;
  deviceLostIsError = true;
  unloads = 0;
  /** The blob URL the library was read from, when the app handed one over. */
  libraryFrom: string | undefined;
  /** The one pipeline loaded, if any. */
  get pipeline(): FakePipeline | undefined {
    return [...this.loadedModelIdToPipeline.values()][0];
  }

  /** The ids of each `forwardTokensAndSample` call, in order. */
  readonly forwards: number[][] = [];
  /** The merged config's `context_window_size` of each reload, in order. */
  readonly reloadedWindows: (number | undefined)[] = [];
  /** The device of the last reload, and what it holds. */
  device: FakeGpuDevice | undefined;

  constructor() {
    fakeWebLlm.engine = this;
  }

  setAppConfig(appConfig: AppConfig): void {
    this.appConfig = appConfig;
  }

  setInitProgressCallback(callback: FakeMLCEngine['initProgressCallback']): void {
    this.initProgressCallback = callback;
  }

  setLogitProcessorRegistry(registry: Map<string, LogitProcessor> | undefined): void {
    this.logitProcessorRegistry = registry;
  }

  async reload(modelId: string, chatOpts?: object): Promise<void> {
    // "// 0. Unload all loaded models" "yield this.unload();"
    await this.unload();
    // "this.reloadController = new AbortController();"
    this.reloadController = new AbortController();
    try {
      await this.reloadInternal(modelId, chatOpts);
    } catch (error) {
      // "if (error instanceof DOMException && error.name === "AbortError") {
      //     log.warn("Reload() is aborted.", error.message); return; }"
      if (error instanceof DOMException && error.name === 'AbortError') return;
      throw error;
    } finally {
      this.reloadController = undefined;
    }
  }

  private async reloadInternal(modelId: string, chatOpts: object | undefined): Promise<void> {
    // Each step reads "this.reloadController?.signal" (compiled to "(_c = this.reloadController) === null ||
    // _c === void 0 ? void 0 : _c.signal") afresh, as
    // web-llm does: once unload() has aborted and cleared the controller, the steps after get no signal.
    const signal = (): AbortSignal | undefined => this.reloadController?.signal;
    // "const logitProcessor = this.logitProcessorRegistry?.get(modelId);"
    const logitProcessor = this.logitProcessorRegistry?.get(modelId);
    const record = this.appConfig?.model_list.find((model) => model.model_id === modelId);
    if (!record) throw named('ModelNotFoundError', `Cannot find model record in appConfig for ${modelId}.`);
    const base = record.model;
    // "const configData = (yield configCache.fetchWithCache(configUrl, "arraybuffer", this.reloadController?.signal));"
    const configData = await fetchWithCache(
      'webllm/config',
      new URL('mlc-chat-config.json', base).href,
      signal(),
    );
    // The config merged as web-llm merges it:
    // "const curModelConfig = Object.assign(Object.assign(Object.assign({}, JSON.parse(new TextDecoder().decode(configData))), modelRecord.overrides), chatOpts);"
    const config = {
      ...(JSON.parse(new TextDecoder().decode(configData)) as object),
      ...record.overrides,
      ...chatOpts,
    } as {
      prefill_chunk_size?: number;
      context_window_size?: number;
    };
    this.reloadedWindows.push(config.context_window_size);
    // "if (wasmUrl.includes("localhost")) {" … "return (yield fetch(wasmUrl)).arrayBuffer();"
    const wasmUrl = record.model_lib;
    if (wasmUrl.startsWith('blob:')) this.libraryFrom = wasmUrl;
    else if (wasmUrl.includes('localhost')) await (await fetch(wasmUrl)).arrayBuffer();
    else await fetchWithCache('webllm/wasm', wasmUrl, signal());
    // "const tvm = yield libExports$2.instantiate(wasm.buffer, libExports$2.createPolyfillWASI(), this.logger);"
    await fakeWebLlm.gpu.instantiate?.();
    // "const gpuDetectOutput = yield libExports$2.detectGPUDevice();": "navigator.gpu.requestAdapter({ powerPreference })"
    // then "adapter.requestDevice({ requiredLimits: …, requiredFeatures })", a new device on every reload.
    const adapter = await (typeof navigator === 'undefined' ? undefined : navigator.gpu)?.requestAdapter({
      powerPreference: 'high-performance',
    });
    // "if (gpuDetectOutput == undefined) { throw new WebGPUNotAvailableError(); }"
    if (!adapter)
      throw named('WebGPUNotAvailableError', 'WebGPU is not supported in your current environment.');
    // The tests give the worker `fakeNavigatorGpu()`, whose devices are fakes.
    const device = (await adapter.requestDevice()) as unknown as FakeGpuDevice;
    this.device = device;
    // "gpuDetectOutput.device.lost.then((info) => { if (this.deviceLostIsError) { …
    //     this.unload(); deviceLostInReload = true; } });"
    const lost = { deviceLostInReload: false };
    void device.lost.then(() => {
      if (this.deviceLostIsError) {
        void this.unload();
        lost.deviceLostInReload = true;
      }
    });
    // asyncLoadTokenizer: "const model = yield modelCache.fetchWithCache(url, "arraybuffer");" (no signal)
    await fetchWithCache('webllm/model', new URL('tokenizer.json', base).href, undefined);
    // "yield tvm.fetchTensorCache(…, { signal: this.reloadController?.signal }))": shards not yet in the
    // cache are downloaded with the signal; loading them from the cache and compiling ignore it.
    const tensorSignal = signal();
    const manifestUrl = new URL('tensor-cache.json', base).href;
    const manifest = JSON.parse(
      new TextDecoder().decode(await fetchWithCache('webllm/model', manifestUrl, tensorSignal)),
    ) as { records: { dataPath: string; nbytes: number }[] };
    await this.fetchTensorCacheInternal(base, manifest.records, tensorSignal, device);
    await fakeWebLlm.gpu.compile?.();
    // "newPipeline = new LLMChatPipeline(tvm, tokenizer, curModelConfig, logitProcessor, …)" makes the KV cache:
    // "createKVCache(… this.tvm.makeShapeTuple([maxTotalSeqLen]) …)", maxTotalSeqLen being the context window.
    const contextWindowSize = config.context_window_size ?? -1;
    device.allocate(Math.max(contextWindowSize, 0) * (fakeWebLlm.gpu.kvBytesPerToken ?? 0));
    // The device-lost handler runs as the allocation's error scopes settle, before the shaders are ready.
    await Promise.resolve();
    // "this.loadedModelIdToPipeline.set(modelId, newPipeline);": set even when the handler unloaded first.
    this.loadedModelIdToPipeline.set(
      modelId,
      new FakePipeline(
        // "this.prefillChunkSize = metadata.prefill_chunk_size;": the library's, not the config's.
        fakeWebLlm.libraryPrefillChunkSize ?? config.prefill_chunk_size ?? 1024,
        contextWindowSize,
        logitProcessor,
        device,
      ),
    );
    // "const text = "Finish loading on " + gpuLabel;" "this.initProgressCallback({ progress: 1, timeElapsed: …"
    this.initProgressCallback?.({ progress: 1, timeElapsed: 1, text: 'Finish loading on WebGPU - fake' });
    // "if (deviceLostInReload) { throw new DeviceLostError(); }"
    if (lost.deviceLostInReload) {
      throw named('DeviceLostError', 'The WebGPU device was lost while loading the model.');
    }
  }

  /**
   * tvmjs's `fetchTensorCacheInternal` with its progress reports (registered by
   * "tvm.registerInitProgressCallback(this.initProgressCallback);"): the shards are downloaded unless all are
   * cached, then read from the cache one by one; each step reports the bytes so far over the manifest's total.
   */
  private async fetchTensorCacheInternal(
    base: string,
    list: readonly { dataPath: string; nbytes: number }[],
    signal: AbortSignal | undefined,
    device: FakeGpuDevice,
  ): Promise<void> {
    // "for (let i = 0; i < list.length; ++i) { totalBytes += list[i].nbytes; }"
    const totalBytes = list.reduce((sum, shard) => sum + shard.nbytes, 0);
    let fetchedBytes = 0;
    const report = (iter: number, loading: boolean): void => {
      // "text = "Loading model from cache[" + iter + "/" + list.length + "]: ";" or "Fetching param cache[…"
      const text = loading
        ? `Loading model from cache[${iter}/${list.length}]: ${Math.ceil(fetchedBytes / 2 ** 20)}MB loaded.`
        : `Fetching param cache[${iter}/${list.length}]: ${Math.ceil(fetchedBytes / 2 ** 20)}MB fetched.`;
      // "progress: fetchedBytes / totalBytes,"
      this.initProgressCallback?.({ progress: fetchedBytes / totalBytes, timeElapsed: 0, text });
    };
    const urls = list.map((shard) => new URL(shard.dataPath, base).href);
    // "const cacheOnly = yield artifactCache.hasAllKeys(list.map(key => new URL(key.dataPath, tensorCacheUrl).href));"
    const model = await caches.open('webllm/model');
    const cacheOnly = (await Promise.all(urls.map((url) => model.match(url)))).every(Boolean);
    // "progress: fetchedBytes / totalBytes, timeElapsed: 0, text: "Start to fetch params","
    this.initProgressCallback?.({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    if (!cacheOnly) {
      // downloadCache: "yield artifactCache.addToCache(dataUrl, "arraybuffer", signal);" …
      // "fetchedBytes += shard.nbytes; reportCallback(++fetchedShards, /*loading=*/ false);" (four loops in
      // parallel there; one after the other here)
      for (const [index, shard] of list.entries()) {
        await fetchWithCache('webllm/model', urls[index] ?? '', signal);
        fetchedBytes += shard.nbytes;
        report(index + 1, false);
      }
    }
    // "// Reset for the loading phase to avoid double counting with download phase" "fetchedBytes = 0;"
    fetchedBytes = 0;
    for (const [index, shard] of list.entries()) {
      // "buffer = yield artifactCache.fetchWithCache(dataUrl, "arraybuffer");" (no signal)
      await fetchWithCache('webllm/model', urls[index] ?? '', undefined);
      // "gpu_arr = … this.empty(rec.shape, rec.dtype, device) …": each record's buffer on the GPU.
      device.allocate(shard.nbytes);
      fetchedBytes += shard.nbytes;
      report(index + 1, true);
    }
  }

  /** The GPU goes away under the device of the last reload. */
  loseDevice(): void {
    this.device?.loseUnexpectedly();
  }

  async unload(): Promise<void> {
    this.unloads += 1;
    // "this.deviceLostIsError = false; // so that unload() does not trigger device.lost error"
    this.deviceLostIsError = false;
    if (this.pipeline) {
      // "pipeline.dispose();" disposes its TVM instance, whose WebGPU context ends in "this.device.destroy();",
      // and "yield pipeline.sync();" waits "until device is actually destroyed".
      this.loadedModelIdToPipeline.clear();
      this.device?.destroy();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // "this.loadedModelIdToPipeline.clear();" … "this.deviceLostIsError = true;"
    this.deviceLostIsError = true;
    // "if (this.reloadController) { this.reloadController.abort("Engine.unload() is called."); … }"
    if (this.reloadController) {
      this.reloadController.abort('Engine.unload() is called.');
      this.reloadController = undefined;
    }
  }

  /** "const [, selectedPipeline] = this.getLLMStates(…);" throws ModelNotLoadedError with nothing loaded. */
  private loaded(requestName: string): FakePipeline {
    if (!this.pipeline) {
      throw named(
        'ModelNotLoadedError',
        `Model not loaded before trying to complete ${requestName}. Please ensure you have called MLCEngine.reload(model) to load the model before initiating APIs.`,
      );
    }
    return this.pipeline;
  }

  /** `isPrefill` only changes web-llm's statistics. */
  async forwardTokensAndSample(inputIds: number[]): Promise<number> {
    this.forwards.push([...inputIds]);
    return await this.loaded('forwardTokensAndSample').forwardTokensAndSample(inputIds);
  }

  /** "selectedPipeline.resetChat(keepStats);", and a ModelNotLoadedError is "treating it as no-op". */
  resetChat(): Promise<void> {
    this.pipeline?.kv.splice(0);
    return Promise.resolve();
  }

  /** "return selectedPipeline.getMessage();" after getLLMStates. */
  getMessage(): Promise<string> {
    return new Promise((resolve) => {
      this.loaded('getMessage');
      resolve('');
    });
  }
}

/** ArtifactCache.fetchWithCache: "yield this.addToCache(url, storetype, signal);" then match. */
async function fetchWithCache(
  scope: string,
  url: string,
  signal: AbortSignal | undefined,
): Promise<ArrayBuffer> {
  const cache = await caches.open(scope);
  // "const request = new Request(url, signal ? { signal } : undefined);" "yield this.cache.add(request);"
  if ((await cache.match(url)) === undefined) {
    const response = await fetch(url, signal ? { signal } : {});
    if (!response.ok) throw new TypeError(`Failed to execute 'add' on 'Cache': Request failed`);
    await cache.put(url, response);
  }
  const result = await cache.match(url);
  if (!result) throw new Error(`Cannot fetch ${url}`);
  return result.arrayBuffer();
}

function modelBase(modelId: string, appConfig: AppConfig): string {
  const record = appConfig.model_list.find((model) => model.model_id === modelId);
  if (!record) throw named('ModelNotFoundError', modelId);
  return record.model;
}

/** "return libExports$2.hasTensorInCache(modelUrl, …)": tensor-cache.json and every shard it lists. */
export async function hasModelInCache(modelId: string, appConfig: AppConfig): Promise<boolean> {
  const base = modelBase(modelId, appConfig);
  const cache = await caches.open('webllm/model');
  const manifest = await cache.match(new URL('tensor-cache.json', base).href);
  if (!manifest) return false;
  const { records } = (await manifest.json()) as { records: { dataPath: string }[] };
  const found = await Promise.all(records.map(({ dataPath }) => cache.match(new URL(dataPath, base).href)));
  return found.every((response) => response !== undefined);
}

/**
 * "yield deleteModelInCache(modelId, appConfig);" … "yield deleteModelWasmInCache(modelId, appConfig);" …
 * "yield deleteChatConfigInCache(modelId, appConfig);", in turn;
 * deleteTensorCache reads tensor-cache.json with fetchWithCache (from the host when it is not cached) and
 * deletes the shards it lists, never tensor-cache.json itself.
 */
export async function deleteModelAllInfoInCache(modelId: string, appConfig: AppConfig): Promise<void> {
  const base = modelBase(modelId, appConfig);
  const model = await caches.open('webllm/model');
  const manifest = JSON.parse(
    new TextDecoder().decode(
      await fetchWithCache('webllm/model', new URL('tensor-cache.json', base).href, undefined),
    ),
  ) as { records: { dataPath: string }[] };
  await Promise.all(manifest.records.map(({ dataPath }) => model.delete(new URL(dataPath, base).href)));
  await model.delete(new URL('tokenizer.model', base).href);
  await model.delete(new URL('tokenizer.json', base).href);
  const record = appConfig.model_list.find((entry) => entry.model_id === modelId);
  if (record) await (await caches.open('webllm/wasm')).delete(record.model_lib);
  await (await caches.open('webllm/config')).delete(new URL('mlc-chat-config.json', base).href);
}
