/**
 * The part of `Worker`, `MessagePort` and a worker's global scope that the engine protocol uses, so the
 * same host and client run over a real worker in the browser and over a `MessageChannel` in unit tests.
 */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Present on `MessagePort`, which delivers nothing to `addEventListener` until started. */
  start?: () => void;
}
