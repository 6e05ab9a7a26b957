/**
 * The one message protocol between the page and the engine worker.
 *
 * Every message is a variant of a union tagged by `type`; each variant carries only its own payload.
 * Requests carry a `requestId` chosen by the page; every event that answers a request echoes it, so late
 * events of an aborted or superseded request can be told apart and dropped.
 */

import * as v from 'valibot';
import type { ExchangeTokens } from '../generation/prompt-ids';
import type { SamplingParams } from '../generation/sampling';
import { object } from '../schema/issues';
import { ENGINE_ERROR_CODES, type EngineErrorCode } from './error-codes';

export type { EngineErrorCode, ExchangeTokens, SamplingParams };
export { isEngineErrorCode } from './error-codes';

const text = v.string('expected a string');

/** A finite number: NaN and Infinity cannot be meant as a setting. */
const finite = v.pipe(v.number('expected a number'), v.finite('expected a number'));

/** A request id chosen by the page: a whole number of at least 0. */
const requestId = v.pipe(
  v.number('expected a request id'),
  v.safeInteger('expected a whole request id'),
  v.minValue(0, 'expected a request id of at least 0'),
);

/**
 * The largest token id a request may carry: web-tokenizers reads ids as 32-bit integers. The engine checks
 * them against the loaded model's vocabulary and ignores a record with an id outside it.
 */
export const MAX_TOKEN_ID = 2 ** 31 - 1;

/**
 * How often, at most, a streaming answer's new text is sent by the worker and shown by the page. Each update
 * costs the page the same whatever it adds (a message, a render, a layout and a paint: several milliseconds on
 * a slow machine), so the page's time per token falls as updates carry more tokens: ten a second still reads
 * as smooth text. The worker posts at most one message per update (each is a task on the page's main thread,
 * a quarter to half a millisecond whatever it carries); the first text of an answer goes at once.
 */
export const ANSWER_UPDATE_MS = 100;

/** A plain array of token ids: a typed array does not survive every path a turn takes, so it is refused. */
const tokenIds = v.pipe(
  v.array(
    v.pipe(
      v.number('expected a token id'),
      v.integer('expected a whole token id'),
      v.minValue(0, 'expected a token id of at least 0'),
      v.maxValue(MAX_TOKEN_ID, 'expected a 32-bit token id'),
    ),
    'expected a list of token ids',
  ),
  v.readonly(),
);

const exchangeTokensSchema = v.pipe(
  object({ promptIds: tokenIds, answerIds: tokenIds }),
  v.readonly(),
) satisfies v.GenericSchema<unknown, ExchangeTokens>;

/** Whether `value` is a record of ids a request may carry back (the page checks what it keeps with this). */
export function isExchangeTokens(value: unknown): value is ExchangeTokens {
  return v.is(exchangeTokensSchema, value);
}

/** The model card's sampling values; the settings and stored conversations keep the same shape. */
export const samplingSchema = v.pipe(
  object({
    temperature: finite,
    topK: finite,
    topP: finite,
    repetitionPenalty: finite,
    noRepeatNgramSize: finite,
    maxNewTokens: finite,
    /** Makes an answer reproducible when set. */
    seed: v.exactOptional(finite),
  }),
  v.readonly(),
) satisfies v.GenericSchema<unknown, SamplingParams>;

const turnSchema = v.variant(
  'role',
  [
    v.pipe(
      object({
        role: v.literal('user'),
        content: text,
        /** Only an answer has ids of its own. */
        tokens: v.exactOptional(v.never('expected no token ids on a question')),
      }),
      v.readonly(),
    ),
    v.pipe(
      object({
        role: v.literal('assistant'),
        content: text,
        /**
         * The `tokens` that the {@link GenerationResult} of this answer reported, kept with the answer as they
         * came (an opaque record). The engine then feeds the ids the model drew rather than re-encoding the
         * text, so a continued conversation prefills only its new question. Without them (older answers) or
         * when they do not fit the turn's text, the engine encodes the text.
         */
        tokens: v.exactOptional(exchangeTokensSchema),
      }),
      v.readonly(),
    ),
  ],
  'expected a turn of the user or the assistant',
);

/** One turn of a conversation as the engine receives it. */
export type ChatTurn = v.InferOutput<typeof turnSchema>;

/** Which side of a conversation a turn belongs to. */
export type TurnRole = ChatTurn['role'];

const modelSelectionEntries = {
  modelId: text,
  /** Absolute URL under which each model's files live as `<modelId>/resolve/main/…`. */
  artifactsBaseUrl: text,
};

const modelSelectionSchema = v.pipe(object(modelSelectionEntries), v.readonly());

/** What the page asks the engine about: one model's files. */
export type ModelSelection = v.InferOutput<typeof modelSelectionSchema>;

const loadTargetSchema = v.pipe(
  object({
    ...modelSelectionEntries,
    /**
     * Tokens the KV cache is made for, prompt and answer together: one of the windows the build offers. The
     * same library and weights serve every window; only the KV cache, and so the GPU memory, changes.
     */
    contextWindow: v.pipe(
      v.number('expected a context window'),
      v.safeInteger('expected a whole number of tokens'),
      v.minValue(1, 'expected a context window of at least one token'),
    ),
  }),
  v.readonly(),
);

/** What the page asks the engine to load: a model, and the context window to load it with. */
export type LoadTarget = v.InferOutput<typeof loadTargetSchema>;

/** What the worker found of WebGPU, before anything is downloaded. */
export type GpuReport =
  | { readonly kind: 'no-webgpu' }
  | { readonly kind: 'no-adapter' }
  | {
      readonly kind: 'adapter';
      readonly vendor: string;
      readonly architecture: string;
      readonly description: string;
      /** A software (CPU) adapter such as SwiftShader: it works, very slowly. */
      readonly isFallback: boolean;
      readonly features: readonly string[];
      readonly maxBufferSize: number;
      readonly maxStorageBufferBindingSize: number;
    };

/** Where a load is in its work; drives the progress bar. */
/** `import`: copying a model folder from disk into the browser's cache. */
export type LoadPhase = 'preparing' | 'import' | 'download' | 'cache' | 'compile' | 'finishing';

export interface LoadProgress {
  readonly phase: LoadPhase;
  /** 0..1 within the phase. */
  readonly fraction: number;
  /** Bytes done and in all, when the phase is about bytes (download, reading the cache). */
  readonly loadedBytes?: number;
  readonly totalBytes?: number;
  /** The engine's own description, for the details line. */
  readonly text: string;
  /** Files found damaged (in the cache or as they arrived) and fetched again during this load. */
  readonly repaired?: readonly string[];
}

export interface LoadedModel {
  readonly modelId: string;
  /** Which engine answered: the real one or the scripted one of end-to-end builds. */
  readonly engine: EngineKind;
  /** Tokens the model attends to, prompt and answer together: the window it was loaded with. */
  readonly contextWindow: number;
  /** The most prompt tokens fed in one forward pass: `prefill_chunk_size` of the loaded config. */
  readonly prefillChunkSize: number;
}

export type EngineKind = 'web-llm' | 'scripted';

/** Why a generation ended. `aborted` is the user's Stop and is not an error. */
export type FinishReason = 'stop' | 'length' | 'aborted';

/** Statistics of one answer. */
export interface GenerationUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Tokens per second over the prompt (prefill) and over the answer (decode); 0 when unknown. */
  readonly prefillTokensPerSecond: number;
  readonly decodeTokensPerSecond: number;
  readonly timeToFirstTokenMs: number;
  readonly totalMs: number;
}

export interface GenerationResult {
  readonly finishReason: FinishReason;
  readonly usage: GenerationUsage;
  /** Earlier turns left out of the prompt because the context window was full (oldest first). */
  readonly droppedTurns: number;
  /**
   * The ids this exchange fed and drew: keep them with the answer (with this version of it) and send them
   * back as the `tokens` of its assistant turn in later requests. The scripted engine reports one id per
   * code point.
   */
  readonly tokens: ExchangeTokens;
}

/**
 * The figures a measurement on this device reports, one row each (docs/measure.md has the script):
 * - `ttft-turn-1`, `ttft-turn-2`, `ttft-turn-5`: time to the first token at turns 1, 2 and 5 of a fixed
 *   conversation (from turn 2 on, only the new question should be read: the KV cache is reused);
 * - `ttft-regenerate`: the same after turn 5 is asked again (the conversation is read again);
 * - `prefill-speed`: tokens per second over a fixed long prompt (2,000 tokens, or what the window holds);
 * - `decode-speed-sampler`, `decode-speed-greedy`: tokens per second over 128 tokens drawn with the model
 *   card's sampler, and with web-llm's own greedy pick and no logit processor;
 * - `sampler-cost`: how many times longer a token takes with the sampler than without;
 * - `stop-latency`: from Stop to the engine being idle, during the long prompt's prefill;
 * - `kv-check`: the steps after which web-llm's KV cache held exactly the ids the app counts as cached;
 * - `prefill-chunk-library`, `prefill-chunk-config`: `prefill_chunk_size` of the library and of the config.
 */
export const MEASURE_ROWS = [
  'ttft-turn-1',
  'ttft-turn-2',
  'ttft-turn-5',
  'ttft-regenerate',
  'prefill-speed',
  'decode-speed-sampler',
  'decode-speed-greedy',
  'sampler-cost',
  'stop-latency',
  'kv-check',
  'prefill-chunk-library',
  'prefill-chunk-config',
] as const;

export type MeasureRowId = (typeof MEASURE_ROWS)[number];

export type MeasureUnit = 'ms' | 'tokens/s' | 'times' | 'steps' | 'tokens';

/** One figure of a measurement, or why its step could not give one (the others still run). */
export interface MeasureRow {
  readonly id: MeasureRowId;
  readonly unit: MeasureUnit;
  readonly value?: number;
  /** What the figure was measured on, in English (e.g. "1,998-token prompt"). */
  readonly detail?: string;
  /** Why the step failed or could not be measured, in English. */
  readonly error?: string;
}

export interface EngineErrorInfo {
  readonly code: EngineErrorCode;
  /** Technical detail in English, shown under the translated explanation. */
  readonly message: string;
}

const errorCode = v.picklist(ENGINE_ERROR_CODES, 'expected an engine error code');

const scenarioSchema = v.pipe(
  object({
    /** Milliseconds between streamed pieces. */
    tokenDelayMs: v.exactOptional(finite),
    /** How long a load takes, reported in progress steps. */
    loadMs: v.exactOptional(finite),
    /** Fail every load with this code. */
    loadError: v.exactOptional(errorCode),
    /** Fail a generation with this code after this many pieces. */
    generateError: v.exactOptional(v.pipe(object({ code: errorCode, afterPieces: finite }), v.readonly())),
    /** The context window the scripted engine budgets with, counting a token per code point (default 4,096). */
    contextWindow: v.exactOptional(finite),
    /**
     * The GPU memory of the scripted device, in MiB: a load whose estimate (`gpu-memory.ts`) is larger fails
     * after its download, as web-llm's does when the device is lost for lack of memory (default: enough).
     */
    gpuMemoryMB: v.exactOptional(finite),
    /** The device the scripted worker reports (default: a GPU with shader-f16). */
    gpu: v.exactOptional(v.picklist(['none', 'no-adapter', 'no-f16', 'f16'], 'expected a kind of device')),
  }),
  v.readonly(),
);

/** The scripted engine's behaviour in end-to-end builds; the real worker ignores it. */
export type ScriptedScenario = v.InferOutput<typeof scenarioSchema>;

const folderFileSchema = v.pipe(
  object({ path: text, file: v.instance(Blob, 'expected a file') }),
  v.readonly(),
);

/** A file of a model folder the user picked or dropped, with its path inside that folder. */
export type FolderFile = v.InferOutput<typeof folderFileSchema>;

/** A request that names nothing but itself. */
const bare = <const TType extends string>(type: TType) =>
  v.pipe(object({ type: v.literal(type), requestId }), v.readonly());

/** A request about one model's files. */
const aboutModel = <const TType extends string>(type: TType) =>
  v.pipe(object({ type: v.literal(type), requestId, model: modelSelectionSchema }), v.readonly());

const engineRequestSchema = v.variant(
  'type',
  [
    v.pipe(object({ type: v.literal('scenario'), scenario: scenarioSchema }), v.readonly()),
    v.pipe(object({ type: v.literal('load'), requestId, model: loadTargetSchema }), v.readonly()),
    bare('cancel-load'),
    v.pipe(
      object({
        type: v.literal('generate'),
        requestId,
        turns: v.pipe(v.array(turnSchema, 'expected a list of turns'), v.readonly()),
        params: samplingSchema,
      }),
      v.readonly(),
    ),
    bare('abort'),
    bare('measure'),
    bare('unload'),
    bare('inspect-device'),
    aboutModel('cache-status'),
    aboutModel('delete-cache'),
    v.pipe(
      object({
        type: v.literal('import-folder'),
        requestId,
        model: modelSelectionSchema,
        files: v.pipe(v.array(folderFileSchema, 'expected a list of files'), v.readonly()),
      }),
      v.readonly(),
    ),
  ],
  'expected a known request type',
);

/** What the page asks of the worker. The worker checks each one with {@link parseEngineRequest}. */
export type EngineRequest = v.InferOutput<typeof engineRequestSchema>;

export type EngineEvent =
  | { readonly type: 'progress'; readonly requestId: number; readonly progress: LoadProgress }
  | { readonly type: 'loaded'; readonly requestId: number; readonly model: LoadedModel }
  | { readonly type: 'delta'; readonly requestId: number; readonly text: string }
  | { readonly type: 'done'; readonly requestId: number; readonly result: GenerationResult }
  | { readonly type: 'unloaded'; readonly requestId: number }
  | { readonly type: 'device-report'; readonly requestId: number; readonly report: GpuReport }
  | { readonly type: 'cache-status'; readonly requestId: number; readonly cached: boolean }
  | { readonly type: 'cache-deleted'; readonly requestId: number }
  | { readonly type: 'imported'; readonly requestId: number }
  | { readonly type: 'measure-row'; readonly requestId: number; readonly row: MeasureRow }
  | { readonly type: 'measured'; readonly requestId: number; readonly stopped: boolean }
  | { readonly type: 'error'; readonly requestId: number; readonly error: EngineErrorInfo };

/**
 * Checks a message that arrived at the worker. Anything from `postMessage` is untrusted shape-wise
 * (another version of the page may still be open during an update), so the worker validates before acting.
 * Keys the schema does not name are left out.
 */
export function parseEngineRequest(data: unknown): EngineRequest | undefined {
  const result = v.safeParse(engineRequestSchema, data, { abortEarly: true, abortPipeEarly: true });
  return result.success ? result.output : undefined;
}
