/**
 * The one message protocol between the page and the engine worker.
 *
 * Every message is a variant of a union tagged by `type`; each variant carries only its own payload.
 * Requests carry a `requestId` chosen by the page; every event that answers a request echoes it, so late
 * events of an aborted or superseded request can be told apart and dropped.
 */

import type { ExchangeTokens } from '../generation/prompt-ids';
import type { SamplingParams } from '../generation/sampling';
import type { EngineErrorCode } from './error-codes';

export type { EngineErrorCode, ExchangeTokens, SamplingParams };
export { isEngineErrorCode } from './error-codes';

/** Which side of a conversation a turn belongs to. */
export type TurnRole = 'user' | 'assistant';

/** One turn of a conversation as the engine receives it. */
export interface ChatTurn {
  readonly role: TurnRole;
  readonly content: string;
  /**
   * On an assistant turn: the `tokens` that the {@link GenerationResult} of this answer reported, kept with
   * the answer as they came (an opaque record). The engine then feeds the ids the model drew rather than
   * re-encoding the text, so a continued conversation prefills only its new question. Without them (older
   * answers) or when they do not fit the turn's text, the engine encodes the text.
   */
  readonly tokens?: ExchangeTokens;
}

/** What the page asks the engine to load. */
export interface ModelSelection {
  readonly modelId: string;
  /** Absolute URL under which each model's files live as `<modelId>/resolve/main/…`. */
  readonly artifactsBaseUrl: string;
}

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
}

export interface LoadedModel {
  readonly modelId: string;
  /** Which engine answered: the real one or the scripted one of end-to-end builds. */
  readonly engine: EngineKind;
  /** Tokens the model attends to, prompt and answer together: `context_window_size` of the loaded config. */
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

export interface EngineErrorInfo {
  readonly code: EngineErrorCode;
  /** Technical detail in English, shown under the translated explanation. */
  readonly message: string;
}

/** The scripted engine's behaviour in end-to-end builds; the real worker ignores it. */
export interface ScriptedScenario {
  /** Milliseconds between streamed pieces. */
  readonly tokenDelayMs?: number;
  /** How long a load takes, reported in progress steps. */
  readonly loadMs?: number;
  /** Fail every load with this code. */
  readonly loadError?: EngineErrorCode;
  /** Fail a generation with this code after this many pieces. */
  readonly generateError?: { readonly code: EngineErrorCode; readonly afterPieces: number };
  /** The context window the scripted engine budgets with, counting a token per code point (default 4,096). */
  readonly contextWindow?: number;
  /** The device the scripted worker reports (default: a GPU with shader-f16). */
  readonly gpu?: 'none' | 'no-adapter' | 'no-f16' | 'f16';
}

/** A file of a model folder the user picked or dropped, with its path inside that folder. */
export interface FolderFile {
  readonly path: string;
  readonly file: Blob;
}

export type EngineRequest =
  | { readonly type: 'scenario'; readonly scenario: ScriptedScenario }
  | { readonly type: 'load'; readonly requestId: number; readonly model: ModelSelection }
  | { readonly type: 'cancel-load'; readonly requestId: number }
  | {
      readonly type: 'generate';
      readonly requestId: number;
      readonly turns: readonly ChatTurn[];
      readonly params: SamplingParams;
    }
  | { readonly type: 'abort'; readonly requestId: number }
  | { readonly type: 'unload'; readonly requestId: number }
  | { readonly type: 'inspect-device'; readonly requestId: number }
  | { readonly type: 'cache-status'; readonly requestId: number; readonly model: ModelSelection }
  | { readonly type: 'delete-cache'; readonly requestId: number; readonly model: ModelSelection }
  | {
      readonly type: 'import-folder';
      readonly requestId: number;
      readonly model: ModelSelection;
      readonly files: readonly FolderFile[];
    };

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
  | { readonly type: 'error'; readonly requestId: number; readonly error: EngineErrorInfo };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The largest token id a request may carry: web-tokenizers reads ids as 32-bit integers. The engine checks
 * them against the loaded model's vocabulary and ignores a record with an id outside it.
 */
const MAX_TOKEN_ID = 2 ** 31 - 1;

function isTokenIds(value: unknown): value is readonly number[] {
  return (
    Array.isArray(value) &&
    value.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_TOKEN_ID)
  );
}

function isExchangeTokens(value: unknown): value is ExchangeTokens {
  return isRecord(value) && isTokenIds(value['promptIds']) && isTokenIds(value['answerIds']);
}

function isTurn(value: unknown): value is ChatTurn {
  return (
    isRecord(value) &&
    (value['role'] === 'user' || value['role'] === 'assistant') &&
    typeof value['content'] === 'string' &&
    (value['tokens'] === undefined || (value['role'] === 'assistant' && isExchangeTokens(value['tokens'])))
  );
}

function isModelSelection(value: unknown): value is ModelSelection {
  return (
    isRecord(value) && typeof value['modelId'] === 'string' && typeof value['artifactsBaseUrl'] === 'string'
  );
}

function isFolderFile(value: unknown): value is FolderFile {
  return isRecord(value) && typeof value['path'] === 'string' && value['file'] instanceof Blob;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isSamplingParams(value: unknown): value is SamplingParams {
  if (!isRecord(value)) return false;
  const numbers = ['temperature', 'topK', 'topP', 'repetitionPenalty', 'noRepeatNgramSize', 'maxNewTokens'];
  return (
    numbers.every((key) => isFiniteNumber(value[key])) &&
    (value['seed'] === undefined || isFiniteNumber(value['seed']))
  );
}

/**
 * Checks a message that arrived at the worker. Anything from `postMessage` is untrusted shape-wise
 * (another version of the page may still be open during an update), so the worker validates before acting.
 */
export function parseEngineRequest(data: unknown): EngineRequest | undefined {
  if (!isRecord(data)) return undefined;
  switch (data['type']) {
    case 'scenario':
      return isRecord(data['scenario']) ? (data as EngineRequest) : undefined;
    case 'load':
    case 'cache-status':
    case 'delete-cache':
      return isRequestId(data['requestId']) && isModelSelection(data['model'])
        ? (data as EngineRequest)
        : undefined;
    case 'generate':
      return isRequestId(data['requestId']) &&
        Array.isArray(data['turns']) &&
        data['turns'].every(isTurn) &&
        isSamplingParams(data['params'])
        ? (data as EngineRequest)
        : undefined;
    case 'import-folder':
      return isRequestId(data['requestId']) &&
        isModelSelection(data['model']) &&
        Array.isArray(data['files']) &&
        data['files'].every(isFolderFile)
        ? (data as EngineRequest)
        : undefined;
    case 'cancel-load':
    case 'abort':
    case 'unload':
    case 'inspect-device':
      return isRequestId(data['requestId']) ? (data as EngineRequest) : undefined;
    default:
      return undefined;
  }
}
