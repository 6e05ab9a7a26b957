import { EngineError, toErrorInfo, type ChatEngine } from './chat-engine';
import type { MessageEndpoint } from './message-endpoint';
import { parseEngineRequest, type EngineEvent, type EngineRequest, type ScriptedScenario } from './protocol';

export interface EngineHostOptions {
  readonly engine: ChatEngine;
  /** Receives `scenario` requests; only end-to-end builds pass one. */
  readonly onScenario?: (scenario: ScriptedScenario) => void;
}

/**
 * Serves one engine over an endpoint: the worker side of the protocol. It owns the abort controllers of
 * the running load and generation, and enforces one generation at a time whatever the engine does.
 */
export function serveEngine(endpoint: MessageEndpoint, options: EngineHostOptions): () => void {
  const { engine } = options;
  const loads = new Map<number, AbortController>();
  let generation: { readonly requestId: number; readonly controller: AbortController } | undefined;

  const send = (event: EngineEvent): void => endpoint.postMessage(event);
  const fail = (requestId: number, error: unknown): void =>
    send({ type: 'error', requestId, error: toErrorInfo(error) });

  async function load(request: Extract<EngineRequest, { type: 'load' }>): Promise<void> {
    const controller = new AbortController();
    loads.set(request.requestId, controller);
    try {
      const model = await engine.load(request.model, {
        signal: controller.signal,
        onProgress: (progress) => send({ type: 'progress', requestId: request.requestId, progress }),
      });
      send({ type: 'loaded', requestId: request.requestId, model });
    } catch (error) {
      fail(request.requestId, error);
    } finally {
      loads.delete(request.requestId);
    }
  }

  async function importFolder(request: Extract<EngineRequest, { type: 'import-folder' }>): Promise<void> {
    const controller = new AbortController();
    loads.set(request.requestId, controller);
    try {
      await engine.importFolder(request.model, request.files, {
        signal: controller.signal,
        onProgress: (progress) => send({ type: 'progress', requestId: request.requestId, progress }),
      });
      send({ type: 'imported', requestId: request.requestId });
    } catch (error) {
      fail(request.requestId, error);
    } finally {
      loads.delete(request.requestId);
    }
  }

  async function generate(request: Extract<EngineRequest, { type: 'generate' }>): Promise<void> {
    if (generation) {
      fail(request.requestId, new EngineError('busy', 'Another answer is still being generated.'));
      return;
    }
    const current = { requestId: request.requestId, controller: new AbortController() };
    generation = current;
    try {
      const result = await engine.generate(
        { turns: request.turns, params: request.params },
        {
          signal: current.controller.signal,
          onDelta: (text) => send({ type: 'delta', requestId: request.requestId, text }),
        },
      );
      send({ type: 'done', requestId: request.requestId, result });
    } catch (error) {
      fail(request.requestId, error);
    } finally {
      if (generation === current) generation = undefined;
    }
  }

  async function unload(requestId: number): Promise<void> {
    generation?.controller.abort();
    for (const controller of loads.values()) controller.abort();
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
        void load(request);
        return;
      case 'import-folder':
        void importFolder(request);
        return;
      case 'cancel-load':
        loads.get(request.requestId)?.abort();
        return;
      case 'generate':
        void generate(request);
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
