import { createHighlighter, type LazyHighlighter } from './highlighter';
import { blockHtml, codeLanguages, parseBlocks, type MarkdownDocument } from './markdown-html';
import type { MarkdownEndpoint, MarkdownRequest, MarkdownResponse } from './markdown-protocol';

/** A block as last sent: what its HTML depends on, and the HTML. */
interface SentBlock {
  readonly kind: string;
  readonly source: string;
  readonly firstCodeIndex: number;
  readonly linksKey: string;
  readonly copyLabel: string;
  readonly html: string;
}

interface Session {
  readonly document: MarkdownDocument;
  readonly blocks: readonly SentBlock[];
  /** The request these blocks answered. */
  readonly request: number;
}

type RenderRequest = Extract<MarkdownRequest, { type: 'render' }>;

/**
 * The Markdown worker's work, away from any worker so that it runs in tests too: each session's text is
 * split into blocks (lexing only the tail of a text that grew), and only blocks whose source changed are
 * rendered again; an answer leaves out the leading blocks the page already holds. The grammars of the code
 * blocks to render are loaded first; requests are handled one at a time, in the order they came.
 */
export function createMarkdownService(highlighter: LazyHighlighter = createHighlighter()): {
  readonly handle: (request: MarkdownRequest) => Promise<MarkdownResponse | undefined>;
} {
  const sessions = new Map<number, Session>();
  /** The last request still waiting for grammars, if any: the next one waits for it. */
  let waiting: Promise<unknown> | undefined;

  function failed(request: RenderRequest, error: unknown): MarkdownResponse {
    sessions.delete(request.session);
    return {
      type: 'failed',
      session: request.session,
      request: request.request,
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }

  function respond(
    request: RenderRequest,
    previous: Session | undefined,
    document: MarkdownDocument,
    unchanged: readonly (SentBlock | undefined)[],
  ): MarkdownResponse {
    const { copyLabel } = request;
    try {
      const blocks = document.blocks.map(
        (block, index): SentBlock =>
          unchanged[index] ?? {
            kind: block.token.type,
            source: block.source,
            firstCodeIndex: block.firstCodeIndex,
            linksKey: document.linksKey,
            copyLabel,
            html: blockHtml(block, { copyLabel, highlighter }),
          },
      );
      let kept = 0;
      if (previous !== undefined && request.base === previous.request) {
        while (kept < blocks.length && blocks[kept] === previous.blocks[kept]) kept += 1;
      }
      sessions.set(request.session, { document, blocks, request: request.request });
      return {
        type: 'rendered',
        session: request.session,
        request: request.request,
        kept,
        blocks: blocks.slice(kept).map(({ html, kind }) => ({ html, kind })),
      };
    } catch (error) {
      return failed(request, error);
    }
  }

  function render(request: RenderRequest): MarkdownResponse | Promise<MarkdownResponse> {
    const previous = sessions.get(request.session);
    let document: MarkdownDocument;
    try {
      document = parseBlocks(request.source, previous?.document);
    } catch (error) {
      return failed(request, error);
    }
    const unchanged = document.blocks.map((block, index): SentBlock | undefined => {
      const old = previous?.blocks[index];
      return old !== undefined &&
        old.source === block.source &&
        old.firstCodeIndex === block.firstCodeIndex &&
        old.linksKey === document.linksKey &&
        old.copyLabel === request.copyLabel
        ? old
        : undefined;
    });
    const loading = highlighter.load(
      document.blocks.flatMap((block, index) => (unchanged[index] === undefined ? codeLanguages(block) : [])),
    );
    const answer = (): MarkdownResponse => respond(request, previous, document, unchanged);
    return loading === undefined
      ? answer()
      : loading.then(answer, (error: unknown) => failed(request, error));
  }

  function handleNow(
    request: MarkdownRequest,
  ): MarkdownResponse | undefined | Promise<MarkdownResponse | undefined> {
    switch (request.type) {
      case 'render':
        return render(request);
      case 'close':
        sessions.delete(request.session);
        return undefined;
      default:
        return request satisfies never;
    }
  }

  return {
    handle(request) {
      // A request builds on the session the one before leaves; when none is waiting, it is answered at once.
      const response = waiting === undefined ? handleNow(request) : waiting.then(() => handleNow(request));
      if (!(response instanceof Promise)) return Promise.resolve(response);
      const settled = response.then(() => {
        if (waiting === settled) waiting = undefined;
      });
      waiting = settled;
      return response;
    },
  };
}

/** Answers Markdown requests arriving at `endpoint` (the worker's global scope in the app). */
export function serveMarkdown(
  endpoint: MarkdownEndpoint,
  highlighter: LazyHighlighter = createHighlighter(),
): () => void {
  const service = createMarkdownService(highlighter);
  const onMessage = (event: MessageEvent): void => {
    // The service answers one request after another, so answers are posted in the order requests came; it
    // never rejects (a text it cannot render gets a `failed` answer).
    void service.handle(event.data as MarkdownRequest).then((response) => {
      if (response !== undefined) endpoint.postMessage(response);
    });
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}
