import type { HLJSApi, LanguageFn } from 'highlight.js';
import { GRAMMARS, grammarOf, grammarsFor, type GrammarName } from './highlight-languages';

/** What rendering needs: highlighting in the languages loaded so far, synchronously. */
export interface Highlighter {
  /** Whether a code block in this language (a name or an alias, in any case) can be highlighted now. */
  has(language: string): boolean;
  /** highlight.js's HTML for the code, its spans around escaped text; it may throw on odd input. */
  highlight(code: string, language: string): string;
}

export interface LazyHighlighter extends Highlighter {
  /**
   * Loads highlight.js and the grammars these languages need, once each. Nothing to wait for (no language
   * needs a grammar not loaded yet) gives undefined. It never rejects: a language whose grammar could not be
   * loaded stays unknown, as a language outside the table.
   */
  load(languages: Iterable<string>): Promise<void> | undefined;
}

/** Where highlight.js and its grammars come from: their chunks in the app, something else in tests. */
export interface HighlightImports {
  readonly core: () => Promise<HLJSApi>;
  readonly grammar: (name: GrammarName) => Promise<LanguageFn>;
}

const chunks: HighlightImports = {
  // A fresh instance, so that each highlighter has only the grammars it loaded registered.
  core: async () => (await import('highlight.js/lib/core')).default.newInstance(),
  grammar: async (name) => (await GRAMMARS[name].load()).default,
};

export function createHighlighter(imports: HighlightImports = chunks): LazyHighlighter {
  let core: Promise<HLJSApi | undefined> | undefined;
  let hljs: HLJSApi | undefined;
  let coreUnavailable = false;
  const definitions = new Map<GrammarName, Promise<LanguageFn | undefined>>();
  const registered = new Set<GrammarName>();
  const unavailable = new Set<GrammarName>();

  // A chunk that fails to load (gone after a deployment, offline and not cached) is not asked for again in
  // this worker: its code blocks render plain, as in a language without a grammar, instead of failing.
  const loadCore = (): Promise<HLJSApi | undefined> =>
    (core ??= imports.core().catch(() => {
      coreUnavailable = true;
      return undefined;
    }));
  function loadDefinition(name: GrammarName): Promise<LanguageFn | undefined> {
    let definition = definitions.get(name);
    if (definition === undefined) {
      definition = imports.grammar(name).catch(() => {
        unavailable.add(name);
        return undefined;
      });
      definitions.set(name, definition);
    }
    return definition;
  }

  return {
    load(languages) {
      const needed = new Set<GrammarName>();
      for (const language of languages) {
        for (const name of grammarsFor(language)) {
          if (!registered.has(name) && !unavailable.has(name)) needed.add(name);
        }
      }
      if (needed.size === 0 || coreUnavailable) return undefined;
      const names = [...needed];
      // The core and the grammars are fetched together: a grammar is a function that gets the core later.
      return Promise.all([loadCore(), Promise.all(names.map(loadDefinition))]).then(([api, loaded]) => {
        if (api === undefined) return;
        names.forEach((name, index) => {
          const definition = loaded[index];
          if (definition === undefined || registered.has(name)) return;
          api.registerLanguage(name, definition);
          registered.add(name);
        });
        hljs = api;
      });
    },
    has(language) {
      const name = grammarOf(language);
      return hljs !== undefined && name !== undefined && registered.has(name);
    },
    highlight(code, language) {
      const name = grammarOf(language);
      if (hljs === undefined || name === undefined || !registered.has(name)) {
        throw new Error(`No grammar loaded for ${language}`);
      }
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    },
  };
}
