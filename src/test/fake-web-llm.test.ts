import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Collapses runs of white space, so that a quote may wrap where the source does not. */
const squeeze = (text: string): string => text.replace(/\s+/g, ' ');

/** web-llm 0.2.86 as it ships, with its compiled optional chaining read back as `a?.b`, as quoted. */
function webLlmSource(): { readonly raw: string; readonly readable: string } {
  const raw = squeeze(readFileSync('node_modules/@mlc-ai/web-llm/lib/index.js', 'utf8'));
  let readable = raw;
  // "(_c = this.reloadController) === null || _c === void 0 ? void 0 : _c.signal" → "this.reloadController?.signal"
  for (let pass = 0; pass < 3; pass += 1) {
    readable = readable.replace(
      /\((_\w+) = ([^()]+?)\) === null \|\| \1 === void 0 \? void 0 : \1\./g,
      '$2?.',
    );
  }
  return { raw, readable };
}

/** The comments of the double, one line of text. */
function doubleComments(): string {
  return squeeze(
    readFileSync('src/test/fake-web-llm.ts', 'utf8')
      .split('\n')
      .filter((line) => /^\s*(\/\/|\*|\/\*\*)/.test(line))
      .map((line) => line.replace(/^\s*(\/\/|\/\*\*|\*)\s?/, ''))
      .join(' '),
  );
}

/**
 * The lines of web-llm that the double imitates and quotes, each as the double quotes it ("…" leaves out
 * what lies between). The control flow that only a GPU shows is tested against these; a quote that no
 * longer matches means the double imitates something web-llm does not do.
 */
const QUOTES = [
  'if (captured.length > 0) { device.destroy(); …}',
  'this.tvm.beginScope();',
  'this.tvm.endScope();',
  'yield this.device.sync();',
  'const retGetChunks = getChunkedPrefillInputData(inputData, this.prefillChunkSize, () => 0);',
  'const nextToken = yield this.sampleFromRawLogits(logitsOnGPU);',
  'logitsOnCPUArray = this.logitProcessor.processLogits(logitsOnCPUArray);',
  'this.commitSamplerState(nextToken);',
  'this.logitProcessor?.processSampledToken(sampledToken)',
  'yield this.unload();',
  'this.reloadController = new AbortController();',
  'if (error instanceof DOMException && error.name === "AbortError") {',
  'log.warn("Reload() is aborted.", error.message); return; }',
  'this.reloadController?.signal',
  '(_c = this.reloadController) === null || _c === void 0 ? void 0 : _c.signal',
  'const logitProcessor = this.logitProcessorRegistry?.get(modelId);',
  'const configData = (yield configCache.fetchWithCache(configUrl, "arraybuffer", this.reloadController?.signal));',
  'const curModelConfig = Object.assign(Object.assign(Object.assign({}, JSON.parse(new TextDecoder().decode(configData))), modelRecord.overrides), chatOpts);',
  'if (wasmUrl.includes("localhost")) {',
  'return (yield fetch(wasmUrl)).arrayBuffer();',
  'const tvm = yield libExports$2.instantiate(wasm.buffer, libExports$2.createPolyfillWASI(), this.logger);',
  'const gpuDetectOutput = yield libExports$2.detectGPUDevice();',
  'if (gpuDetectOutput == undefined) { throw new WebGPUNotAvailableError(); }',
  'gpuDetectOutput.device.lost.then((info) => { if (this.deviceLostIsError) { …',
  'this.unload(); deviceLostInReload = true; } });',
  'const model = yield modelCache.fetchWithCache(url, "arraybuffer");',
  'yield tvm.fetchTensorCache(…, { signal: this.reloadController?.signal }))',
  'newPipeline = new LLMChatPipeline(tvm, tokenizer, curModelConfig, logitProcessor, …)',
  'createKVCache(… this.tvm.makeShapeTuple([maxTotalSeqLen]) …)',
  'this.loadedModelIdToPipeline.set(modelId, newPipeline);',
  'this.prefillChunkSize = metadata.prefill_chunk_size;',
  'this.contextWindowSize = config.context_window_size;',
  'const text = "Finish loading on " + gpuLabel;',
  'this.initProgressCallback({ progress: 1, timeElapsed: …',
  'if (deviceLostInReload) { throw new DeviceLostError(); }',
  'tvm.registerInitProgressCallback(this.initProgressCallback);',
  'for (let i = 0; i < list.length; ++i) { totalBytes += list[i].nbytes; }',
  'text = "Loading model from cache[" + iter + "/" + list.length + "]: ";',
  'const cacheOnly = yield artifactCache.hasAllKeys(list.map(key => new URL(key.dataPath, tensorCacheUrl).href));',
  'progress: fetchedBytes / totalBytes, timeElapsed: 0, text: "Start to fetch params",',
  'yield artifactCache.addToCache(dataUrl, "arraybuffer", signal);',
  'fetchedBytes += shard.nbytes; reportCallback(++fetchedShards, /*loading=*/ false);',
  'buffer = yield artifactCache.fetchWithCache(dataUrl, "arraybuffer");',
  'gpu_arr = … this.empty(rec.shape, rec.dtype, device) …',
  'this.deviceLostIsError = false; // so that unload() does not trigger device.lost error',
  'pipeline.dispose();',
  'this.device.destroy();',
  'yield pipeline.sync();',
  'this.loadedModelIdToPipeline.clear();',
  'if (this.reloadController) { this.reloadController.abort("Engine.unload() is called."); … }',
  'const request = new Request(url, signal ? { signal } : undefined);',
  'yield this.cache.add(request);',
  'yield deleteModelInCache(modelId, appConfig);',
  'yield deleteModelWasmInCache(modelId, appConfig);',
  'yield deleteChatConfigInCache(modelId, appConfig);',
  'selectedPipeline.resetChat(keepStats);',
  'this.logitProcessor = logitProcessor;',
  'if (this.logitProcessor !== undefined)',
  'this.filledKVCacheLength',
  'return selectedPipeline.getMessage();',
] as const;

describe('the web-llm double', () => {
  const webLlm = webLlmSource();
  const comments = doubleComments();

  it.each(QUOTES)('quotes web-llm 0.2.86 as it is: %s', (quote) => {
    expect(comments).toContain(quote.split('…')[0]?.trim());
    for (const part of quote.split('…').map((piece) => piece.trim())) {
      if (part.length < 3) continue;
      expect(webLlm.readable.includes(part) || webLlm.raw.includes(part), part).toBe(true);
    }
  });
});
