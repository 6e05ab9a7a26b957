import { blockHtml, markdownHtml, type MarkdownBlock, type RenderOptions } from './markdown-html';
import { sanitizeHtml } from './sanitize-html';

export { parseBlocks, type MarkdownBlock, type MarkdownDocument, type RenderOptions } from './markdown-html';
export { ALLOWED_TAGS, sanitizeHtml } from './sanitize-html';

/** Markdown (GFM) to sanitized HTML, with highlighted code blocks. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  return sanitizeHtml(markdownHtml(source, options)).trim();
}

/** One block of {@link parseBlocks} as sanitized HTML; the same as its part of {@link renderMarkdown}. */
export function renderBlock(
  block: MarkdownBlock,
  options: Omit<RenderOptions, 'firstCodeIndex'> = {},
): string {
  return sanitizeHtml(blockHtml(block, options)).trim();
}
