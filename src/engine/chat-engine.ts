import type {
  ChatTurn,
  EngineErrorCode,
  EngineErrorInfo,
  FolderFile,
  GenerationResult,
  GpuReport,
  LoadedModel,
  LoadProgress,
  LoadTarget,
  MeasureRow,
  ModelSelection,
  SamplingParams,
} from './protocol';

export interface LoadOptions {
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Aborting cancels the load; the promise then rejects with `load-cancelled`. */
  readonly signal?: AbortSignal;
}

export interface GenerateRequest {
  readonly turns: readonly ChatTurn[];
  readonly params: SamplingParams;
}

export interface GenerateOptions {
  /** Receives the answer's text piece by piece, in order. */
  readonly onDelta: (text: string) => void;
  /** Aborting stops the answer; the promise then resolves with `finishReason: 'aborted'`. */
  readonly signal?: AbortSignal;
}

/**
 * All the chat store knows of an engine. Implemented by the worker client on the page, and inside the
 * worker by the web-llm engine and by the scripted engine of end-to-end builds.
 *
 * Failures reject with {@link EngineError}. One generation runs at a time: the worker host that owns the
 * engine (`serveEngine`) answers a second `generate` while one is streaming with `busy`, and lets unload,
 * load and delete wait until the running one has ended. The engines behind it rely on that.
 */
export interface ChatEngine {
  /** What WebGPU offers here; downloads nothing. */
  inspectDevice(): Promise<GpuReport>;
  /** Whether every file of the model is in the browser's cache, so it loads without the network. */
  isCached(model: ModelSelection): Promise<boolean>;
  /** Removes the model's files from the browser's cache. */
  deleteCached(model: ModelSelection): Promise<void>;
  /** Copies a model folder from disk into the browser's cache, so the next load needs no host. */
  importFolder(model: ModelSelection, files: readonly FolderFile[], options?: LoadOptions): Promise<void>;
  /** Loads a model with its KV cache made for `model.contextWindow` tokens. */
  load(model: LoadTarget, options?: LoadOptions): Promise<LoadedModel>;
  generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerationResult>;
  /**
   * Runs the measurement script on the loaded model, in a session of its own: no conversation's state is
   * kept or changed, and the next answer reads its conversation again where the KV cache no longer holds it.
   * Counts as a generation (one at a time). Resolves with `stopped` when the signal ended it early.
   */
  measure(options: MeasureOptions): Promise<{ readonly stopped: boolean }>;
  unload(): Promise<void>;
}

export interface MeasureOptions {
  /** Receives each figure as its step ends, in the script's order. */
  readonly onRow: (row: MeasureRow) => void;
  readonly signal?: AbortSignal;
}

/** A failure with a code the UI can explain. */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }

  toInfo(): EngineErrorInfo {
    return { code: this.code, message: this.message };
  }

  static from(info: EngineErrorInfo): EngineError {
    return new EngineError(info.code, info.message);
  }
}

/** Any thrown value as a code and a message that can cross the worker boundary. */
export function toErrorInfo(error: unknown): EngineErrorInfo {
  if (error instanceof EngineError) return error.toInfo();
  if (error instanceof Error) return { code: 'unknown', message: `${error.name}: ${error.message}` };
  return { code: 'unknown', message: String(error) };
}
