import { hasModelInCache, MLCEngine, type AppConfig } from '@mlc-ai/web-llm';

import { ModelCardSampler } from '../../generation/model-card-sampler';
import { seededRandom } from '../../generation/random';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import {
  EngineError,
  type ChatEngine,
  type GenerateOptions,
  type GenerateRequest,
  type LoadOptions,
  type MeasureOptions,
} from '../chat-engine';
import { hasTrait } from '../error-codes';
import { probeGpu, type GpuLike } from '../gpu-probe';
import { findModelRecord, gpuMemoryOf, largestBufferOf, type ModelRecord } from '../model-records';
import type {
  FolderFile,
  GenerationResult,
  GpuReport,
  LoadedModel,
  LoadTarget,
  ModelSelection,
} from '../protocol';
import { DeviceWatch, type DeviceLoss, type DeviceTracking, type WatchableGpu } from './device-watch';
import { drawnTokenProcessor, NEUTRAL_WEB_LLM_SAMPLING, type InvalidLogits } from './drawn-token-processor';
import { importModelFolder, WEB_LLM_CACHES } from './folder-import';
import { loadHfTokenizer, type HfTokenizer } from './hf-tokenizer';
import { sha256Sri, type IntegrityManifest } from './integrity';
import { KullmSession, type ModelWindow, type TokenModel } from './kullm-session';
import { downloadModel, type DownloadOutcome } from './model-download';
import { diagnoseModelFiles, modelFileUrls, type ModelFileUrls } from './model-files';
import { MEASURE_SEED, runMeasureScript } from './measure-script';
import { LoadProgressRelay, shardBytesOf, type DownloadTotal } from './progress-report';
import { toEngineError } from './web-llm-errors';

/** web-llm's `ModelRecord.integrity` (not exported by name). */
type ModelRecordIntegrity = NonNullable<AppConfig['model_list'][number]['integrity']>;

/**
 * web-llm fetches a library on a `localhost` URL straight from the network, never from its cache. When an
 * imported folder put the library in the cache, hand it over as a blob URL so the load needs no host there.
 */
async function libraryFromCache(libraryUrl: string): Promise<{ url: string; bytes: number } | undefined> {
  if (!new URL(libraryUrl).hostname.includes('localhost')) return undefined;
  const cached = await (await caches.open(WEB_LLM_CACHES.wasm)).match(libraryUrl);
  if (!cached) return undefined;
  const blob = await cached.blob();
  return { url: URL.createObjectURL(blob), bytes: blob.size };
}

/**
 * What this load fetches, from web-llm's cache: the shards' total in `tensor-cache.json` and the library's
 * size (from the blob handed over, else from web-llm's cache, else 0: on localhost web-llm fetches the
 * library without caching it). Read when web-llm first reports progress, by which time it has both.
 */
async function readDownloadTotal(
  urls: ModelFileUrls,
  handedOver: { bytes: number } | undefined,
): Promise<DownloadTotal | undefined> {
  const manifest = await (await caches.open(WEB_LLM_CACHES.model)).match(urls.tensorCache);
  const shardBytes = manifest ? shardBytesOf(await manifest.json().catch(() => undefined)) : undefined; // Unknown size.
  if (shardBytes === undefined) return undefined;
  if (handedOver) return { shardBytes, libraryBytes: handedOver.bytes };
  const library = await (await caches.open(WEB_LLM_CACHES.wasm)).match(urls.library);
  return { shardBytes, libraryBytes: library ? (await library.blob()).size : 0 };
}

/** A model file from web-llm's cache, where the load just put it, else from the host. */
async function readModelFile(cacheName: string, url: string, name: string): Promise<ArrayBuffer> {
  const response = (await (await caches.open(cacheName)).match(url)) ?? (await fetch(url));
  if (!response.ok) {
    await response.body?.cancel();
    throw new EngineError('model-files-missing', `${name}: HTTP ${response.status} at ${url}`);
  }
  return response.arrayBuffer();
}

/**
 * The window the loaded model works within: the one asked for, which web-llm sized the KV cache by (the
 * override of `context_window_size`), but never more than the build's own `context_window_size` in its
 * `mlc-chat-config.json` (the positions it was built for); and the `prefill_chunk_size` of the same file,
 * which the library was compiled with, the largest input of one forward pass.
 */
function readModelWindow(json: ArrayBuffer, asked: number): ModelWindow {
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(json));
  } catch {
    throw new EngineError('model-files-corrupt', 'mlc-chat-config.json is not valid JSON.');
  }
  const field = (name: string): number => {
    const value = (config as Record<string, unknown> | null)?.[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new EngineError(
        'model-files-corrupt',
        `mlc-chat-config.json: ${name} is ${JSON.stringify(value)}, not a positive number of tokens (a sliding window is not supported).`,
      );
    }
    return value;
  };
  return {
    contextWindow: Math.min(asked, field('context_window_size')),
    prefillChunkSize: field('prefill_chunk_size'),
  };
}

function recordFor(selection: ModelSelection): ModelRecord {
  const record = findModelRecord(selection.modelId);
  if (!record) throw new EngineError('invalid-request', `Unknown model: ${selection.modelId}`);
  return record;
}

/**
 * The web-llm app config for one model: everything is resolved to absolute URLs under the artifacts base.
 * The sampling is overridden, and the context window when one is asked for: web-llm merges the overrides
 * over the built config ("Object.assign({}, JSON.parse(...), modelRecord.overrides, chatOpts)") and makes the
 * KV cache for `context_window_size` tokens, so one build loads at every window.
 */
function appConfigFor(record: ModelRecord, urls: ModelFileUrls, contextWindow?: number): AppConfig {
  const window = contextWindow ?? record.contextWindow;
  return {
    model_list: [
      {
        model: urls.base,
        model_id: record.id,
        model_lib: urls.library,
        required_features: [...record.requiredFeatures],
        vram_required_MB: gpuMemoryOf(record, window).totalBytes / 2 ** 20,
        buffer_size_required_bytes: largestBufferOf(record, window),
        overrides: {
          ...NEUTRAL_WEB_LLM_SAMPLING,
          ...(contextWindow === undefined ? {} : { context_window_size: contextWindow }),
        },
      },
    ],
  };
}

const cancelled = (): EngineError => new EngineError('load-cancelled', 'The load was cancelled.');

/**
 * web-llm's reports from inside the weight download (tvmjs's fetchTensorCacheInternal): "Start to fetch
 * params" before the first shard is fetched, "Fetching param cache[i/N]" after each.
 */
function startsOrContinuesDownload(text: string): boolean {
  return text === 'Start to fetch params' || text.startsWith('Fetching param cache');
}

/**
 * The manifest's hashes for the files web-llm reads itself and can verify (`ModelRecord.integrity`): the
 * config, the library and the tokenizer, checked again as web-llm reads them from the cache.
 */
function webLlmIntegrity(manifest: IntegrityManifest, record: ModelRecord): ModelRecordIntegrity {
  const { files } = manifest;
  const config = files['mlc-chat-config.json']?.integrity;
  const library = files[record.modelLib]?.integrity;
  const tokenizer = files['tokenizer.json']?.integrity;
  return {
    ...(config ? { config } : {}),
    ...(library ? { model_lib: library } : {}),
    ...(tokenizer ? { tokenizer: { 'tokenizer.json': tokenizer } } : {}),
    onFailure: 'error',
  };
}

/** An answer the GPU's numbers broke: say what came back and what usually helps. */
function invalidNumbers(invalid: InvalidLogits, quantization: string): EngineError {
  return new EngineError(
    'invalid-numbers',
    `The model produced invalid numbers on this GPU (${quantization}): ${invalid.count} logits that are NaN or infinite, the first ${invalid.firstValue} at token ${invalid.firstId}. q4f16_1 gives them on some drivers; the q4f32_1 build usually does not.`,
  );
}

/** A load that failed after its GPU device was lost, whatever error the rest of the load met. */
function lostInLoad(loss: DeviceLoss, error: unknown): EngineError {
  const mapped = toEngineError(error);
  return new EngineError(
    'device-lost',
    `The GPU device was lost while loading the model (${loss.reason}: ${loss.message}), most likely for lack of GPU memory. ${mapped.message}`,
  );
}

/** `navigator.gpu` in the worker, when there is one. */
function workerGpu(): (WatchableGpu & GpuLike) | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as { gpu?: WatchableGpu & GpuLike }).gpu;
}

/**
 * The real engine: web-llm's `MLCEngine`, run inside the worker. Only this module (and the worker that
 * loads it on demand) imports web-llm at run time.
 *
 * web-llm's control flow decides much of what follows (0.2.86, `lib/index.js`): `unload()` aborts only the
 * network fetches of a load, so a load from the cache runs to its end, and `reload()` swallows the
 * AbortError and returns normally; its device-lost handler unloads the model without a word. So a load
 * checks the cancel itself after each step, and a model that is gone without our unloading it was lost with
 * its device.
 */
export class WebLlmEngine implements ChatEngine {
  private readonly engine = new MLCEngine();
  private readonly sampler = new ModelCardSampler();
  private loaded: LoadedModel | undefined;
  private session: KullmSession | undefined;
  private tokenizer: HfTokenizer | undefined;
  private readonly logitProcessor = drawnTokenProcessor(this.sampler);
  private readonly devices = new DeviceWatch(workerGpu());
  /** What a measurement needs of the loaded model. */
  private measurable:
    | {
        readonly model: TokenModel;
        readonly tokenizer: HfTokenizer;
        readonly window: ModelWindow;
        readonly prefillChunks: { readonly library: number | undefined; readonly config: number };
      }
    | undefined;
  /** The loss of the loaded model's device, watched from its load until the model is let go. */
  private loadedDevice: DeviceTracking | undefined;

  inspectDevice(): Promise<GpuReport> {
    return probeGpu(workerGpu());
  }

  /**
   * Whether the model loads without the network: web-llm's own check covers the weights only, so the
   * config, the tokenizer and the library (web-llm never caches one on localhost) are checked too.
   */
  async isCached(selection: ModelSelection): Promise<boolean> {
    const record = recordFor(selection);
    const urls = modelFileUrls(record, selection.artifactsBaseUrl);
    if (!(await hasModelInCache(record.id, appConfigFor(record, urls)))) return false;
    const has = async (cache: string, url: string): Promise<boolean> =>
      (await (await caches.open(cache)).match(url)) !== undefined;
    const checks = await Promise.all([
      has(WEB_LLM_CACHES.config, urls.config),
      has(WEB_LLM_CACHES.model, urls.tokenizer),
      has(WEB_LLM_CACHES.wasm, urls.library),
    ]);
    return checks.every(Boolean);
  }

  /**
   * Removes every file of the model from web-llm's caches, each step whatever the others did. web-llm's
   * `deleteModelAllInfoInCache` stops at its first failure (it even fetches tensor-cache.json from the host
   * when it is not cached, to list the shards), then leaves the library and the config, and never deletes
   * tensor-cache.json itself.
   */
  async deleteCached(selection: ModelSelection): Promise<void> {
    const urls = modelFileUrls(recordFor(selection), selection.artifactsBaseUrl);
    const failures: unknown[] = [];
    const remove = async (cacheName: string, belongs: (url: string) => boolean): Promise<void> => {
      try {
        const cache = await caches.open(cacheName);
        const requests = (await cache.keys()).filter((request) => belongs(request.url));
        await Promise.all(
          requests.map((request) => cache.delete(request).catch((e: unknown) => failures.push(e))),
        );
      } catch (error) {
        failures.push(error);
      }
    };
    await Promise.all([
      remove(WEB_LLM_CACHES.model, (url) => url.startsWith(urls.base)),
      remove(WEB_LLM_CACHES.wasm, (url) => url === urls.library),
      remove(WEB_LLM_CACHES.config, (url) => url === urls.config),
    ]);
    if (failures.length > 0) throw toEngineError(failures[0]);
  }

  async importFolder(
    selection: ModelSelection,
    files: readonly FolderFile[],
    options: LoadOptions = {},
  ): Promise<void> {
    const record = recordFor(selection);
    await importModelFolder(
      files,
      record,
      modelFileUrls(record, selection.artifactsBaseUrl),
      caches,
      (progress) => options.onProgress?.(progress),
    );
  }

  async load(target: LoadTarget, options: LoadOptions = {}): Promise<LoadedModel> {
    const record = recordFor(target);
    const { signal } = options;
    this.forget();
    const urls = modelFileUrls(record, target.artifactsBaseUrl);
    const appConfig = appConfigFor(record, urls, target.contextWindow);
    // Unloading aborts web-llm's downloads at once; the rest of a load is stopped by the checks below.
    const cancel = (): void => void this.engine.unload();
    signal?.addEventListener('abort', cancel, { once: true });
    const device = this.devices.track();
    try {
      if (signal?.aborted) throw cancelled();
      const { manifest, repaired } = await this.download(record, urls, options);
      const entry = appConfig.model_list[0];
      if (manifest && entry) entry.integrity = webLlmIntegrity(manifest, record);
      await this.reload(record, urls, appConfig, {
        ...options,
        // What was repaired stays said for the rest of the load.
        onProgress: (progress) =>
          options.onProgress?.(repaired.length > 0 ? { ...progress, repaired } : progress),
      });
      if (signal?.aborted) throw cancelled();
      const configured = readModelWindow(
        await readModelFile(WEB_LLM_CACHES.config, urls.config, 'mlc-chat-config.json'),
        target.contextWindow,
      );
      const library = this.libraryChunk(record.id, configured.prefillChunkSize);
      const window = { ...configured, prefillChunkSize: library ?? configured.prefillChunkSize };
      const json = await readModelFile(WEB_LLM_CACHES.model, urls.tokenizer, 'tokenizer.json');
      if (signal?.aborted) throw cancelled();
      const tokenizer = await loadHfTokenizer(json);
      if (signal?.aborted) {
        tokenizer.dispose();
        throw cancelled();
      }
      this.tokenizer = tokenizer;
      const model: TokenModel = {
        forwardTokensAndSample: async (ids, isPrefill) => {
          const next = await this.engine.forwardTokensAndSample(ids, isPrefill);
          // Read after web-llm's call has closed its memory scope: the answer ends, the engine stays usable.
          const invalid = this.logitProcessor.takeInvalid();
          if (invalid) throw invalidNumbers(invalid, record.quantization);
          return next;
        },
        forwardTokens: async (ids) => {
          await this.logitProcessor.withoutDraw(() => this.engine.forwardTokensAndSample(ids, true));
        },
        resetChat: () => this.engine.resetChat(),
      };
      this.session = new KullmSession(model, tokenizer, this.sampler, window);
      this.measurable = {
        model,
        tokenizer,
        window,
        prefillChunks: { library, config: configured.prefillChunkSize },
      };
      this.loaded = { modelId: record.id, engine: 'web-llm', ...window };
      this.loadedDevice = device;
      return this.loaded;
    } catch (error) {
      // Read before the unload below, which destroys the device itself.
      const loss = signal?.aborted ? undefined : device.lost();
      // Whatever ended the load, nothing of it may stay on the GPU: 6-9 GB, and the tab would keep the lock.
      await this.engine.unload().catch(() => undefined); // The load's own error is what is thrown.
      throw loss ? lostInLoad(loss, error) : error;
    } finally {
      if (this.loadedDevice !== device) device.stop();
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Puts every file into web-llm's caches, checked (`downloadModel`), reporting bytes and repairs. */
  private async download(
    record: ModelRecord,
    urls: ModelFileUrls,
    { signal, onProgress }: LoadOptions,
  ): Promise<DownloadOutcome> {
    const repaired: string[] = [];
    let last: { loaded: number; total: number } = { loaded: 0, total: 0 };
    const report = (): void =>
      onProgress?.({
        phase: 'download',
        fraction: last.total > 0 ? last.loaded / last.total : 0,
        loadedBytes: last.loaded,
        totalBytes: last.total,
        text: `Downloaded and checked ${last.loaded} of ${last.total} bytes.`,
        ...(repaired.length > 0 ? { repaired: [...repaired] } : {}),
      });
    return downloadModel(
      record,
      urls,
      { caches, fetch: (url, init) => fetch(url, init), digest: sha256Sri },
      {
        signal,
        onProgress: (loaded, total) => {
          last = { loaded, total };
          report();
        },
        onRepair: (file) => {
          repaired.push(file);
          report();
        },
      },
    );
  }

  /** web-llm's `reload`, with its failures explained and a lost device told apart from a finished load. */
  private async reload(
    record: ModelRecord,
    urls: ModelFileUrls,
    appConfig: AppConfig,
    { signal, onProgress }: LoadOptions,
  ): Promise<void> {
    const cachedLibrary = await libraryFromCache(urls.library);
    if (cachedLibrary !== undefined && appConfig.model_list[0])
      appConfig.model_list[0].model_lib = cachedLibrary.url;
    this.engine.setAppConfig(appConfig);
    this.engine.setLogitProcessorRegistry(new Map([[record.id, this.logitProcessor]]));
    const progress = new LoadProgressRelay(
      () => readDownloadTotal(urls, cachedLibrary),
      (report) => onProgress?.(report),
    );
    this.engine.setInitProgressCallback((report) => {
      // A cancel that came before web-llm's weight download began left it without a signal (unload() clears
      // the controller that the download reads afresh), so the download would run on. web-llm calls this
      // synchronously inside the download, before the first shard and after each: throwing here ends it.
      // Never while shards are read from the cache onto the GPU: their buffers would stay behind.
      if (signal?.aborted && startsOrContinuesDownload(report.text)) throw cancelled();
      progress.report(report);
    });
    if (signal?.aborted) throw cancelled();
    try {
      await this.engine.reload(record.id);
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      // Not cancelled by us: a fetch that rejects with "Engine.unload() is called." was aborted by web-llm's
      // device-lost handler, which unloads (toEngineError calls it device-lost).
      const mapped = toEngineError(error);
      if (!hasTrait(mapped.code, 'host-file')) throw mapped;
      throw (
        (await diagnoseModelFiles(urls, (url, init) => fetch(url, init)).catch(() => undefined)) ?? mapped // Undiagnosed: the error as mapped.
      );
    } finally {
      // The library is compiled by now (or never will be): the blob holds its whole size in memory.
      if (cachedLibrary !== undefined) URL.revokeObjectURL(cachedLibrary.url);
      // No report of this load may come after its end.
      await progress.flushed();
    }
    if (signal?.aborted) throw cancelled();
    // reload() also returns normally when a download was aborted (it swallows the AbortError). Not by us: then
    // web-llm's device-lost handler aborted it by unloading, and getMessage() finds no model.
    try {
      await this.engine.getMessage();
    } catch (error) {
      const mapped = toEngineError(error);
      if (mapped.code !== 'not-loaded') throw mapped;
      throw new EngineError(
        'device-lost',
        `The GPU device was lost while loading the model. ${mapped.message}`,
      );
    }
  }

  async generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerationResult> {
    if (!this.loaded || !this.session) throw new EngineError('not-loaded', 'No model is loaded.');
    try {
      return await this.session.generate(request, options);
    } catch (error) {
      const mapped = toEngineError(error);
      const loss = this.loadedDevice?.lost();
      // A lost device ends an answer with whatever the GPU's work or the disposed pipeline throws: Chrome's
      // "Device is lost", or any error of a pipeline that web-llm's device-lost handler disposed under it.
      // The device's own loss says so, and a model web-llm no longer has (its handler unloads it).
      if (
        !loss &&
        mapped.code !== 'not-loaded' &&
        mapped.code !== 'device-lost' &&
        (await this.stillLoaded())
      )
        throw mapped;
      this.forget();
      throw new EngineError(
        'device-lost',
        `The GPU device was lost during the answer${loss ? ` (${loss.reason}: ${loss.message})` : ''}; web-llm unloads the model. ${mapped.message}`,
      );
    }
  }

  /**
   * The prefill chunk web-llm itself slices by: the library's ("this.prefillChunkSize =
   * metadata.prefill_chunk_size;" in LLMChatPipeline, logged as "Using prefillChunkSize"), which a library
   * compiled with another config makes different from mlc-chat-config.json's. The app slices prompts by
   * the same value, so that Stop acts between the passes web-llm makes and a seed gives the same answer
   * however the prompt is sliced. web-llm keeps it on its pipeline; undefined when it cannot be read there
   * (the config's then stands in). Logs both.
   */
  private libraryChunk(modelId: string, config: number): number | undefined {
    const library = this.pipelineOf(modelId)?.['prefillChunkSize'];
    const usable = typeof library === 'number' && Number.isSafeInteger(library) && library > 0;
    console.info(
      `prefill_chunk_size: library ${usable ? library : 'unknown'}, mlc-chat-config.json ${config}`,
    );
    return usable ? library : undefined;
  }

  /**
   * web-llm's pipeline of a loaded model, where it keeps what it does not export: "this.loadedModelIdToPipeline"
   * of MLCEngine, each an LLMChatPipeline with `prefillChunkSize`, `filledKVCacheLength`, `logitProcessor`.
   */
  private pipelineOf(modelId: string): Record<string, unknown> | undefined {
    const pipelines = (this.engine as unknown as { loadedModelIdToPipeline?: unknown })
      .loadedModelIdToPipeline;
    const pipeline: unknown = pipelines instanceof Map ? pipelines.get(modelId) : undefined;
    return typeof pipeline === 'object' && pipeline !== null
      ? (pipeline as Record<string, unknown>)
      : undefined;
  }

  /** Whether web-llm still has the model: after its device-lost handler unloaded it, it throws ModelNotLoadedError. */
  private async stillLoaded(): Promise<boolean> {
    try {
      await this.engine.getMessage();
      return true;
    } catch (error) {
      return toEngineError(error).code !== 'not-loaded';
    }
  }

  async measure({ onRow, signal }: MeasureOptions): Promise<{ readonly stopped: boolean }> {
    const loaded = this.loaded;
    const measurable = this.measurable;
    if (!loaded || !measurable) throw new EngineError('not-loaded', 'No model is loaded.');
    const { model, tokenizer, window, prefillChunks } = measurable;
    try {
      return await runMeasureScript(
        {
          newSession: () => new KullmSession(model, tokenizer, this.sampler, window),
          tokenizer,
          window,
          prefillChunks,
          kvLength: () => {
            const length = this.pipelineOf(loaded.modelId)?.['filledKVCacheLength'];
            return typeof length === 'number' ? length : undefined;
          },
          decode: (promptIds, steps, mode, stop) =>
            this.decode(loaded.modelId, model, promptIds, steps, mode, stop),
          now: () => performance.now(),
        },
        onRow,
        signal,
      );
    } catch (error) {
      const mapped = toEngineError(error);
      if (this.loadedDevice?.lost() || hasTrait(mapped.code, 'model-gone')) this.forget();
      throw mapped;
    } finally {
      // The measurement filled the KV cache with its own ids: the conversation's record of it no longer holds.
      this.session?.reset();
    }
  }

  /** The decode runs of a measurement: see `MeasureModel.decode`. */
  private async decode(
    modelId: string,
    model: TokenModel,
    promptIds: readonly number[],
    steps: number,
    mode: 'sampler' | 'greedy',
    signal: AbortSignal | undefined,
  ): Promise<{ steps: number; ms: number; fed: number; detail?: string }> {
    await model.resetChat();
    this.sampler.begin(promptIds, MODEL_CARD_SAMPLING, seededRandom(MEASURE_SEED));
    let next = await model.forwardTokensAndSample([...promptIds], true);
    let fed = promptIds.length;
    // Greedy: web-llm's own pick with no logit processor ("if (this.logitProcessor !== undefined)" in
    // sampleFromRawLogits), taken off its pipeline for the run; else the logits go through unchanged.
    const pipeline = mode === 'greedy' ? this.pipelineOf(modelId) : undefined;
    const processor = pipeline?.['logitProcessor'];
    const detached = pipeline !== undefined && processor !== undefined;
    if (detached) pipeline['logitProcessor'] = undefined;
    const draw = (id: number): Promise<number> =>
      mode === 'sampler'
        ? model.forwardTokensAndSample([id], false)
        : this.logitProcessor.withoutDraw(() => this.engine.forwardTokensAndSample([id], false));
    const started = performance.now();
    let done = 0;
    try {
      for (; done < steps && signal?.aborted !== true; done += 1) {
        this.sampler.accept(next);
        next = await draw(next);
        fed += 1;
      }
    } finally {
      if (detached) pipeline['logitProcessor'] = processor;
    }
    return {
      steps: done,
      ms: performance.now() - started,
      fed,
      ...(mode === 'greedy' && !detached
        ? { detail: 'the logit processor could not be taken off: greedy on logits it passed through' }
        : {}),
    };
  }

  async unload(): Promise<void> {
    this.forget();
    await this.engine.unload();
  }

  /** Drops this engine's side of a loaded model: the session and the tokenizer's wasm memory. */
  private forget(): void {
    this.measurable = undefined;
    // Before any unload of ours destroys the device: that loss is not the model's.
    this.loadedDevice?.stop();
    this.loadedDevice = undefined;
    this.loaded = undefined;
    this.session = undefined;
    this.tokenizer?.dispose();
    this.tokenizer = undefined;
  }
}
