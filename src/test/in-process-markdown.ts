import {
  createMarkdownClient,
  type MarkdownClient,
  type MarkdownWorker,
} from '../ui/markdown/markdown-client';
import type { MarkdownRequest } from '../ui/markdown/markdown-protocol';
import { GRAMMAR_NAMES } from '../ui/markdown/highlight-languages';
import { createHighlighter } from '../ui/markdown/highlighter';
import { createMarkdownService } from '../ui/markdown/markdown-service';
import { sanitizeFragment } from '../ui/markdown/sanitize-html';

type Listener = (event: MessageEvent) => void;

/**
 * Every grammar, loaded before any test starts: the worker loads them lazily, over real imports that no
 * number of microtask turns waits for, and the tests of views settle in microtask turns.
 */
const highlighter = createHighlighter();
await highlighter.load(GRAMMAR_NAMES);

/**
 * A stand-in for the Markdown worker at the platform edge: the worker's own code, run in this thread, with
 * messages cloned and delivered a microtask later, as a worker's would be (but not held up by fake timers).
 * `answer: false` gives a worker that never answers, like one stuck on a text.
 */
export function inProcessMarkdownWorker({ answer = true }: { answer?: boolean } = {}): MarkdownWorker & {
  readonly requests: MarkdownRequest[];
  readonly terminated: () => boolean;
} {
  const service = createMarkdownService(highlighter);
  const listeners = new Set<Listener>();
  const requests: MarkdownRequest[] = [];
  let terminated = false;
  return {
    requests,
    terminated: () => terminated,
    postMessage(message) {
      const request = structuredClone(message) as MarkdownRequest;
      requests.push(request);
      queueMicrotask(() => {
        if (terminated || !answer) return;
        void service.handle(request).then((response) => {
          if (response === undefined) return;
          const data = structuredClone(response);
          queueMicrotask(() => {
            if (terminated) return;
            for (const listener of listeners) listener({ data } as MessageEvent);
          });
        });
      });
    },
    addEventListener(_type, listener) {
      listeners.add(listener);
    },
    removeEventListener(_type, listener) {
      listeners.delete(listener);
    },
    terminate() {
      terminated = true;
    },
  };
}

/** The app's Markdown client over {@link inProcessMarkdownWorker}s. */
export function inProcessMarkdownClient(): MarkdownClient {
  return createMarkdownClient({ spawn: () => inProcessMarkdownWorker(), sanitize: sanitizeFragment });
}
