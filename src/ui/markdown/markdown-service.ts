import { blockHtml, parseBlocks, type MarkdownDocument } from './markdown-html';
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

/**
 * The Markdown worker's work, away from any worker so that it runs in tests too: each session's text is
 * split into blocks (lexing only the tail of a text that grew), and only blocks whose source changed are
 * rendered again; an answer leaves out the leading blocks the page already holds.
 */
export function createMarkdownService(): {
  readonly handle: (request: MarkdownRequest) => MarkdownResponse | undefined;
} {
  const sessions = new Map<number, Session>();

  function render(request: Extract<MarkdownRequest, { type: 'render' }>): MarkdownResponse {
    const previous = sessions.get(request.session);
    const { copyLabel } = request;
    try {
      const document = parseBlocks(request.source, previous?.document);
      const blocks = document.blocks.map((block, index): SentBlock => {
        const old = previous?.blocks[index];
        if (
          old !== undefined &&
          old.source === block.source &&
          old.firstCodeIndex === block.firstCodeIndex &&
          old.linksKey === document.linksKey &&
          old.copyLabel === copyLabel
        ) {
          return old;
        }
        return {
          kind: block.token.type,
          source: block.source,
          firstCodeIndex: block.firstCodeIndex,
          linksKey: document.linksKey,
          copyLabel,
          html: blockHtml(block, { copyLabel }),
        };
      });
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
      sessions.delete(request.session);
      return {
        type: 'failed',
        session: request.session,
        request: request.request,
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  }

  return {
    handle(request) {
      switch (request.type) {
        case 'render':
          return render(request);
        case 'close':
          sessions.delete(request.session);
          return undefined;
        default:
          return request satisfies never;
      }
    },
  };
}

/** Answers Markdown requests arriving at `endpoint` (the worker's global scope in the app). */
export function serveMarkdown(endpoint: MarkdownEndpoint): () => void {
  const service = createMarkdownService();
  const onMessage = (event: MessageEvent): void => {
    const response = service.handle(event.data as MarkdownRequest);
    if (response !== undefined) endpoint.postMessage(response);
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}
