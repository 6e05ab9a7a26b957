import { EngineClient } from './engine-client';
import type { MessageEndpoint } from './message-endpoint';

/**
 * An endpoint whose worker is started by the first message posted to it. Listeners added before that are
 * handed to the worker when it starts.
 */
export function startedOnFirstMessage(start: () => MessageEndpoint): MessageEndpoint {
  let started: MessageEndpoint | undefined;
  const listeners = new Set<(event: MessageEvent) => void>();
  return {
    postMessage(message) {
      if (!started) {
        started = start();
        for (const listener of listeners) started.addEventListener('message', listener);
        started.start?.();
      }
      started.postMessage(message);
    },
    addEventListener(_type, listener) {
      listeners.add(listener);
      started?.addEventListener('message', listener);
    },
    removeEventListener(_type, listener) {
      listeners.delete(listener);
      started?.removeEventListener('message', listener);
    },
  };
}

/**
 * The page's client for the engine worker, which starts with the page's first request to it (the device
 * check): a shared link, which needs no model, never starts it.
 */
export function createWorkerEngine(): EngineClient {
  const client: EngineClient = new EngineClient(
    startedOnFirstMessage(() => {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'engine' });
      worker.addEventListener('error', (event) => {
        client.disconnect(`The engine worker stopped: ${event.message || 'it could not start'}`);
      });
      return worker;
    }),
  );
  return client;
}
