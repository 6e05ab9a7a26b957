import { EngineClient } from './engine-client';

/** Starts the engine worker and returns the page's client for it. */
export function createWorkerEngine(): EngineClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const client = new EngineClient(worker);
  worker.addEventListener('error', (event) => {
    client.disconnect(`The engine worker stopped: ${event.message || 'it could not start'}`);
  });
  return client;
}
