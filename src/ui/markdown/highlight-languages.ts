import type { LanguageFn } from 'highlight.js';

/** In the order highlight.js registered them when all were imported at once (a later alias would win). */
export const GRAMMAR_NAMES = [
  'bash',
  'c',
  'cpp',
  'css',
  'go',
  'java',
  'javascript',
  'json',
  'kotlin',
  'markdown',
  'plaintext',
  'python',
  'rust',
  'shell',
  'sql',
  'swift',
  'typescript',
  'xml',
  'yaml',
] as const;

export type GrammarName = (typeof GRAMMAR_NAMES)[number];

interface Grammar {
  /** The names the definition registers besides its own, as it declares them (highlight-languages.test.ts). */
  readonly aliases: readonly string[];
  /** The grammars of this table its code embeds (`subLanguage`): without them, those parts stay plain. */
  readonly uses: readonly GrammarName[];
  /** Its own chunk of the Markdown worker, fetched the first time a code block needs it. */
  readonly load: () => Promise<{ default: LanguageFn }>;
}

/**
 * The languages code blocks are highlighted in. Each is imported on its own, so an answer without code loads no
 * grammar and one with Python loads only Python; the names and aliases are known here before any is loaded.
 */
export const GRAMMARS: Readonly<Record<GrammarName, Grammar>> = {
  bash: { aliases: ['sh', 'zsh'], uses: [], load: () => import('highlight.js/lib/languages/bash') },
  c: { aliases: ['h'], uses: [], load: () => import('highlight.js/lib/languages/c') },
  cpp: {
    aliases: ['cc', 'c++', 'h++', 'hpp', 'hh', 'hxx', 'cxx'],
    uses: [],
    load: () => import('highlight.js/lib/languages/cpp'),
  },
  css: { aliases: [], uses: [], load: () => import('highlight.js/lib/languages/css') },
  go: { aliases: ['golang'], uses: [], load: () => import('highlight.js/lib/languages/go') },
  java: { aliases: ['jsp'], uses: [], load: () => import('highlight.js/lib/languages/java') },
  javascript: {
    aliases: ['js', 'jsx', 'mjs', 'cjs'],
    uses: ['css', 'xml'],
    load: () => import('highlight.js/lib/languages/javascript'),
  },
  json: { aliases: ['jsonc', 'json5'], uses: [], load: () => import('highlight.js/lib/languages/json') },
  kotlin: {
    aliases: ['kt', 'kts', 'ktm', 'ktx'],
    uses: [],
    load: () => import('highlight.js/lib/languages/kotlin'),
  },
  markdown: {
    aliases: ['md', 'mkdown', 'mkd'],
    uses: ['xml'],
    load: () => import('highlight.js/lib/languages/markdown'),
  },
  plaintext: {
    aliases: ['text', 'txt'],
    uses: [],
    load: () => import('highlight.js/lib/languages/plaintext'),
  },
  python: {
    aliases: ['py', 'gyp', 'ipython'],
    uses: [],
    load: () => import('highlight.js/lib/languages/python'),
  },
  rust: { aliases: ['rs'], uses: [], load: () => import('highlight.js/lib/languages/rust') },
  shell: {
    aliases: ['console', 'shellsession'],
    uses: ['bash'],
    load: () => import('highlight.js/lib/languages/shell'),
  },
  sql: { aliases: [], uses: [], load: () => import('highlight.js/lib/languages/sql') },
  swift: { aliases: [], uses: [], load: () => import('highlight.js/lib/languages/swift') },
  typescript: {
    aliases: ['ts', 'tsx', 'mts', 'cts'],
    uses: ['css', 'xml'],
    load: () => import('highlight.js/lib/languages/typescript'),
  },
  xml: {
    aliases: ['html', 'xhtml', 'rss', 'atom', 'xjb', 'xsd', 'xsl', 'plist', 'wsf', 'svg'],
    uses: ['css', 'javascript'],
    load: () => import('highlight.js/lib/languages/xml'),
  },
  yaml: { aliases: ['yml'], uses: [], load: () => import('highlight.js/lib/languages/yaml') },
};

/** Every name and alias, lower-case, to its grammar; a later grammar's alias wins, as in highlight.js. */
const byName = new Map<string, GrammarName>();
for (const name of GRAMMAR_NAMES) {
  for (const alias of GRAMMARS[name].aliases) byName.set(alias, name);
}
for (const name of GRAMMAR_NAMES) byName.set(name, name);

/** The grammar a code block's language names, found as highlight.js finds it (ignoring case), if any. */
export function grammarOf(language: string): GrammarName | undefined {
  return byName.get(language.toLowerCase());
}

/** The grammars a code block in `language` needs: its own and those it embeds, and theirs. */
export function grammarsFor(language: string): GrammarName[] {
  const first = grammarOf(language);
  const needed = new Set<GrammarName>(first === undefined ? [] : [first]);
  for (const name of needed) for (const used of GRAMMARS[name].uses) needed.add(used);
  return [...needed];
}
