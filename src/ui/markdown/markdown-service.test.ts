// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { MarkdownRequest, MarkdownResponse } from './markdown-protocol';
import { createMarkdownService } from './markdown-service';
import { renderBlock, parseBlocks } from './render-markdown';
import { sanitizeHtml } from './sanitize-html';

const render = (
  fields: Partial<Extract<MarkdownRequest, { type: 'render' }>> & { source: string; request: number },
): MarkdownRequest => ({ type: 'render', session: 1, copyLabel: '코드 복사', base: 0, ...fields });

function rendered(response: MarkdownResponse | undefined): Extract<MarkdownResponse, { type: 'rendered' }> {
  if (response?.type !== 'rendered') throw new Error(`Expected HTML, got ${JSON.stringify(response)}`);
  return response;
}

describe('the Markdown worker’s service', () => {
  it('renders every block of a text as the page would, before sanitizing', () => {
    const source = '# 제목\n\n본문에 **굵게**.\n\n```js\nconst a = 1;\n```';
    const response = rendered(createMarkdownService().handle(render({ source, request: 1 })));
    expect(response.kept).toBe(0);
    expect(response.blocks.map(({ html }) => sanitizeHtml(html).trim())).toEqual(
      parseBlocks(source).blocks.map((block) => renderBlock(block, { copyLabel: '코드 복사' })),
    );
    expect(response.blocks.map(({ kind }) => kind)).toEqual(['heading', 'paragraph', 'code']);
  });

  it('sends again only the blocks after those the page holds', () => {
    const service = createMarkdownService();
    rendered(service.handle(render({ source: '첫째\n\n둘째\n\n셋', request: 1 })));
    const next = rendered(service.handle(render({ source: '첫째\n\n둘째\n\n셋째', request: 2, base: 1 })));
    expect(next.kept).toBe(2);
    expect(next.blocks).toEqual([{ html: '<p>셋째</p>\n', kind: 'paragraph' }]);
  });

  it('sends every block when the page holds another answer than its last', () => {
    const service = createMarkdownService();
    rendered(service.handle(render({ source: '첫째\n\n둘째', request: 1 })));
    rendered(service.handle(render({ source: '첫째\n\n둘째\n\n셋', request: 2, base: 1 })));
    // The page never got answer 2 (a new worker, a view opened again): it builds on nothing.
    const again = rendered(service.handle(render({ source: '첫째\n\n둘째\n\n셋째', request: 3, base: 0 })));
    expect(again.kept).toBe(0);
    expect(again.blocks).toHaveLength(3);
  });

  it('renders every block again when the copy label changes', () => {
    const service = createMarkdownService();
    rendered(service.handle(render({ source: '```\na\n```', request: 1 })));
    const english = rendered(
      service.handle(render({ source: '```\na\n```', request: 2, base: 1, copyLabel: 'Copy code' })),
    );
    expect(english.kept).toBe(0);
    expect(english.blocks[0]?.html).toContain('Copy code');
  });

  it('answers a text marked cannot lex with a failure instead of throwing', () => {
    const service = createMarkdownService();
    const response = service.handle(render({ source: `${'>'.repeat(5_000)} 인용`, request: 1 }));
    expect(response).toMatchObject({ type: 'failed', session: 1, request: 1 });
    expect(response?.type === 'failed' && response.message).toMatch(/call stack/);
    // The session starts over and still works.
    expect(rendered(service.handle(render({ source: '괜찮은 글', request: 2, base: 1 }))).kept).toBe(0);
  });

  it('forgets a closed session', () => {
    const service = createMarkdownService();
    rendered(service.handle(render({ source: '하나\n\n둘', request: 1 })));
    expect(service.handle({ type: 'close', session: 1 })).toBeUndefined();
    expect(rendered(service.handle(render({ source: '하나\n\n둘!', request: 2, base: 1 }))).kept).toBe(0);
  });
});
