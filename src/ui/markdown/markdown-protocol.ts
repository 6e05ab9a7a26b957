/**
 * The messages between the page and the Markdown worker, which lexes, renders and highlights answers off the
 * main thread; the page only sanitizes the HTML it gets back (DOMPurify needs a DOM) and shows it.
 */

export type MarkdownRequest =
  | {
      readonly type: 'render';
      /** One view of one growing text: the worker keeps its last document and lexes only the new tail. */
      readonly session: number;
      /** Numbers every request of a page, across workers, so an answer is matched to what it answers. */
      readonly request: number;
      readonly source: string;
      /** The label of each code block's copy button, in the reader's language. */
      readonly copyLabel: string;
      /** The request whose answer the page holds for this session (0 for none): unchanged blocks stay out. */
      readonly base: number;
    }
  /** The view is gone; the worker forgets its document. */
  | { readonly type: 'close'; readonly session: number };

export type MarkdownResponse =
  | {
      readonly type: 'rendered';
      readonly session: number;
      readonly request: number;
      /** How many blocks, from the start, are the same as in the answer to the request's `base`. */
      readonly kept: number;
      /** The blocks after those. */
      readonly blocks: readonly BlockHtml[];
    }
  /** Marked threw on this text (it overflows its stack on deeply nested quotes, for one). */
  | { readonly type: 'failed'; readonly session: number; readonly request: number; readonly message: string };

/** One top-level block of a document: its HTML, not sanitized yet, and what kind of block it is. */
export interface BlockHtml {
  readonly html: string;
  /** marked's token type (`paragraph`, `heading`, `code`, `hr`…): the page spaces blocks by it. */
  readonly kind: string;
}

/** The part of a `Worker`, a worker's global scope or a `MessagePort` that the Markdown protocol uses. */
export interface MarkdownEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}
