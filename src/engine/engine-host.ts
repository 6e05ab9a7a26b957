import { EngineError, toErrorInfo, type ChatEngine } from './chat-engine';
import type { MessageEndpoint } from './message-endpoint';
import {
  ANSWER_UPDATE_MS,
  parseEngineRequest,
  type EngineEvent,
  type EngineRequest,
  type LoadProgress,
  type MeasureRow,
  type ScriptedScenario,
} from './protocol';
import { RunningWork } from './running-work';

export interface EngineHostOptions {
  readonly engine: ChatEngine;
  /** Receives `scenario` requests; only end-to-end builds pass one. */
  readonly onScenario?: (scenario: ScriptedScenario) => void;
  /** The shortest time between two `delta` events of an answer ({@link ANSWER_UPDATE_MS} by default: one message per update of the page). */
  readonly deltaIntervalMs?: number;
}

/** Text for the page, gathered and sent at most every `intervalMs`; `flush` sends what waits at once. */
interface DeltaBatch {
  readonly push: (text: string) => void;
  readonly flush: () => void;
}

function deltaBatch(send: (text: string) => void, intervalMs: number): DeltaBatch {
  let waiting = '';
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting === '') return;
    const text = waiting;
    waiting = '';
    lastSent = performance.now();
    send(text);
  };
  return {
    push(text) {
      waiting += text;
      if (timer !== undefined) return;
      const wait = lastSent + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
  };
}

/**
 * Serves one engine over an endpoint: the worker side of the protocol. It owns the abort controllers of
 * the running loads and generation, and is the one place that enforces one generation at a time. Unload,
 * load and delete abort what runs and wait for it to end before they touch the engine: freeing the model or
 * the tokenizer under a generation that still awaits a forward pass would end its answer in an error
 * instead of as stopped.
 */
export function serveEngine(endpoint: MessageEndpoint, options: EngineHostOptions): () => void {
  const { engine, deltaIntervalMs = ANSWER_UPDATE_MS } = options;
  const work = new RunningWork();

  const send = (event: EngineEvent): void => endpoint.postMessage(event);
  const fail = (requestId: number, error: unknown): void =>
    send({ type: 'error', requestId, error: toErrorInfo(error) });
  const busy = (requestId: number): void =>
    fail(requestId, new EngineError('busy', 'Another answer is still being generated.'));

  function load(request: Extract<EngineRequest, { type: 'load' | 'import-folder' }>): void {
    const { requestId } = request;
    work.startLoad(requestId, async (signal) => {
      const loadOptions = {
        signal,
        onProgress: (progress: LoadProgress) => send({ type: 'progress', requestId, progress }),
      };
      try {
        if (request.type === 'load') {
          await work.settle({ loads: false });
          const model = await engine.load(request.model, loadOptions);
          send({ type: 'loaded', requestId, model });
        } else {
          await engine.importFolder(request.model, request.files, loadOptions);
          send({ type: 'imported', requestId });
        }
      } catch (error) {
        fail(requestId, error);
      }
    });
  }

  /** Runs the measurement in the generation's place: it uses the model as an answer does, and Stop ends it. */
  function measure(requestId: number): void {
    const started = work.startGeneration(requestId, async (signal) => {
      try {
        const onRow = (row: MeasureRow): void => send({ type: 'measure-row', requestId, row });
        const { stopped } = await engine.measure({ signal, onRow });
        send({ type: 'measured', requestId, stopped });
      } catch (error) {
        fail(requestId, error);
      }
    });
    if (!started) busy(requestId);
  }

  function generate({ requestId, turns, params }: Extract<EngineRequest, { type: 'generate' }>): void {
    const deltas = deltaBatch((text) => send({ type: 'delta', requestId, text }), deltaIntervalMs);
    const started = work.startGeneration(requestId, async (signal) => {
      try {
        const result = await engine.generate({ turns, params }, { signal, onDelta: deltas.push });
        // Every piece of text goes before the event that ends the answer, a stopped one included.
        deltas.flush();
        send({ type: 'done', requestId, result });
      } catch (error) {
        deltas.flush();
        fail(requestId, error);
      }
    });
    if (!started) busy(requestId);
  }

  async function unload(requestId: number): Promise<void> {
    await work.settle({ loads: true });
    await reply(requestId, async () => {
      await engine.unload();
      return { type: 'unloaded', requestId };
    });
  }

  async function reply(requestId: number, answer: () => Promise<EngineEvent>): Promise<void> {
    try {
      send(await answer());
    } catch (error) {
      fail(requestId, error);
    }
  }

  function handle(request: EngineRequest): void {
    switch (request.type) {
      case 'scenario':
        options.onScenario?.(request.scenario);
        return;
      case 'load':
      case 'import-folder':
        load(request);
        return;
      case 'cancel-load':
        work.cancelLoad(request.requestId);
        return;
      case 'generate':
        generate(request);
        return;
      case 'measure':
        measure(request.requestId);
        return;
      case 'abort':
        work.abortGeneration(request.requestId);
        return;
      case 'unload':
        void unload(request.requestId);
        return;
      case 'inspect-device':
        void reply(request.requestId, async () => ({
          type: 'device-report',
          requestId: request.requestId,
          report: await engine.inspectDevice(),
        }));
        return;
      case 'cache-status':
        void reply(request.requestId, async () => ({
          type: 'cache-status',
          requestId: request.requestId,
          cached: await engine.isCached(request.model),
        }));
        return;
      case 'delete-cache':
        void reply(request.requestId, async () => {
          await work.settle({ loads: true });
          await engine.deleteCached(request.model);
          return { type: 'cache-deleted', requestId: request.requestId };
        });
        return;
      default:
        request satisfies never;
    }
  }

  const listener = (event: MessageEvent): void => {
    const request = parseEngineRequest(event.data);
    if (request) {
      handle(request);
      return;
    }
    const requestId: unknown = (event.data as { requestId?: unknown } | null)?.requestId;
    if (typeof requestId === 'number') {
      fail(requestId, new EngineError('invalid-request', 'The worker could not read this request.'));
    }
  };
  endpoint.addEventListener('message', listener);
  endpoint.start?.();
  return () => endpoint.removeEventListener('message', listener);
}
