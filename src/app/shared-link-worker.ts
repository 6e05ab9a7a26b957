/// <reference lib="webworker" />
// Reads a shared link off the page's thread: a link is up to 2 MiB of someone else's data, and checking,
// decoding and inflating it is work the page must not wait on (see `decodeSharedLinkOffThread`).
import { decodeSharedConversation } from '../conversation/formats/shared-link';

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener('message', (event: MessageEvent<string>) => {
  void decodeSharedConversation(event.data).then(
    (result) => self.postMessage(result),
    (error: unknown) =>
      self.postMessage({
        kind: 'invalid',
        problem: 'corrupt',
        detail: error instanceof Error ? error.message : String(error),
      }),
  );
});
