// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inProcessMarkdownWorker } from '../../test/in-process-markdown';
import { createMarkdownClient, MARKDOWN_DEADLINE_MS, type MarkdownResult } from './markdown-client';
import type { MarkdownRequest, MarkdownResponse } from './markdown-protocol';
import { prepareSanitizer, sanitizeHtml } from './sanitize-html';

// jsdom has no sanitizer of its own: DOMPurify, as in a browser without one.
beforeAll(() => prepareSanitizer());

/** Sanitized HTML as a string: what a block holds is the client's caller's choice. */
const sanitize = (html: string): string => sanitizeHtml(html).trim();

afterEach(() => {
  vi.useRealTimers();
});

const flush = async (): Promise<void> => {
  for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
};

function results(): {
  list: MarkdownResult<string>[];
  onResult: (result: MarkdownResult<string>) => void;
} {
  const list: MarkdownResult<string>[] = [];
  return { list, onResult: (result) => list.push(result) };
}

describe('createMarkdownClient', () => {
  it('keeps one request out per view: texts that arrive meanwhile give way to the latest', async () => {
    const workers: ReturnType<typeof inProcessMarkdownWorker>[] = [];
    const client = createMarkdownClient({
      spawn: () => {
        const worker = inProcessMarkdownWorker();
        workers.push(worker);
        return worker;
      },
      sanitize,
    });
    const { list, onResult } = results();
    const session = client.open(onResult);
    session.render('하나', '복사');
    session.render('하나 둘', '복사');
    session.render('하나 둘 셋', '복사');
    await flush();
    expect(workers).toHaveLength(1);
    expect(workers[0]?.requests.map((request) => request.type === 'render' && request.source)).toEqual([
      '하나',
      '하나 둘 셋',
    ]);
    expect(list.at(-1)).toEqual({
      kind: 'rendered',
      blocks: [{ content: '<p>하나 둘 셋</p>', kind: 'paragraph' }],
    });
  });

  it('builds each answer on the blocks it already holds', async () => {
    const client = createMarkdownClient({ spawn: () => inProcessMarkdownWorker(), sanitize });
    const { list, onResult } = results();
    const session = client.open(onResult);
    session.render('# 제목\n\n첫 문단', '복사');
    await flush();
    session.render('# 제목\n\n첫 문단\n\n둘째 문단', '복사');
    await flush();
    const [first, second] = list;
    expect(second).toEqual({
      kind: 'rendered',
      blocks: [
        { content: '<h1>제목</h1>', kind: 'heading' },
        { content: '<p>첫 문단</p>', kind: 'paragraph' },
        { content: '<p>둘째 문단</p>', kind: 'paragraph' },
      ],
    });
    // The unchanged heading is the very block shown before, so it is not put on the page again.
    expect(
      first?.kind === 'rendered' && second?.kind === 'rendered' && first.blocks[0] === second.blocks[0],
    ).toBe(true);
  });

  it('shows a text the worker is stuck on as plain, and gives the other views a new worker', async () => {
    vi.useFakeTimers();
    const stuck = inProcessMarkdownWorker({ answer: false });
    const spares = [stuck, inProcessMarkdownWorker()];
    const client = createMarkdownClient({
      spawn: () => spares.shift() ?? inProcessMarkdownWorker(),
      sanitize,
    });
    const slow = results();
    const other = results();
    client.open(slow.onResult).render('[['.repeat(10_000), '복사');
    client.open(other.onResult).render('다른 답변', '복사');
    await flush();
    expect(slow.list).toEqual([]);

    await vi.advanceTimersByTimeAsync(MARKDOWN_DEADLINE_MS);
    expect(stuck.terminated()).toBe(true);
    expect(slow.list).toEqual([{ kind: 'plain', reason: 'too-slow' }]);
    await flush();
    expect(other.list).toEqual([
      { kind: 'rendered', blocks: [{ content: '<p>다른 답변</p>', kind: 'paragraph' }] },
    ]);
  });

  it('shows text plain when no worker can start, or the worker dies', () => {
    const none = createMarkdownClient({
      spawn: () => {
        throw new Error('Workers are not allowed here.');
      },
      sanitize,
    });
    const refused = results();
    none.open(refused.onResult).render('글', '복사');
    expect(refused.list).toEqual([{ kind: 'plain', reason: 'unavailable' }]);

    let crash = (): void => undefined;
    const dying = createMarkdownClient({
      spawn: (onCrash) => {
        crash = onCrash;
        return inProcessMarkdownWorker({ answer: false });
      },
      sanitize,
    });
    const lost = results();
    dying.open(lost.onResult).render('글', '복사');
    crash();
    expect(lost.list).toEqual([{ kind: 'plain', reason: 'unavailable' }]);
  });

  it('sanitizes what the worker sends', async () => {
    let listener: ((event: MessageEvent) => void) | undefined;
    // A worker that misbehaves: the page must not trust its HTML.
    const client = createMarkdownClient({
      spawn: () => ({
        postMessage(message) {
          const request = message as MarkdownRequest;
          if (request.type !== 'render') return;
          const data: MarkdownResponse = {
            type: 'rendered',
            session: request.session,
            request: request.request,
            kept: 0,
            blocks: [
              { html: '<p>글</p><img src=x onerror=alert(1)><script>alert(2)</script>', kind: 'paragraph' },
            ],
          };
          queueMicrotask(() => listener?.({ data } as MessageEvent));
        },
        addEventListener: (_type, added) => {
          listener = added;
        },
        removeEventListener: () => {
          listener = undefined;
        },
        terminate: () => undefined,
      }),
      sanitize,
    });
    const { list, onResult } = results();
    client.open(onResult).render('글', '복사');
    await flush();
    expect(list).toEqual([{ kind: 'rendered', blocks: [{ content: '<p>글</p>', kind: 'paragraph' }] }]);
  });
});
