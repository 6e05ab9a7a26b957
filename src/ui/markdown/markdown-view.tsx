import { lazy, memo, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { copyText } from '../chat/copy-by-hand';
import { LongText } from '../chat/long-text';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import {
  createMarkdownClient,
  type MarkdownClient,
  type MarkdownResult,
  type MarkdownSession,
  type RenderedBlock,
} from './markdown-client';
import { useProvidedMarkdownClient } from './markdown-client-context';
import './markdown.css';
import { prepareSanitizer, sanitizeFragment } from './sanitize-html';

// To move into messages.ts; 'message.copied' (복사됨 / Copied) is already there.
interface Labels {
  readonly copyCode: string;
  readonly copied: string;
  readonly copyFailed: string;
}

/** How long a copy button says "copied" before it reads "copy code" again. */
const CONFIRMATION_MS = 2000;
/** How long it says it could not copy: long enough to read that the code was selected instead. */
const FAILURE_MS = 8000;

/**
 * `?markdown=naive` in end-to-end builds renders the whole document again on the page on every token: the
 * streaming benchmark's baseline. Production builds compare MODE with a constant and drop the branch.
 */
const NaiveMarkdown =
  import.meta.env.MODE === 'e2e' && new URLSearchParams(window.location.search).get('markdown') === 'naive'
    ? lazy(async () => {
        const module = await import('./naive-markdown');
        await module.loadAllLanguages();
        return { default: module.NaiveMarkdown };
      })
    : undefined;

/**
 * While an answer streams, a last line of one or two backticks or tildes may be the start of a code fence;
 * it is held back until the third arrives, so the text does not show as a paragraph and then jump into code.
 */
const PARTIAL_FENCE = /(^|\n) {0,3}(?:`{1,2}|~{1,2})$/;

const withoutPartialFence = (text: string): string => text.replace(PARTIAL_FENCE, '$1');

type PlainResult = Extract<MarkdownResult, { kind: 'plain' }>;

/** Waiting for the worker's first answer, showing blocks, or plain text and why. */
type Mode = { readonly kind: 'pending' } | { readonly kind: 'rendered' } | PlainResult;

// Nothing is shown as HTML before it can be sanitized: where the browser has no sanitizer, this view comes
// with DOMPurify (if that cannot be fetched, neither can the view, and answers stay plain text with a note).
await prepareSanitizer();

const plainNotes: Record<PlainResult['reason'], MessageKey> = {
  error: 'markdown.plain.error',
  'too-slow': 'markdown.plain.tooSlow',
  unavailable: 'markdown.plain.unavailable',
};

let appClient: MarkdownClient | undefined;

/** The app's Markdown worker, started with the first answer shown. */
function getAppClient(): MarkdownClient {
  appClient ??= createMarkdownClient({
    spawn: (onCrash) => {
      const worker = new Worker(new URL('./markdown-worker.ts', import.meta.url), {
        type: 'module',
        name: 'markdown',
      });
      worker.addEventListener('error', onCrash);
      return worker;
    },
    sanitize: sanitizeFragment,
  });
  return appClient;
}

/** Starts the Markdown worker ahead of the first answer, so that answer does not wait for it to load. */
export function warmUpMarkdown(): void {
  getAppClient().warmUp();
}

type Block = RenderedBlock<DocumentFragment>;

/**
 * The text of a streaming answer as it grows, given to its view without a render of the message: `onText` is
 * called with the whole text now and at each change while the answer streams; the returned function stops it.
 */
export type LiveText = (onText: (text: string) => void) => () => void;

/**
 * Blocks per `.md-chunk`, the unit laid out and painted only near the viewport (`content-visibility: auto`).
 * Chromium decides whether such an element is near the viewport in the frame it first appears in, by laying
 * the page out a second time: once per chunk, not once per paragraph, as an answer streams.
 */
const BLOCKS_PER_CHUNK = 8;

/**
 * Puts `blocks` into `host`, one `.md-block` each in chunks of {@link BLOCKS_PER_CHUNK}, touching only those
 * that are not the very blocks `shown` holds (the client keeps an unchanged block the same object): while an
 * answer streams, that is the last one or two. The DOM is written here rather than by React, so a block costs
 * no render and no second parse.
 */
function showBlocks(host: HTMLElement, blocks: readonly Block[], shown: Block[]): void {
  blocks.forEach((block, index) => {
    if (shown[index] === block) return;
    let chunk = host.children[Math.floor(index / BLOCKS_PER_CHUNK)];
    if (!(chunk instanceof HTMLElement)) {
      chunk = document.createElement('div');
      chunk.className = 'md-chunk';
      host.append(chunk);
    }
    let element = chunk.children[index % BLOCKS_PER_CHUNK];
    if (!(element instanceof HTMLElement)) {
      element = document.createElement('div');
      element.className = 'md-block';
      chunk.append(element);
    }
    const { dataset } = element as HTMLElement;
    // Setting even the same value has the element styled again.
    if (dataset['block'] !== block.kind) dataset['block'] = block.kind;
    element.replaceChildren(block.content.cloneNode(true));
    shown[index] = block;
  });
  const chunks = Math.ceil(blocks.length / BLOCKS_PER_CHUNK);
  while (host.children.length > chunks) host.lastElementChild?.remove();
  const last = host.lastElementChild;
  const inLast = blocks.length - (chunks - 1) * BLOCKS_PER_CHUNK;
  while (last && last.children.length > inLast) last.lastElementChild?.remove();
  shown.length = blocks.length;
}

/**
 * A model's Markdown answer as sanitized HTML, with highlighted code blocks that can be copied. The text is
 * lexed and rendered in a worker, so no answer can hold up the page; until the first HTML arrives (unless it
 * is streaming), and when the worker cannot format the text, it shows as plain text. While an answer streams, the blocks already
 * complete keep their DOM and only the last one is rendered again.
 */
export const MarkdownView = memo(function MarkdownView({
  text,
  streaming = false,
  testId,
  live,
}: {
  text: string;
  streaming?: boolean;
  /** Put on the element that holds the answer's text. */
  testId?: string;
  /**
   * Later text of a streaming answer, given without a render: each is sent to the worker as it comes, and a
   * render of the view (its answer finished, say) sends `text` again.
   */
  live?: LiveText;
}) {
  const { t } = useI18n();
  const copyCode = t('markdown.copyCode');
  const copied = t('message.copied');
  const copyFailed = t('markdown.copyFailed');
  const labels = useMemo<Labels>(() => ({ copyCode, copied, copyFailed }), [copyCode, copied, copyFailed]);
  const root = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState('');
  // The naive baseline renders on the page, so the text it follows while streaming has to render it.
  const [naiveText, setNaiveText] = useState<string | undefined>(undefined);
  const followed = streaming && naiveText !== undefined ? naiveText : text;
  const source = streaming ? withoutPartialFence(followed) : followed;

  const provided = useProvidedMarkdownClient();
  const client = NaiveMarkdown ? undefined : (provided ?? getAppClient());
  const [mode, setMode] = useState<Mode>({ kind: 'pending' });
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef<readonly Block[]>([]);
  const shown = useRef<Block[]>([]);
  const session = useRef<MarkdownSession | undefined>(undefined);
  useEffect(() => {
    if (!client) return;
    const opened = client.open((result) => {
      if (result.kind === 'plain') {
        setMode(result);
        return;
      }
      latest.current = result.blocks;
      // Once the blocks' element is there, later results go straight into it, without a render.
      if (host.current) showBlocks(host.current, result.blocks, shown.current);
      else setMode({ kind: 'rendered' });
    });
    session.current = opened;
    return () => {
      opened.close();
      session.current = undefined;
    };
  }, [client]);
  useLayoutEffect(() => {
    if (mode.kind !== 'rendered' || !host.current) return;
    shown.current = [];
    showBlocks(host.current, latest.current, shown.current);
  }, [mode]);
  useEffect(() => {
    session.current?.render(source, copyCode);
  }, [source, copyCode, client]);
  useEffect(() => {
    if (!streaming || !live) return;
    return live((next) => {
      if (NaiveMarkdown) setNaiveText(next);
      else session.current?.render(withoutPartialFence(next), copyCode);
    });
  }, [streaming, live, copyCode, client]);

  // One listener for every copy button, including those in blocks rendered later.
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    const timers = new Map<Element, ReturnType<typeof setTimeout>>();
    let disposed = false;
    const onClick = (event: MouseEvent): void => {
      const button = event.target instanceof Element ? event.target.closest('button.code-copy') : null;
      const code = button?.closest('.code-block')?.querySelector('pre code');
      if (!button || !code) return;
      void copyText(code.textContent).then((done) => {
        if (disposed) return;
        // The clipboard refused: the code is selected where it is, to be copied by hand.
        if (!done) window.getSelection()?.selectAllChildren(code);
        const message = done ? labels.copied : labels.copyFailed;
        // The button lives in HTML that React does not diff, so its confirmation is set on the DOM; a block
        // rendered again simply brings back the plain label.
        button.textContent = message;
        setAnnouncement(message);
        clearTimeout(timers.get(button));
        timers.set(
          button,
          setTimeout(
            () => {
              timers.delete(button);
              button.textContent = labels.copyCode;
              setAnnouncement('');
            },
            done ? CONFIRMATION_MS : FAILURE_MS,
          ),
        );
      });
    };
    element.addEventListener('click', onClick);
    return () => {
      disposed = true;
      element.removeEventListener('click', onClick);
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [labels]);

  let content;
  if (NaiveMarkdown) {
    content = (
      <Suspense fallback={<LongText text={source} />}>
        <NaiveMarkdown source={source} copyLabel={copyCode} />
      </Suspense>
    );
  } else if (mode.kind === 'rendered') {
    content = <div ref={host} className="md-blocks" />;
  } else if (mode.kind === 'plain' || !streaming) {
    content = <LongText text={source} />;
  } else {
    // A streaming answer waits for its first HTML (a frame, or the worker's start): shown as plain text
    // first, its text would change under the reader as paragraphs and emphasis take shape.
    content = null;
  }

  return (
    <>
      {mode.kind === 'plain' && (
        <p className="mb-1 text-xs text-amber-800 dark:text-amber-300">{t(plainNotes[mode.reason])}</p>
      )}
      <div ref={root} className="markdown" data-testid={testId} data-streaming={streaming ? '' : undefined}>
        {content}
        <span role="status" className="sr-only">
          {announcement}
        </span>
      </div>
    </>
  );
});
