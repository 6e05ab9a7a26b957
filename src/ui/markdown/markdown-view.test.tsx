// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withUi } from '../../test/with-ui';
import { inProcessMarkdownWorker } from '../../test/in-process-markdown';
import { createMarkdownClient, MARKDOWN_DEADLINE_MS } from './markdown-client';
import { MarkdownView } from './markdown-view';
import { sanitizeFragment } from './sanitize-html';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const withI18n = (children: ReactNode, locale: 'ko' | 'en' = 'ko'): ReactNode => withUi(children, { locale });

/** Lets the Markdown worker (run in-process, its messages a microtask apart) answer, and React show it. */
const settle = (): Promise<void> =>
  act(async () => {
    for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
  });

/** Pieces of three code points, as the scripted engine streams an `/echo` answer. */
const pieces = (text: string): string[] => {
  const points = Array.from(text);
  return Array.from({ length: Math.ceil(points.length / 3) }, (_, index) =>
    points.slice(index * 3, index * 3 + 3).join(''),
  );
};

const answer = [
  '## 파이썬으로 합계 구하기',
  '',
  '리스트의 합은 `sum`으로 구합니다. 자세한 내용은 [문서](https://docs.python.org/ko/3/)를 보세요.',
  '',
  '- 빈 리스트의 합은 0입니다.',
  '- 실수도 더할 수 있습니다.',
  '',
  '```python',
  'numbers = [1, 2, 3]',
  'print(sum(numbers))  # 6',
  '```',
  '',
  '| 입력 | 결과 |',
  '| --- | ---: |',
  '| [1, 2, 3] | 6 |',
  '',
  '> 참고: 문자열은 `join`을 씁니다.',
  '',
  '끝입니다.',
].join('\n');

describe('MarkdownView', () => {
  it('puts only the growing last block on the page again as an answer streams in', async () => {
    let text = '';
    const view = render(withI18n(<MarkdownView text={text} streaming />));
    const root = view.container.querySelector('.markdown');
    // Which blocks (by position) each step writes: the observer sees every block put in or changed.
    const writes = new Map<number, number>();
    let written: number[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const changed = record.target instanceof Element && record.target.classList.contains('md-block');
        const blocks = changed ? [record.target] : [...record.addedNodes];
        for (const block of blocks) {
          if (!(block instanceof Element) || !block.classList.contains('md-block')) continue;
          const index = [...(block.parentElement?.children ?? [])].indexOf(block);
          writes.set(index, (writes.get(index) ?? 0) + 1);
          written.push(index);
        }
      }
    });
    observer.observe(view.container, { subtree: true, childList: true });
    const tokens = pieces(answer);
    for (const piece of tokens) {
      text += piece;
      written = [];
      view.rerender(withI18n(<MarkdownView text={text} streaming />));
      await settle();
      await Promise.resolve();
      const count = root?.querySelectorAll('.md-block').length ?? 0;
      // The last block grows; the one before it is written once more when a blank line closes it.
      for (const index of written) expect(index).toBeGreaterThanOrEqual(count - 2);
    }
    observer.disconnect();
    const blocks = root?.querySelectorAll('.md-block').length ?? 0;
    expect(blocks).toBe(7);
    const total = [...writes.values()].reduce((sum, count) => sum + count, 0);
    // Writing everything again would cost about blocks × tokens / 2 block writes.
    expect(total).toBeLessThan(tokens.length + 2 * blocks);
    // The heading took five pieces; it was written for those and not once after.
    expect(writes.get(0)).toBeLessThanOrEqual(6);
  }, 20_000);

  it('ends with the same DOM as rendering the finished answer at once', async () => {
    let text = '';
    const view = render(withI18n(<MarkdownView text={text} streaming />));
    for (const piece of pieces(answer)) {
      text += piece;
      view.rerender(withI18n(<MarkdownView text={text} streaming />));
      await settle();
    }
    view.rerender(withI18n(<MarkdownView text={text} />));
    await settle();
    const streamed = view.container.innerHTML;
    cleanup();
    const once = render(withI18n(<MarkdownView text={answer} />));
    await settle();
    expect(streamed).toBe(once.container.innerHTML);
    expect(once.container.querySelectorAll('.code-block')).toHaveLength(1);
  }, 20_000);

  it('keeps blocks in chunks of eight, in order, and takes out what a shorter text no longer has', async () => {
    const long = Array.from({ length: 19 }, (_, index) => `문단 ${index + 1}`).join('\n\n');
    const view = render(withI18n(<MarkdownView text={long} />));
    await settle();
    const chunks = (): string[][] =>
      [...view.container.querySelectorAll('.md-chunk')].map((chunk) =>
        [...chunk.children].map((block) => block.textContent),
      );
    expect(chunks().map((chunk) => chunk.length)).toEqual([8, 8, 3]);
    expect(chunks().flat()).toEqual(Array.from({ length: 19 }, (_, index) => `문단 ${index + 1}`));
    view.rerender(withI18n(<MarkdownView text={'문단 1\n\n다른 문단'} />));
    await settle();
    expect(chunks()).toEqual([['문단 1', '다른 문단']]);
  });

  it('shows an unterminated fence as a code block in progress, never as a paragraph of backticks', async () => {
    const source = '예시입니다:\n\n```js\nconst 인사 = "안녕";\nconsole.log(인사);\n';
    let text = '';
    const view = render(withI18n(<MarkdownView text={text} streaming />));
    const root = view.container.querySelector('.markdown');
    for (const piece of pieces(source)) {
      text += piece;
      view.rerender(withI18n(<MarkdownView text={text} streaming />));
      await settle();
      for (const paragraph of root?.querySelectorAll('p') ?? [])
        expect(paragraph.textContent).not.toContain('`');
      if (text.includes('```js\n')) expect(root?.querySelector('.code-block pre code')).not.toBeNull();
    }
    expect(root?.querySelector('.code-block code')?.textContent).toBe(
      'const 인사 = "안녕";\nconsole.log(인사);',
    );
    expect(root?.querySelector('.code-language')?.textContent).toBe('js');
    expect(root?.hasAttribute('data-streaming')).toBe(true);
  });

  it('shows the text of a plain answer unchanged', async () => {
    const text = '줄바꿈도\n그대로 🙂 ### 응답: <b>굵게</b>  끝';
    const view = render(withI18n(<MarkdownView text={text} />));
    await settle();
    expect(view.container.querySelector('.markdown')?.textContent).toBe(text);
    expect(view.container.querySelector('b')).toBeNull();
  });

  it('copies a code block, says so, and goes back to its label', async () => {
    vi.useFakeTimers();
    const writeText = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(withI18n(<MarkdownView text={'```bash\nnpm start\n```\n\n```\n둘째\n```'} />));
    await settle();
    const buttons = screen.getAllByRole('button', { name: '코드 복사' });
    expect(buttons).toHaveLength(2);
    await act(async () => {
      fireEvent.click(buttons[1] as HTMLElement);
      await Promise.resolve();
    });
    expect(writeText).toHaveBeenCalledWith('둘째');
    expect(buttons[1]?.textContent).toBe('복사됨');
    expect(screen.getByRole('status').textContent).toBe('복사됨');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(buttons[1]?.textContent).toBe('코드 복사');
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('says so when the clipboard refuses, and speaks English when the settings say so', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new Error('denied')) },
      configurable: true,
    });
    render(withI18n(<MarkdownView text={'```\nx\n```'} />, 'en'));
    await settle();
    const button = screen.getByRole('button', { name: 'Copy code' });
    await act(async () => {
      fireEvent.click(button);
      await Promise.resolve();
    });
    expect(button.textContent).toBe('Could not copy: the code is selected, copy it yourself.');
    expect(screen.getByRole('status').textContent).toBe(
      'Could not copy: the code is selected, copy it yourself.',
    );
    expect(window.getSelection()?.toString()).toBe('x');
  });

  it('shows a text marked cannot read as plain text, and says why', async () => {
    const text = `${'>'.repeat(5_000)} 깊은 인용`;
    const view = render(withI18n(<MarkdownView text={text} testId="answer" />));
    await settle();
    expect(screen.getByText('이 답변의 서식을 읽지 못해 일반 텍스트로 보여 줍니다.')).toBeTruthy();
    expect(
      text.startsWith(screen.getByTestId('answer').querySelector('p')?.textContent.replace(/…$/, '') ?? '-'),
    ).toBe(true);
    expect(view.container.querySelector('.md-block')).toBeNull();
  });

  it('shows a text the worker takes too long on as plain text, and says why', async () => {
    vi.useFakeTimers();
    const stuck = createMarkdownClient({
      spawn: () => inProcessMarkdownWorker({ answer: false }),
      sanitize: sanitizeFragment,
    });
    render(withUi(<MarkdownView text="**굵게**" testId="answer" />, { markdown: stuck }));
    await settle();
    expect(screen.getByTestId('answer').textContent).toBe('**굵게**');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(MARKDOWN_DEADLINE_MS);
    });
    expect(
      screen.getByText('이 답변은 서식을 입히는 데 너무 오래 걸려 일반 텍스트로 보여 줍니다.'),
    ).toBeTruthy();
    expect(screen.getByTestId('answer').textContent).toBe('**굵게**');
  });
});
