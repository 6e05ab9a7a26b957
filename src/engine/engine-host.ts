import { EngineError, toErrorInfo, type ChatEngine } from './chat-engine';
import type { MessageEndpoint } from './message-endpoint';
import {
  ANSWER_UPDATE_MS,
  parseEngineRequest,
  type EngineEvent,
  type EngineRequest,
  type LoadProgress,
  type ScriptedScenario,
} from './protocol';

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

/** Work of the engine that an unload, a new load or a delete must stop and wait for. */
interface Running {
  readonly controller: AbortController;
  /** Settles (never rejects) once the engine call has returned. */
  readonly ended: Promise<void>;
}

function run(controller: AbortController, work: () => Promise<void>): Running {
  return { controller, ended: work().catch(() => undefined) };
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
  const loads = new Map<number, Running>();
  let generation: (Running & { readonly requestId: number }) | undefined;

  const send = (event: EngineEvent): void => endpoint.postMessage(event);
  const fail = (requestId: number, error: unknown): void =>
    send({ type: 'error', requestId, error: toErrorInfo(error) });

  /** Stops the running generation and, with `loads`, the running loads; resolves once they have ended. */
  async function settle({ loads: andLoads }: { readonly loads: boolean }): Promise<void> {
    const running = [...(generation ? [generation] : []), ...(andLoads ? loads.values() : [])];
    for (const { controller } of running) controller.abort();
    await Promise.all(running.map(({ ended }) => ended));
  }

  function load(request: Extract<EngineRequest, { type: 'load' | 'import-folder' }>): void {
    const controller = new AbortController();
    const { requestId } = request;
    const loadOptions = {
      signal: controller.signal,
      onProgress: (progress: LoadProgress) => send({ type: 'progress', requestId, progress }),
    };
    // The page has left every earlier load by now (it runs one at a time): a load from the cache runs on
    // after its cancel, and a second one started beside it would put a second model on the GPU.
    const earlier = [...loads.values()];
    const running = run(controller, async () => {
      try {
        for (const { controller: previous } of earlier) previous.abort();
        await Promise.all(earlier.map(({ ended }) => ended));
        if (request.type === 'load') {
          await settle({ loads: false });
          const model = await engine.load(request.model, loadOptions);
          send({ type: 'loaded', requestId, model });
        } else {
          await engine.importFolder(request.model, request.files, loadOptions);
          send({ type: 'imported', requestId });
        }
      } catch (error) {
        fail(requestId, error);
      } finally {
        loads.delete(requestId);
      }
    });
    // Its `finally` runs after an await at the earliest, so after this line.
    loads.set(requestId, running);
  }

  /** Runs the measurement in the generation's place: it uses the model as an answer does, and Stop ends it. */
  function measure(requestId: number): void {
    if (generation) {
      fail(requestId, new EngineError('busy', 'Another answer is still being generated.'));
      return;
    }
    const controller = new AbortController();
    const current = {
      requestId,
      ...run(controller, async () => {
        try {
          const { stopped } = await engine.measure({
            signal: controller.signal,
            onRow: (row) => send({ type: 'measure-row', requestId, row }),
          });
          send({ type: 'measured', requestId, stopped });
        } catch (error) {
          fail(requestId, error);
        }
      }),
    };
    generation = current;
    void current.ended.then(() => {
      if (generation === current) generation = undefined;
    });
  }

  function generate(request: Extract<EngineRequest, { type: 'generate' }>): void {
    if (generation) {
      fail(request.requestId, new EngineError('busy', 'Another answer is still being generated.'));
      return;
    }
    const { requestId } = request;
    const controller = new AbortController();
    const deltas = deltaBatch((text) => send({ type: 'delta', requestId, text }), deltaIntervalMs);
    const current = {
      requestId,
      ...run(controller, async () => {
        try {
          const result = await engine.generate(
            { turns: request.turns, params: request.params },
            { signal: controller.signal, onDelta: deltas.push },
          );
          // Every piece of text goes before the event that ends the answer, a stopped one included.
          deltas.flush();
          send({ type: 'done', requestId, result });
        } catch (error) {
          deltas.flush();
          fail(requestId, error);
        }
      }),
    };
    generation = current;
    void current.ended.then(() => {
      if (generation === current) generation = undefined;
    });
  }

  async function unload(requestId: number): Promise<void> {
    await settle({ loads: true });
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
        loads.get(request.requestId)?.controller.abort();
        return;
      case 'generate':
        generate(request);
        return;
      case 'measure':
        measure(request.requestId);
        return;
      case 'abort':
        if (generation?.requestId === request.requestId) generation.controller.abort();
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
          await settle({ loads: true });
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
