import {
  EngineError,
  type ChatEngine,
  type GenerateOptions,
  type GenerateRequest,
  type LoadOptions,
  type MeasureOptions,
} from './chat-engine';
import type { MessageEndpoint } from './message-endpoint';
import type {
  EngineEvent,
  EngineRequest,
  FolderFile,
  GenerationResult,
  GpuReport,
  LoadedModel,
  LoadTarget,
  ModelSelection,
  ScriptedScenario,
} from './protocol';

/** Events that answer a request in one message. */
type ReplyEvent = Extract<
  EngineEvent,
  { type: 'unloaded' | 'device-report' | 'cache-status' | 'cache-deleted' }
>;

/** Requests answered by one {@link ReplyEvent}; the client assigns their request id. */
type ReplyRequest = Extract<
  EngineRequest,
  { type: 'unload' | 'inspect-device' | 'cache-status' | 'delete-cache' }
>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/** What the client waits for, per request: each kind of request settles on its own event. */
type Pending =
  | {
      readonly kind: 'load';
      readonly options: LoadOptions;
      readonly resolve: (model: LoadedModel) => void;
      readonly reject: (error: EngineError) => void;
    }
  | {
      readonly kind: 'import';
      readonly options: LoadOptions;
      readonly resolve: () => void;
      readonly reject: (error: EngineError) => void;
    }
  | {
      readonly kind: 'generate';
      readonly options: GenerateOptions;
      readonly resolve: (result: GenerationResult) => void;
      readonly reject: (error: EngineError) => void;
    }
  | {
      readonly kind: 'measure';
      readonly options: MeasureOptions;
      readonly resolve: (outcome: { readonly stopped: boolean }) => void;
      readonly reject: (error: EngineError) => void;
    }
  | {
      readonly kind: 'reply';
      readonly expects: ReplyEvent['type'];
      readonly resolve: (event: ReplyEvent) => void;
      readonly reject: (error: EngineError) => void;
    };

/**
 * The page side of the protocol: a {@link ChatEngine} whose work happens in the worker behind `endpoint`.
 * Events of requests that are no longer pending (a late delta after an abort, say) are dropped.
 */
export class EngineClient implements ChatEngine {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.addEventListener('message', (event) => this.receive(event.data as EngineEvent));
    endpoint.start?.();
  }

  /** Scripted end-to-end builds only: how the scripted engine in the worker should behave. */
  setScenario(scenario: ScriptedScenario): void {
    this.post({ type: 'scenario', scenario });
  }

  load(model: LoadTarget, options: LoadOptions = {}): Promise<LoadedModel> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new EngineError('load-cancelled', 'The load was cancelled.'));
        return;
      }
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { kind: 'load', options, resolve, reject });
      options.signal?.addEventListener('abort', () => this.post({ type: 'cancel-load', requestId }), {
        once: true,
      });
      this.post({ type: 'load', requestId, model });
    });
  }

  importFolder(
    model: ModelSelection,
    files: readonly FolderFile[],
    options: LoadOptions = {},
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { kind: 'import', options, resolve, reject });
      options.signal?.addEventListener('abort', () => this.post({ type: 'cancel-load', requestId }), {
        once: true,
      });
      this.post({ type: 'import-folder', requestId, model, files });
    });
  }

  generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerationResult> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { kind: 'generate', options, resolve, reject });
      this.post({ type: 'generate', requestId, turns: request.turns, params: request.params });
      const abort = (): void => this.post({ type: 'abort', requestId });
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort, { once: true });
    });
  }

  measure(options: MeasureOptions): Promise<{ readonly stopped: boolean }> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { kind: 'measure', options, resolve, reject });
      this.post({ type: 'measure', requestId });
      const abort = (): void => this.post({ type: 'abort', requestId });
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort, { once: true });
    });
  }

  async inspectDevice(): Promise<GpuReport> {
    const event = await this.ask({ type: 'inspect-device' }, 'device-report');
    return event.report;
  }

  async isCached(model: ModelSelection): Promise<boolean> {
    const event = await this.ask({ type: 'cache-status', model }, 'cache-status');
    return event.cached;
  }

  async deleteCached(model: ModelSelection): Promise<void> {
    await this.ask({ type: 'delete-cache', model }, 'cache-deleted');
  }

  async unload(): Promise<void> {
    await this.ask({ type: 'unload' }, 'unloaded');
  }

  private ask<T extends ReplyEvent['type']>(
    request: WithoutId<ReplyRequest>,
    expects: T,
  ): Promise<Extract<ReplyEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, {
        kind: 'reply',
        expects,
        resolve: (event) => resolve(event as Extract<ReplyEvent, { type: T }>),
        reject,
      });
      this.post({ ...request, requestId });
    });
  }

  /** Rejects everything pending: the worker died (a failed chunk load, say) and will not answer. */
  disconnect(message: string): void {
    const error = new EngineError('worker-failed', message);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private post(request: EngineRequest): void {
    this.endpoint.postMessage(request);
  }

  private receive(event: EngineEvent): void {
    const pending = this.pending.get(event.requestId);
    if (!pending) return;
    switch (event.type) {
      case 'progress':
        if (pending.kind === 'load' || pending.kind === 'import')
          pending.options.onProgress?.(event.progress);
        return;
      case 'imported':
        if (pending.kind !== 'import') return;
        this.pending.delete(event.requestId);
        pending.resolve();
        return;
      case 'loaded':
        if (pending.kind !== 'load') return;
        this.pending.delete(event.requestId);
        pending.resolve(event.model);
        return;
      case 'delta':
        if (pending.kind === 'generate') pending.options.onDelta(event.text);
        return;
      case 'done':
        if (pending.kind !== 'generate') return;
        this.pending.delete(event.requestId);
        pending.resolve(event.result);
        return;
      case 'measure-row':
        if (pending.kind === 'measure') pending.options.onRow(event.row);
        return;
      case 'measured':
        if (pending.kind !== 'measure') return;
        this.pending.delete(event.requestId);
        pending.resolve({ stopped: event.stopped });
        return;
      case 'unloaded':
      case 'device-report':
      case 'cache-status':
      case 'cache-deleted':
        if (pending.kind !== 'reply' || pending.expects !== event.type) return;
        this.pending.delete(event.requestId);
        pending.resolve(event);
        return;
      case 'error':
        this.pending.delete(event.requestId);
        pending.reject(EngineError.from(event.error));
        return;
      default:
        event satisfies never;
    }
  }
}
