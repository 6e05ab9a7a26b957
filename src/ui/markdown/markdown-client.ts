import type { MarkdownEndpoint, MarkdownRequest, MarkdownResponse } from './markdown-protocol';

/** One block as the page shows it: sanitized (nodes in the app, HTML in some tests), and its kind. */
export interface RenderedBlock<Content> {
  readonly content: Content;
  /** marked's token type, which sets the space around the block. */
  readonly kind: string;
}

/**
 * What a view shows: its blocks, or plain text and why. A block that did not change since the last result is
 * the very same object, so a view can tell which blocks to put on the page again.
 */
export type MarkdownResult<Content = DocumentFragment> =
  | { readonly kind: 'rendered'; readonly blocks: readonly RenderedBlock<Content>[] }
  /**
   * `error`: marked could not read the text. `too-slow`: it took longer than the deadline (the worker was
   * stopped). `unavailable`: no worker could be started.
   */
  | { readonly kind: 'plain'; readonly reason: 'error' | 'too-slow' | 'unavailable' };

type PlainResult = Extract<MarkdownResult<unknown>, { kind: 'plain' }>;

/** One view's line to the worker. */
export interface MarkdownSession {
  /** Asks for this text's HTML; while an answer is awaited, only the latest text waits its turn. */
  render(source: string, copyLabel: string): void;
  close(): void;
}

export interface MarkdownClient<Content = DocumentFragment> {
  open(onResult: (result: MarkdownResult<Content>) => void): MarkdownSession;
  /** Starts the worker now, so that the first answer does not wait for it to load. */
  warmUp(): void;
}

/** A worker as the client uses it; `onCrash` is told when it fails to start or dies. */
export interface MarkdownWorker extends MarkdownEndpoint {
  terminate(): void;
}

export interface MarkdownClientOptions<Content> {
  readonly spawn: (onCrash: () => void) => MarkdownWorker;
  /** Makes the worker's HTML safe to insert (DOMPurify in the app). */
  readonly sanitize: (html: string) => Content;
  /** How long one text may take before it is shown plain and the worker is replaced. */
  readonly deadlineMs?: number;
}

/**
 * Longer than any real answer takes (a 20,000-character document with code renders in well under 100 ms) and
 * shorter than a user's patience: text that marked handles in quadratic time gives up here, off the page.
 */
export const MARKDOWN_DEADLINE_MS = 3_000;

interface Pending {
  readonly source: string;
  readonly copyLabel: string;
}

interface SessionState<Content> {
  readonly id: number;
  readonly onResult: (result: MarkdownResult<Content>) => void;
  waiting: Pending | undefined;
  inFlight:
    (Pending & { readonly request: number; readonly timer: ReturnType<typeof setTimeout> }) | undefined;
  /** The blocks shown, and the request they answered (what the next request builds on). */
  held: { readonly request: number; readonly blocks: readonly RenderedBlock<Content>[] } | undefined;
  given: boolean;
}

/**
 * The page's side of the Markdown worker. Each view opens a session; at most one request per session is out
 * at a time, so a stream faster than the worker skips texts instead of queueing them. A request that outlives
 * the deadline has the worker terminated (it cannot be interrupted otherwise) and its view shown plain; the
 * other views' requests go to a new worker.
 */
export function createMarkdownClient<Content>({
  spawn,
  sanitize,
  deadlineMs = MARKDOWN_DEADLINE_MS,
}: MarkdownClientOptions<Content>): MarkdownClient<Content> {
  type State = SessionState<Content>;
  const sessions = new Map<number, State>();
  let worker: MarkdownWorker | undefined;
  let nextSession = 1;
  let nextRequest = 1;

  function post(message: MarkdownRequest): void {
    worker?.postMessage(message);
  }

  function giveUp(state: State, reason: PlainResult['reason']): void {
    if (state.inFlight) clearTimeout(state.inFlight.timer);
    state.inFlight = undefined;
    state.waiting = undefined;
    state.given = true;
    state.onResult({ kind: 'plain', reason });
  }

  /** The worker is gone (stuck or crashed): the requests it held are asked again of a new one. */
  function dropWorker(): void {
    const old = worker;
    worker = undefined;
    old?.removeEventListener('message', onMessage);
    old?.terminate();
    for (const state of sessions.values()) {
      if (state.inFlight === undefined) continue;
      clearTimeout(state.inFlight.timer);
      state.waiting ??= { source: state.inFlight.source, copyLabel: state.inFlight.copyLabel };
      state.inFlight = undefined;
    }
  }

  function onCrash(): void {
    const stranded = [...sessions.values()].filter((state) => state.inFlight !== undefined);
    dropWorker();
    for (const state of stranded) giveUp(state, 'unavailable');
  }

  function startWorker(): MarkdownWorker | undefined {
    if (worker) return worker;
    try {
      worker = spawn(onCrash);
    } catch {
      return undefined;
    }
    worker.addEventListener('message', onMessage);
    return worker;
  }

  function sendNext(state: State): void {
    const next = state.waiting;
    if (next === undefined || state.inFlight !== undefined || state.given) return;
    if (!startWorker()) {
      giveUp(state, 'unavailable');
      return;
    }
    state.waiting = undefined;
    const request = nextRequest++;
    const timer = setTimeout(() => onDeadline(state, request), deadlineMs);
    state.inFlight = { ...next, request, timer };
    post({ type: 'render', session: state.id, request, base: state.held?.request ?? 0, ...next });
  }

  function onDeadline(state: State, request: number): void {
    if (state.inFlight?.request !== request) return;
    state.inFlight = undefined;
    dropWorker();
    giveUp(state, 'too-slow');
    for (const other of sessions.values()) sendNext(other);
  }

  function onMessage(event: MessageEvent): void {
    const response = event.data as MarkdownResponse;
    const state = sessions.get(response.session);
    if (state?.inFlight?.request !== response.request) return;
    clearTimeout(state.inFlight.timer);
    state.inFlight = undefined;
    if (response.type === 'failed') {
      giveUp(state, 'error');
      return;
    }
    const blocks = [
      ...(state.held?.blocks.slice(0, response.kept) ?? []),
      ...response.blocks.map(({ html, kind }) => ({ content: sanitize(html), kind })),
    ];
    state.held = { request: response.request, blocks };
    state.onResult({ kind: 'rendered', blocks });
    sendNext(state);
  }

  return {
    warmUp() {
      startWorker();
    },
    open(onResult) {
      const state: State = {
        id: nextSession++,
        onResult,
        waiting: undefined,
        inFlight: undefined,
        held: undefined,
        given: false,
      };
      sessions.set(state.id, state);
      return {
        render(source, copyLabel) {
          if (state.given || !sessions.has(state.id)) return;
          state.waiting = { source, copyLabel };
          sendNext(state);
        },
        close() {
          if (!sessions.delete(state.id)) return;
          if (state.inFlight) clearTimeout(state.inFlight.timer);
          post({ type: 'close', session: state.id });
        },
      };
    },
  };
}
