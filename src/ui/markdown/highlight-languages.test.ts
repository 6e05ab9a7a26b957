import hljs from 'highlight.js/lib/core';
import type { Language, Mode } from 'highlight.js';
import { describe, expect, it } from 'vitest';
import { GRAMMAR_NAMES, GRAMMARS, grammarOf, grammarsFor } from './highlight-languages';
import { createHighlighter } from './highlighter';

const definitions = await Promise.all(
  GRAMMAR_NAMES.map(async (name) => [name, (await GRAMMARS[name].load()).default] as const),
);

/** The languages a grammar embeds: every `subLanguage` in its modes. */
function subLanguages(language: Language): Set<string> {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (mode: Mode | Language | 'self' | undefined): void => {
    if (mode === undefined || mode === 'self' || seen.has(mode)) return;
    seen.add(mode);
    const { subLanguage } = mode;
    for (const name of typeof subLanguage === 'string' ? [subLanguage] : (subLanguage ?? [])) found.add(name);
    for (const child of [...(mode.contains ?? []), ...(mode.variants ?? []), mode.starts]) walk(child);
  };
  walk(language);
  return found;
}

/** highlight.js as it was set up before grammars were loaded lazily: every one registered at once. */
const eager = hljs.newInstance();
for (const [name, definition] of definitions) eager.registerLanguage(name, definition);

/** Every name a code block can use, in the cases a reader may write it. */
const allNames = GRAMMAR_NAMES.flatMap((name) => [name, ...GRAMMARS[name].aliases]);

describe('the table of grammars', () => {
  it.each(definitions)('has the aliases and embedded languages %s declares', (name, definition) => {
    const language = definition(hljs.newInstance());
    expect(GRAMMARS[name].aliases).toEqual(language.aliases ?? []);
    const known = [...subLanguages(language)].filter((used) => grammarOf(used) !== undefined);
    expect([...GRAMMARS[name].uses].sort()).toEqual(known.map((used) => grammarOf(used)).sort());
  });

  it('finds every name and alias as highlight.js does, in any case', () => {
    for (const alias of [...allNames, ...allNames.map((name) => name.toUpperCase())]) {
      const grammar = grammarOf(alias);
      expect(grammar, alias).toBeDefined();
      expect(eager.getLanguage(alias), alias).toBe(eager.getLanguage(grammar ?? ''));
    }
    for (const unknown of ['brainfudge', 'ruby', 'graphql', 'constructor', '__proto__', '']) {
      expect(grammarOf(unknown), unknown).toBeUndefined();
      expect(eager.getLanguage(unknown), unknown).toBeUndefined();
    }
  });

  it('needs a grammar with those it embeds, and theirs', () => {
    expect(grammarsFor('py')).toEqual(['python']);
    expect(grammarsFor('TSX')).toEqual(['typescript', 'css', 'xml', 'javascript']);
    expect(grammarsFor('console')).toEqual(['shell', 'bash']);
    expect(grammarsFor('brainfudge')).toEqual([]);
  });
});

/** A bit of every language, with HTML that embeds script and style, and JavaScript that embeds HTML. */
const sample = [
  '<div class="a" onclick="go()"><script>const x = `t${1}`; if (x) return "s";</script>',
  '<style>p > a { color: red; }</style><!-- note --></div>',
  'const el = <b>{x}</b>; const q = html`<i>${y}</i>`; const s = css`a { color: red; }`;',
  '$ echo "hi" | grep h # comment',
  '> ls -la',
  'def f(x: int) -> str:',
  '    return f"{x}"  # 주석',
  'key: [1, 2] # yaml',
  'SELECT * FROM t WHERE a = 1;',
  'fn main() { let v: Vec<i32> = vec![]; println!("{}", 1); }',
  '# Title *em* <b>bold</b> [link](https://a.example)',
].join('\n');

describe('a lazily loaded grammar', () => {
  it.each(allNames)('highlights %s as when every grammar was registered', async (alias) => {
    const highlighter = createHighlighter();
    await highlighter.load([alias]);
    expect(highlighter.has(alias)).toBe(true);
    expect(highlighter.highlight(sample, alias)).toBe(
      eager.highlight(sample, { language: alias, ignoreIllegals: true }).value,
    );
  });
});
