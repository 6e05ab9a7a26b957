import { fitToContext } from '../../generation/context-budget';
import { formatKullmPrompt, kullmInstructionBlock } from '../../generation/kullm';
import { BOS_ID } from '../../generation/tokens';
import {
  EngineError,
  type ChatEngine,
  type GenerateOptions,
  type GenerateRequest,
  type LoadOptions,
  type MeasureOptions,
} from '../chat-engine';
import { findModelRecord, gpuMemoryOf } from '../model-records';
import type {
  FolderFile,
  GenerationResult,
  GpuReport,
  LoadedModel,
  LoadPhase,
  LoadTarget,
  MeasureRow,
  ModelSelection,
  ScriptedScenario,
} from '../protocol';
import { SCRIPTED_ENGINE_MARKER } from './marker';

export { SCRIPTED_ENGINE_MARKER };

/** Prefix of the end-to-end contract: `/echo X` is answered with X, verbatim, in small pieces. */
export const ECHO_PREFIX = '/echo ';

const PIECE_CODE_POINTS = 3;
const DOWNLOAD_BYTES = 4_000_000_000;

const defaults = {
  tokenDelayMs: 25,
  loadMs: 400,
  /** What this project's mlc-chat-config.json gives the real engine. */
  prefillChunkSize: 1024,
} as const;

/** web-llm's `DeviceLostError`, which ends a load that ran out of GPU memory (`lib/index.js`). */
const DEVICE_LOST_IN_LOAD =
  'DeviceLostError: The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM). To resolve this, try reloading with a model that has fewer parameters or uses a smaller context length.';

/** Phases of a load and their share of its time; a cached model skips the download, as web-llm does. */
const loadPlan: readonly { readonly phase: LoadPhase; readonly share: number; readonly bytes: boolean }[] = [
  { phase: 'download', share: 0.7, bytes: true },
  { phase: 'cache', share: 0.15, bytes: true },
  { phase: 'compile', share: 0.13, bytes: false },
  { phase: 'finishing', share: 0.02, bytes: false },
];
const LOAD_STEPS = 20;

const scriptedAdapter = (features: readonly string[]): GpuReport => ({
  kind: 'adapter',
  vendor: 'scripted',
  architecture: 'test',
  description: 'Scripted GPU',
  isFallback: false,
  features,
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 31,
});

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Cuts text into pieces of a few code points, so no piece splits a surrogate pair. */
export function splitIntoPieces(text: string): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += PIECE_CODE_POINTS) {
    pieces.push(codePoints.slice(start, start + PIECE_CODE_POINTS).join(''));
  }
  return pieces;
}

/** The scripted engine's tokenizer: one id per code point (its value), with BOS in front of a prompt. */
const codePointIds = (text: string): number[] => Array.from(text, (char) => char.codePointAt(0) ?? 0);

/** The deterministic answer to a conversation: an echo, or a fixed Korean reply that quotes the question. */
export function scriptedAnswer(turns: GenerateRequest['turns']): string {
  const question = turns.findLast((turn) => turn.role === 'user')?.content ?? '';
  if (question.startsWith(ECHO_PREFIX)) return question.slice(ECHO_PREFIX.length);
  const quoted = Array.from(question.trim()).slice(0, 40).join('');
  return [
    `"${quoted}"에 대한 ${SCRIPTED_ENGINE_MARKER}입니다.`,
    '이 답변은 테스트용 스크립트 엔진이 만들었으며, 실제 언어 모델은 사용되지 않았습니다.',
    `지금까지 대화에는 ${turns.length}개의 메시지가 있습니다.`,
  ].join('\n\n');
}

/**
 * A deterministic {@link ChatEngine} for end-to-end builds and tests: it loads with staged progress and
 * streams a scripted answer piece by piece, and can be told to fail on load or in the middle of an answer.
 */
export class ScriptedEngine implements ChatEngine {
  private loaded: LoadedModel | undefined;
  private readonly cached = new Set<string>();

  constructor(private scenario: ScriptedScenario = {}) {}

  setScenario(scenario: ScriptedScenario): void {
    this.scenario = scenario;
  }

  inspectDevice(): Promise<GpuReport> {
    switch (this.scenario.gpu ?? 'f16') {
      case 'none':
        return Promise.resolve({ kind: 'no-webgpu' });
      case 'no-adapter':
        return Promise.resolve({ kind: 'no-adapter' });
      case 'no-f16':
        return Promise.resolve(scriptedAdapter([]));
      case 'f16':
        return Promise.resolve(scriptedAdapter(['shader-f16']));
    }
  }

  isCached(model: ModelSelection): Promise<boolean> {
    return Promise.resolve(this.cached.has(model.modelId));
  }

  deleteCached(model: ModelSelection): Promise<void> {
    this.cached.delete(model.modelId);
    return Promise.resolve();
  }

  /** Accepts a folder that holds an `mlc-chat-config.json`, and treats the model as cached from then on. */
  async importFolder(
    model: ModelSelection,
    files: readonly FolderFile[],
    options: LoadOptions = {},
  ): Promise<void> {
    if (!files.some((entry) => entry.path.endsWith('mlc-chat-config.json'))) {
      throw new EngineError('model-files-missing', 'The folder has no mlc-chat-config.json.');
    }
    const totalBytes = files.reduce((sum, entry) => sum + entry.file.size, 0);
    let loadedBytes = 0;
    for (const entry of files) {
      await sleep(5, options.signal);
      if (options.signal?.aborted) throw new EngineError('load-cancelled', 'The import was cancelled.');
      loadedBytes += entry.file.size;
      options.onProgress?.({
        phase: 'import',
        fraction: loadedBytes / totalBytes,
        loadedBytes,
        totalBytes,
        text: entry.path,
      });
    }
    this.cached.add(model.modelId);
  }

  /**
   * Loads in staged steps; a cached model skips the download. With `gpuMemoryMB`, a load whose estimate is
   * larger is lost with its device once the weights are on their way to the GPU, after the download, as
   * web-llm's is: the files stay cached.
   */
  async load(model: LoadTarget, options: LoadOptions = {}): Promise<LoadedModel> {
    const loadMs = this.scenario.loadMs ?? defaults.loadMs;
    const skipDownload = this.cached.has(model.modelId);
    const record = findModelRecord(model.modelId);
    const memory = this.scenario.gpuMemoryMB;
    const tooLarge =
      record !== undefined &&
      memory !== undefined &&
      gpuMemoryOf(record, model.contextWindow).totalBytes > memory * 2 ** 20;
    for (const { phase, share, bytes } of loadPlan) {
      if (phase === 'download' && skipDownload) continue;
      // The download is done: the files stay cached whatever the rest of the load does.
      if (phase === 'cache') this.cached.add(model.modelId);
      for (let step = 1; step <= LOAD_STEPS; step += 1) {
        await sleep((loadMs * share) / LOAD_STEPS, options.signal);
        if (options.signal?.aborted) throw new EngineError('load-cancelled', 'The load was cancelled.');
        const fraction = step / LOAD_STEPS;
        options.onProgress?.({
          phase,
          fraction,
          text: `scripted ${phase} ${step}/${LOAD_STEPS}`,
          ...(bytes
            ? { loadedBytes: Math.round(DOWNLOAD_BYTES * fraction), totalBytes: DOWNLOAD_BYTES }
            : {}),
        });
        if (phase === 'download' && step >= LOAD_STEPS / 2 && this.scenario.loadError) {
          throw new EngineError(this.scenario.loadError, `Scripted load failure: ${this.scenario.loadError}`);
        }
        if (phase === 'cache' && step >= LOAD_STEPS / 2 && tooLarge) {
          throw new EngineError('device-lost', DEVICE_LOST_IN_LOAD);
        }
      }
    }
    this.cached.add(model.modelId);
    this.loaded = {
      modelId: model.modelId,
      engine: 'scripted',
      contextWindow: this.scenario.contextWindow ?? model.contextWindow,
      prefillChunkSize: defaults.prefillChunkSize,
    };
    return this.loaded;
  }

  async generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerationResult> {
    if (!this.loaded) throw new EngineError('not-loaded', 'No model is loaded.');
    return this.stream(request, options, this.loaded.contextWindow);
  }

  async unload(): Promise<void> {
    this.loaded = undefined;
    return Promise.resolve();
  }

  /**
   * Plausible figures of a mid-range laptop GPU, one row at a time in the real script's order, with the KV
   * check holding; Stop ends it between rows.
   */
  async measure({ onRow, signal }: MeasureOptions): Promise<{ readonly stopped: boolean }> {
    if (!this.loaded) throw new EngineError('not-loaded', 'No model is loaded.');
    const window = this.loaded.contextWindow;
    const longPrompt = Math.min(2000, window - 2);
    const rows: readonly MeasureRow[] = [
      { id: 'ttft-turn-1', unit: 'ms', value: 182, detail: '61-token prompt' },
      { id: 'ttft-turn-2', unit: 'ms', value: 44, detail: '118-token prompt' },
      { id: 'ttft-turn-5', unit: 'ms', value: 47, detail: '305-token prompt' },
      { id: 'ttft-regenerate', unit: 'ms', value: 468, detail: '280-token prompt, read again' },
      {
        id: 'prefill-speed',
        unit: 'tokens/s',
        value: 612,
        detail: `${longPrompt.toLocaleString('en-US')}-token prompt`,
      },
      {
        id: 'stop-latency',
        unit: 'ms',
        value: 96,
        detail: 'Stop 1,634 ms into the prompt, read in slices of 1,024 tokens',
      },
      { id: 'decode-speed-sampler', unit: 'tokens/s', value: 17.4, detail: '128 tokens' },
      { id: 'decode-speed-greedy', unit: 'tokens/s', value: 20.1, detail: '128 tokens' },
      { id: 'sampler-cost', unit: 'times', value: 20.1 / 17.4, detail: 'time per token, sampler ÷ greedy' },
      { id: 'kv-check', unit: 'steps', value: 10, detail: 'equal after all 10 steps' },
      { id: 'prefill-chunk-library', unit: 'tokens', value: defaults.prefillChunkSize },
      { id: 'prefill-chunk-config', unit: 'tokens', value: defaults.prefillChunkSize },
    ];
    for (const row of rows) {
      await sleep(4 * (this.scenario.tokenDelayMs ?? defaults.tokenDelayMs), signal);
      if (signal?.aborted) return { stopped: true };
      onRow(row);
    }
    return { stopped: false };
  }

  private async stream(
    request: GenerateRequest,
    options: GenerateOptions,
    contextWindow: number,
  ): Promise<GenerationResult> {
    const started = performance.now();
    // The real engine's budget, with a token per code point standing in for the tokenizer.
    const fit = fitToContext(request.turns, (turns) => Array.from(formatKullmPrompt(turns)).length + 1, {
      contextWindow,
      maxNewTokens: request.params.maxNewTokens,
    });
    if (fit.kind === 'too-long') {
      throw new EngineError(
        'context-window-exceeded',
        `The message takes ${fit.promptTokens} tokens with the prompt; at most ${fit.limit} fit with room for the answer.`,
      );
    }
    const pieces = splitIntoPieces(scriptedAnswer(fit.turns));
    // As the real engine: the answer's length limit, and never past the window.
    const limit = Math.min(pieces.length, request.params.maxNewTokens, contextWindow - fit.promptTokens);
    const failure = this.scenario.generateError;
    const promptTokens = fit.promptTokens;
    // The ids the real engine would report, a code point each: the whole prompt when the question opens it.
    const question = fit.turns.at(-1)?.content ?? '';
    const promptIds =
      fit.turns.length === 1
        ? [BOS_ID, ...codePointIds(formatKullmPrompt(fit.turns))]
        : codePointIds(kullmInstructionBlock(question));
    let firstPieceAt = started;
    let sent = 0;
    const result = (finishReason: GenerationResult['finishReason']): GenerationResult => {
      const now = performance.now();
      const decodeSeconds = (now - firstPieceAt) / 1000;
      return {
        finishReason,
        droppedTurns: fit.droppedTurns,
        tokens: { promptIds, answerIds: codePointIds(pieces.slice(0, sent).join('')) },
        usage: {
          promptTokens,
          completionTokens: sent,
          // The time to the first piece stands in for reading the prompt.
          prefillTokensPerSecond: sent > 0 ? (promptTokens * 1000) / Math.max(firstPieceAt - started, 1) : 0,
          decodeTokensPerSecond: sent > 1 && decodeSeconds > 0 ? (sent - 1) / decodeSeconds : 0,
          timeToFirstTokenMs: sent > 0 ? firstPieceAt - started : 0,
          totalMs: now - started,
        },
      };
    };
    while (sent < limit) {
      await sleep(this.scenario.tokenDelayMs ?? defaults.tokenDelayMs, options.signal);
      if (options.signal?.aborted) return result('aborted');
      if (failure && sent >= failure.afterPieces) {
        throw new EngineError(failure.code, `Scripted failure after ${sent} pieces: ${failure.code}`);
      }
      if (sent === 0) firstPieceAt = performance.now();
      options.onDelta(pieces[sent] ?? '');
      sent += 1;
    }
    return result(limit < pieces.length ? 'length' : 'stop');
  }
}
