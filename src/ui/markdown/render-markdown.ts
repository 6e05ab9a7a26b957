import { GRAMMAR_NAMES } from './highlight-languages';
import { createHighlighter } from './highlighter';
import { blockHtml, markdownHtml, type MarkdownBlock, type RenderOptions } from './markdown-html';
import { sanitizeHtml } from './sanitize-html';

export { parseBlocks, type MarkdownBlock, type MarkdownDocument, type RenderOptions } from './markdown-html';
export { ALLOWED_TAGS, sanitizeHtml } from './sanitize-html';

const highlighter = createHighlighter();

/** Loads highlight.js and every grammar, which this module's rendering highlights code in once they are in. */
export async function loadAllLanguages(): Promise<void> {
  await highlighter.load(GRAMMAR_NAMES);
}

/** Markdown (GFM) to sanitized HTML, with code blocks highlighted in the languages loaded. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  return sanitizeHtml(markdownHtml(source, { highlighter, ...options })).trim();
}

/** One block of {@link parseBlocks} as sanitized HTML; the same as its part of {@link renderMarkdown}. */
export function renderBlock(
  block: MarkdownBlock,
  options: Omit<RenderOptions, 'firstCodeIndex'> = {},
): string {
  return sanitizeHtml(blockHtml(block, { highlighter, ...options })).trim();
}
