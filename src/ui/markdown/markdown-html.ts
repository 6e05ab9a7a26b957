import {
  Lexer,
  Parser,
  Renderer,
  type MarkedOptions,
  type Token,
  type Tokens,
  type TokensList,
} from 'marked';
import type { Highlighter } from './highlighter';
import { LINK_REL, SAFE_URL } from './safe-links';

export interface RenderOptions {
  /** Text of the copy button on each code block; without it, code blocks get no button. */
  readonly copyLabel?: string;
  /** The `data-code-index` of the first code block, for documents rendered a block at a time. */
  readonly firstCodeIndex?: number;
  /** Highlights code in the languages it has loaded; without it, or in another language, code stays plain. */
  readonly highlighter?: Highlighter;
}

/**
 * One top-level block of a Markdown document. Its HTML depends only on `source`, `firstCodeIndex` and the
 * document's link definitions, so a block whose three are unchanged need not be rendered again.
 */
export interface MarkdownBlock {
  readonly source: string;
  readonly firstCodeIndex: number;
  readonly token: Token;
  /** Offset of `source` in the document, and whether a blank line (or the document's start) comes before it. */
  readonly start: number;
  readonly afterBlankLine: boolean;
}

export interface MarkdownDocument {
  readonly source: string;
  readonly blocks: readonly MarkdownBlock[];
  /** The reference-link definitions (`[id]: url`) as a string, so that a change to them can be noticed. */
  readonly linksKey: string;
  /** Whether appended text may be lexed from a later block instead of from the top. */
  readonly resumable: boolean;
}

const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** The URL, normalised, when it is absolute and its scheme is allowed. */
function safeUrl(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  return SAFE_URL.test(url.protocol) ? url.href : undefined;
}

/** A code block's language: the first word of its info string (```` ```python title ````). */
const languageName = (lang: string | undefined): string => (lang ?? '').match(/^\S*/)?.[0] ?? '';

const markedOptions = (): MarkedOptions => ({ gfm: true, breaks: true, async: false });

/** highlight.js's HTML for the code: its own spans around escaped text. */
function highlight(highlighter: Highlighter, code: string, language: string): string {
  try {
    return highlighter.highlight(code, language);
  } catch {
    // A grammar that fails on odd input must not take the answer down with it.
    return escapeHtml(code);
  }
}

class SafeRenderer extends Renderer {
  private codeIndex: number;
  private taskLabel = '';

  constructor(private readonly render: RenderOptions) {
    super(markedOptions());
    this.codeIndex = render.firstCodeIndex ?? 0;
  }

  // The model's HTML is shown as the text it is: a `<script>` or `<img onerror>` becomes visible characters.
  override html({ text, block }: Tokens.HTML | Tokens.Tag): string {
    if (!block) return escapeHtml(text);
    return `<p>${escapeHtml(text.replace(/\n+$/, '')).replaceAll('\n', '<br>\n')}</p>\n`;
  }

  // Text between an inline `<script>` and `</script>` arrives flagged as already escaped; it is not.
  override text(token: Tokens.Text | Tokens.Escape): string {
    if (token.type === 'text' && token.escaped === true && token.tokens === undefined) {
      return escapeHtml(token.text);
    }
    return super.text(token);
  }

  // A line break keeps its newline in the text, so the answer's text content is the model's text.
  override br({ raw }: Tokens.Br): string {
    return raw.endsWith('\n') ? '<br>\n' : '<br>';
  }

  override link({ href, title, text, tokens, autolink }: Tokens.Link): string {
    const content = autolink === true ? escapeHtml(text) : this.parser.parseInline(tokens);
    const url = safeUrl(href);
    if (url === undefined) return content;
    const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
    return `<a href="${escapeHtml(url)}"${titleAttribute} target="_blank" rel="${LINK_REL}">${content}</a>`;
  }

  // Images become links: the app loads nothing from third parties, and a tracking pixel stays a link.
  override image({ href, text, tokens }: Tokens.Image): string {
    const alt = tokens.length > 0 ? this.parser.parseInline(tokens, this.parser.textRenderer) : text;
    const url = safeUrl(href);
    if (url === undefined) return escapeHtml(alt);
    const label = escapeHtml(alt.trim() === '' ? url : alt);
    return `<a class="md-image" href="${escapeHtml(url)}" target="_blank" rel="${LINK_REL}">${label}</a>`;
  }

  // A task's box is named by the task's text, so that it is not an unlabelled form control.
  override listitem(item: Tokens.ListItem): string {
    if (item.task) {
      const first = item.tokens.find((token) => token.type !== 'checkbox');
      const inline = first !== undefined && 'tokens' in first ? (first.tokens ?? []) : [];
      const text = inline.filter((token) => token.type !== 'checkbox');
      this.taskLabel = this.parser.parseInline(text, this.parser.textRenderer).trim();
    }
    return super.listitem(item);
  }

  override checkbox({ checked }: Tokens.Checkbox): string {
    const state = checked ? ' checked' : '';
    return `<input type="checkbox" disabled${state} aria-label="${escapeHtml(this.taskLabel)}"> `;
  }

  override table(token: Tokens.Table): string {
    // Focusable, so that a table wider than the answer can be scrolled from the keyboard.
    return `<div class="md-table" tabindex="0">${super.table(token)}</div>\n`;
  }

  override code({ text, lang }: Tokens.Code): string {
    const index = this.codeIndex++;
    const name = languageName(lang);
    const highlighter =
      name !== '' && this.render.highlighter?.has(name) === true ? this.render.highlighter : undefined;
    const body = highlighter === undefined ? escapeHtml(text) : highlight(highlighter, text, name);
    const codeClass = highlighter === undefined ? '' : ` class="hljs language-${escapeHtml(name)}"`;
    const label = escapeHtml(name.slice(0, 40));
    const button =
      this.render.copyLabel === undefined
        ? ''
        : `<button type="button" class="code-copy">${escapeHtml(this.render.copyLabel)}</button>`;
    return (
      `<div class="code-block" data-code-index="${index}" data-language="${label}">` +
      `<div class="code-header"><span class="code-language">${label}</span>${button}</div>` +
      `<pre tabindex="0"><code${codeClass}>${body}</code></pre></div>\n`
    );
  }
}

function lex(source: string): TokensList {
  return new Lexer(markedOptions()).lex(source);
}

/** Markdown tokens to HTML that is not sanitized yet (the page sanitizes it: a worker has no DOM). */
function tokensHtml(tokens: Token[], options: RenderOptions): string {
  const renderer = new SafeRenderer(options);
  return new Parser({ ...markedOptions(), renderer }).parse(tokens);
}

/** Markdown (GFM) to HTML with highlighted code blocks, before sanitizing. */
export function markdownHtml(source: string, options: RenderOptions = {}): string {
  return tokensHtml(lex(source), options);
}

/** The code blocks in a top-level block, in order: in it, in its quotes and in its lists' items. */
function codeBlocks(token: Token): Tokens.Code[] {
  switch (token.type) {
    case 'code':
      return [token as Tokens.Code];
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.flatMap(codeBlocks);
    case 'list':
      return (token as Tokens.List).items.flatMap((item) => item.tokens.flatMap(codeBlocks));
    default:
      return [];
  }
}

const countCodeBlocks = (token: Token): number => codeBlocks(token).length;

/** The languages the code blocks of a block are in (what a highlighter must load before rendering it). */
export function codeLanguages(block: MarkdownBlock): string[] {
  return codeBlocks(block.token)
    .map(({ lang }) => languageName(lang))
    .filter((name) => name !== '');
}

/**
 * The block that lexing starts again from when text is appended: the last one after a blank line that leaves
 * at least the last two blocks to be lexed again. Appending changes the last block and, when that turns into
 * a list item (`2` becomes `2.`), the list just before it; a blank line above both closes everything earlier.
 */
function resumeBlock(document: MarkdownDocument): number {
  const { blocks } = document;
  for (let index = blocks.length - 2; index > 0; index -= 1) {
    if (blocks[index]?.afterBlankLine === true) return index;
  }
  return 0;
}

/**
 * Splits a document into its top-level blocks (blank lines and link definitions render as nothing). Given the
 * document this one grew from, only its tail is lexed again and the blocks before are reused as they are.
 * Link definitions can change any block, so a document with any is always lexed whole.
 */
export function parseBlocks(source: string, previous?: MarkdownDocument): MarkdownDocument {
  const resumeAt =
    previous?.resumable === true && source.startsWith(previous.source) ? resumeBlock(previous) : 0;
  const kept = previous?.blocks.slice(0, resumeAt) ?? [];
  const base = previous?.blocks[resumeAt]?.start ?? 0;
  const tokens = lex(source.slice(base));
  const hasLinks = Object.keys(tokens.links).length > 0;
  if (base > 0 && hasLinks) return parseBlocks(source);
  const blocks: MarkdownBlock[] = [...kept];
  const lastKept = kept.at(-1);
  let codeIndex = lastKept === undefined ? 0 : lastKept.firstCodeIndex + countCodeBlocks(lastKept.token);
  let offset = base;
  let afterBlankLine = true;
  for (const token of tokens) {
    if (token.type === 'space') {
      afterBlankLine = true;
    } else if (token.type !== 'def') {
      blocks.push({ source: token.raw, firstCodeIndex: codeIndex, token, start: offset, afterBlankLine });
      codeIndex += countCodeBlocks(token);
      afterBlankLine = false;
    }
    offset += token.raw.length;
  }
  return {
    source,
    blocks,
    linksKey: JSON.stringify(tokens.links),
    // Marked normalises line endings; when the blocks do not add up to the text, offsets mean nothing.
    resumable: !hasLinks && offset === source.length,
  };
}

/** One block of {@link parseBlocks} as HTML before sanitizing; the same as its part of {@link markdownHtml}. */
export function blockHtml(block: MarkdownBlock, options: Omit<RenderOptions, 'firstCodeIndex'> = {}): string {
  return tokensHtml([block.token], { ...options, firstCodeIndex: block.firstCodeIndex });
}
