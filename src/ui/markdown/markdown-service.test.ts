// @vitest-environment jsdom
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GRAMMARS, type GrammarName } from './highlight-languages';
import { createHighlighter, type HighlightImports } from './highlighter';
import type { MarkdownRequest, MarkdownResponse } from './markdown-protocol';
import { createMarkdownService, serveMarkdown } from './markdown-service';
import { loadAllLanguages, parseBlocks, renderBlock } from './render-markdown';
import { prepareSanitizer, sanitizeHtml } from './sanitize-html';

// jsdom has no sanitizer of its own: DOMPurify, as in a browser without one.
beforeAll(() => prepareSanitizer());

const render = (
  fields: Partial<Extract<MarkdownRequest, { type: 'render' }>> & { source: string; request: number },
): MarkdownRequest => ({ type: 'render', session: 1, copyLabel: '코드 복사', base: 0, ...fields });

function toDom(html: string): HTMLDivElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

function rendered(response: MarkdownResponse | undefined): Extract<MarkdownResponse, { type: 'rendered' }> {
  if (response?.type !== 'rendered') throw new Error(`Expected HTML, got ${JSON.stringify(response)}`);
  return response;
}

describe('the Markdown worker’s service', () => {
  beforeAll(loadAllLanguages);

  it('renders every block of a text as the page would, before sanitizing', async () => {
    const source = '# 제목\n\n본문에 **굵게**.\n\n```js\nconst a = 1;\n```';
    const response = rendered(await createMarkdownService().handle(render({ source, request: 1 })));
    expect(response.kept).toBe(0);
    expect(response.blocks.map(({ html }) => sanitizeHtml(html).trim())).toEqual(
      parseBlocks(source).blocks.map((block) => renderBlock(block, { copyLabel: '코드 복사' })),
    );
    expect(response.blocks.map(({ kind }) => kind)).toEqual(['heading', 'paragraph', 'code']);
  });

  it('sends again only the blocks after those the page holds', async () => {
    const service = createMarkdownService();
    rendered(await service.handle(render({ source: '첫째\n\n둘째\n\n셋', request: 1 })));
    const next = rendered(
      await service.handle(render({ source: '첫째\n\n둘째\n\n셋째', request: 2, base: 1 })),
    );
    expect(next.kept).toBe(2);
    expect(next.blocks).toEqual([{ html: '<p>셋째</p>\n', kind: 'paragraph' }]);
  });

  it('sends every block when the page holds another answer than its last', async () => {
    const service = createMarkdownService();
    rendered(await service.handle(render({ source: '첫째\n\n둘째', request: 1 })));
    rendered(await service.handle(render({ source: '첫째\n\n둘째\n\n셋', request: 2, base: 1 })));
    // The page never got answer 2 (a new worker, a view opened again): it builds on nothing.
    const again = rendered(
      await service.handle(render({ source: '첫째\n\n둘째\n\n셋째', request: 3, base: 0 })),
    );
    expect(again.kept).toBe(0);
    expect(again.blocks).toHaveLength(3);
  });

  it('renders every block again when the copy label changes', async () => {
    const service = createMarkdownService();
    rendered(await service.handle(render({ source: '```\na\n```', request: 1 })));
    const english = rendered(
      await service.handle(render({ source: '```\na\n```', request: 2, base: 1, copyLabel: 'Copy code' })),
    );
    expect(english.kept).toBe(0);
    expect(english.blocks[0]?.html).toContain('Copy code');
  });

  it('answers a text marked cannot lex with a failure instead of throwing', async () => {
    const service = createMarkdownService();
    const response = await service.handle(render({ source: `${'>'.repeat(5_000)} 인용`, request: 1 }));
    expect(response).toMatchObject({ type: 'failed', session: 1, request: 1 });
    expect(response?.type === 'failed' && response.message).toMatch(/call stack/);
    // The session starts over and still works.
    expect(rendered(await service.handle(render({ source: '괜찮은 글', request: 2, base: 1 }))).kept).toBe(0);
  });

  it('forgets a closed session', async () => {
    const service = createMarkdownService();
    rendered(await service.handle(render({ source: '하나\n\n둘', request: 1 })));
    expect(await service.handle({ type: 'close', session: 1 })).toBeUndefined();
    expect(rendered(await service.handle(render({ source: '하나\n\n둘!', request: 2, base: 1 }))).kept).toBe(
      0,
    );
  });
});

/** The real chunks, with the names asked for recorded, a grammar that cannot be fetched, or one held back. */
function imports({ failing = [], held }: { failing?: GrammarName[]; held?: Promise<void> } = {}) {
  const asked: string[] = [];
  const highlightImports: HighlightImports = {
    core: async () => {
      asked.push('core');
      return (await import('highlight.js/lib/core')).default.newInstance();
    },
    grammar: async (name) => {
      asked.push(name);
      await held;
      if (failing.includes(name)) throw new TypeError('Failed to fetch dynamically imported module');
      return (await GRAMMARS[name].load()).default;
    },
  };
  return { asked, highlighter: createHighlighter(highlightImports) };
}

describe('the grammars the service loads', () => {
  it('loads neither highlight.js nor any grammar for a text without code', async () => {
    const { asked, highlighter } = imports();
    const service = createMarkdownService(highlighter);
    const response = rendered(
      await service.handle(render({ source: '# 제목\n\n`인라인`과 ```펜스 아닌 글```.', request: 1 })),
    );
    expect(response.blocks).toHaveLength(2);
    expect(asked).toEqual([]);
  });

  it('loads highlight.js and only Python for a Python block, in a list too, once', async () => {
    const { asked, highlighter } = imports();
    const service = createMarkdownService(highlighter);
    const source = '- 예:\n\n  ```py\n  def f(): pass\n  ```\n\n```brainfudge\n+\n```';
    const first = rendered(await service.handle(render({ source, request: 1 })));
    expect(asked.sort()).toEqual(['core', 'python']);
    expect(first.blocks[0]?.html).toContain(
      '<code class="hljs language-py"><span class="hljs-keyword">def</span>',
    );
    rendered(
      await service.handle(render({ source: `${source}\n\n\`\`\`python\nx = 1\n\`\`\``, request: 2 })),
    );
    expect(asked).toHaveLength(2);
  });

  it('shows code plain when its grammar cannot be fetched, and does not ask again', async () => {
    const { asked, highlighter } = imports({ failing: ['python'] });
    const service = createMarkdownService(highlighter);
    const source = '```python\nif a < b: pass\n```\n\n```json\n{"a": 1}\n```';
    const response = rendered(await service.handle(render({ source, request: 1 })));
    const [python, json] = response.blocks.map(({ html }) => toDom(sanitizeHtml(html)));
    expect(python?.querySelector('code')?.hasAttribute('class')).toBe(false);
    expect(python?.querySelector('code')?.innerHTML).toBe('if a &lt; b: pass');
    expect(python?.querySelector('.code-language')?.textContent).toBe('python');
    expect(json?.querySelector('code')?.className).toBe('hljs language-json');
    rendered(await service.handle(render({ source: `${source}\n\n\`\`\`py\nx\n\`\`\``, request: 2 })));
    expect(asked.filter((name) => name === 'python')).toHaveLength(1);
  });

  it('shows all code plain when highlight.js itself cannot be fetched', async () => {
    const highlighter = createHighlighter({
      core: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
      grammar: async (name) => (await GRAMMARS[name].load()).default,
    });
    const service = createMarkdownService(highlighter);
    const response = rendered(await service.handle(render({ source: '```js\nlet a;\n```', request: 1 })));
    expect(response.blocks[0]?.html).toContain('<code>let a;</code>');
  });

  it('answers in the order asked while a grammar loads, building each answer on the one before', async () => {
    let release = (): void => undefined;
    const { highlighter } = imports({ held: new Promise<void>((resolve) => (release = resolve)) });
    const service = createMarkdownService(highlighter);
    const answered: number[] = [];
    const first = service.handle(render({ source: '글\n\n```rust\nfn a() {}\n```', request: 1 }));
    const second = service.handle(
      render({ source: '글\n\n```rust\nfn a() {}\n```\n\n끝', request: 2, base: 1 }),
    );
    const third = service.handle(render({ source: '다른 글', request: 3, session: 2 }));
    for (const [index, response] of [first, second, third].entries()) {
      void response.then(() => answered.push(index + 1));
    }
    await Promise.resolve();
    expect(answered).toEqual([]);
    release();
    const [one, two] = await Promise.all([first, second, third]);
    expect(answered).toEqual([1, 2, 3]);
    expect(rendered(one).blocks[1]?.html).toContain('hljs language-rust');
    expect(rendered(two).kept).toBe(2);
    expect(rendered(two).blocks).toEqual([{ html: '<p>끝</p>\n', kind: 'paragraph' }]);
  });

  it('posts the worker’s answers in the order of the requests', async () => {
    let release = (): void => undefined;
    const { highlighter } = imports({ held: new Promise<void>((resolve) => (release = resolve)) });
    const posted: MarkdownResponse[] = [];
    let listener: ((event: MessageEvent) => void) | undefined;
    const stop = serveMarkdown(
      {
        postMessage: (message) => posted.push(message as MarkdownResponse),
        addEventListener: (_type, added) => (listener = added),
        removeEventListener: () => (listener = undefined),
      },
      highlighter,
    );
    const send = (request: MarkdownRequest): void => listener?.({ data: request } as MessageEvent);
    send(render({ source: '```go\nfunc main() {}\n```', request: 1 }));
    send(render({ source: '코드 없음', request: 2, session: 2 }));
    send({ type: 'close', session: 1 });
    send(render({ source: '```go\nfunc main() {}\n```', request: 3, base: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(posted).toEqual([]);
    release();
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    expect(posted.map(({ request }) => request)).toEqual([1, 2, 3]);
    // The session was closed between: the third answer builds on nothing.
    expect(rendered(posted[2]).kept).toBe(0);
    stop();
  });
});
