import { memo, Profiler, useEffect, useMemo, useRef, useState, type ProfilerOnRenderCallback } from 'react';
import { useI18n } from '../i18n/i18n';
import './markdown.css';
import { parseBlocks, renderBlock, renderMarkdown, type MarkdownBlock } from './render-markdown';

// To move into messages.ts; 'message.copied' (복사됨 / Copied) is already there.
interface Labels {
  readonly copyCode: string;
  readonly copied: string;
  readonly copyFailed: string;
}

/** How long a copy button says "copied" before it reads "copy code" again. */
const CONFIRMATION_MS = 2000;

/**
 * `?markdown=naive` in end-to-end builds renders the whole document again on every token: the baseline of the
 * streaming benchmark. Production builds compare MODE with a constant and drop the branch.
 */
const naive =
  import.meta.env.MODE === 'e2e' && new URLSearchParams(window.location.search).get('markdown') === 'naive';

/**
 * While an answer streams, a last line of one or two backticks or tildes may be the start of a code fence;
 * it is held back until the third arrives, so the text does not show as a paragraph and then jump into code.
 */
const PARTIAL_FENCE = /(^|\n) {0,3}(?:`{1,2}|~{1,2})$/;

interface BlockProps {
  readonly block: MarkdownBlock;
  readonly index: number;
  /** Not read here: a change to the document's link definitions can change any block's HTML. */
  readonly linksKey: string;
  readonly copyLabel: string;
  readonly onCommit: ProfilerOnRenderCallback | undefined;
}

const sameBlock = (before: BlockProps, after: BlockProps): boolean =>
  before.block.source === after.block.source &&
  before.block.firstCodeIndex === after.block.firstCodeIndex &&
  before.index === after.index &&
  before.linksKey === after.linksKey &&
  before.copyLabel === after.copyLabel &&
  before.onCommit === after.onCommit;

/** A block renders again only when its source changes: while an answer streams, that is the last one. */
const Block = memo(function Block({ block, index, copyLabel, onCommit }: BlockProps) {
  const html = renderBlock(block, { copyLabel });
  // The HTML comes from renderBlock: the model's own HTML is escaped, and the result is sanitized.
  const content = <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
  if (onCommit === undefined) return content;
  return (
    <Profiler id={String(index)} onRender={onCommit}>
      {content}
    </Profiler>
  );
}, sameBlock);

function IncrementalMarkdown({
  source,
  labels,
  onBlockCommit,
}: {
  source: string;
  labels: Labels;
  onBlockCommit: ProfilerOnRenderCallback | undefined;
}) {
  const [parsed, setParsed] = useState(() => parseBlocks(source));
  // Each new text is parsed from the previous document, so only its tail is lexed again.
  if (parsed.source !== source) setParsed(parseBlocks(source, parsed));
  return parsed.blocks.map((block, index) => (
    <Block
      // Blocks only ever grow at the end of an answer, so the index is a stable identity.
      key={index}
      block={block}
      index={index}
      linksKey={parsed.linksKey}
      copyLabel={labels.copyCode}
      onCommit={onBlockCommit}
    />
  ));
}

function NaiveMarkdown({ source, labels }: { source: string; labels: Labels }) {
  const html = renderMarkdown(source, { copyLabel: labels.copyCode });
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard outside secure contexts, or the user refused it.
    return false;
  }
}

/**
 * A model's Markdown answer as sanitized HTML, with highlighted code blocks that can be copied. While it
 * streams, the blocks already complete keep their DOM and only the last one is rendered again per token.
 */
export const MarkdownView = memo(function MarkdownView({
  text,
  streaming = false,
  onBlockCommit,
}: {
  text: string;
  streaming?: boolean;
  /** Called for every render of a block (tests count them); absent in the app. */
  onBlockCommit?: ProfilerOnRenderCallback;
}) {
  const { t } = useI18n();
  const copyCode = t('markdown.copyCode');
  const copied = t('message.copied');
  const copyFailed = t('markdown.copyFailed');
  const labels = useMemo<Labels>(() => ({ copyCode, copied, copyFailed }), [copyCode, copied, copyFailed]);
  const root = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const source = streaming ? text.replace(PARTIAL_FENCE, '$1') : text;

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
        const message = done ? labels.copied : labels.copyFailed;
        // The button lives in HTML that React does not diff, so its confirmation is set on the DOM; a block
        // rendered again simply brings back the plain label.
        button.textContent = message;
        setAnnouncement(message);
        clearTimeout(timers.get(button));
        timers.set(
          button,
          setTimeout(() => {
            timers.delete(button);
            button.textContent = labels.copyCode;
            setAnnouncement('');
          }, CONFIRMATION_MS),
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

  return (
    <div ref={root} className="markdown" data-streaming={streaming ? '' : undefined}>
      {naive ? (
        <NaiveMarkdown source={source} labels={labels} />
      ) : (
        <IncrementalMarkdown source={source} labels={labels} onBlockCommit={onBlockCommit} />
      )}
      <span role="status" className="sr-only">
        {announcement}
      </span>
    </div>
  );
});
