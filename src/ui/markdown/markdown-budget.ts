/**
 * Answers longer than this (in UTF-16 code units) are shown as plain text, with a note. A real answer is at
 * most 2,048 tokens, about 8,000 characters of Korean or 12,000 of code; longer ones only come from a backup
 * or an echo. Formatted text cannot be cut into pieces laid out on demand as plain text is (a paragraph is one
 * block, and laying one out grows faster than its length), so the budget bounds the largest block too.
 */
export const MARKDOWN_BUDGET = 20_000;
