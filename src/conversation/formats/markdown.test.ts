import { describe, expect, it } from 'vitest';
import type { GenerationUsage } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { Conversation, Exchange, ExchangeVersion } from '../conversation';
import type { AnswerState } from '../conversation';
import { markInterrupted } from '../interrupted';
import { conversationToMarkdown, type MarkdownLabels } from './markdown';

const usage: GenerationUsage = {
  promptTokens: 30,
  completionTokens: 90,
  prefillTokensPerSecond: 200,
  decodeTokensPerSecond: 15,
  timeToFirstTokenMs: 100,
  totalMs: 6000,
};

const korean: MarkdownLabels = {
  user: '나',
  assistant: '라마',
  exportedAt: '내보낸 때',
  stopped: '(답변을 멈췄습니다)',
  interrupted: '(페이지가 닫혀 답변이 끊겼습니다)',
  failed: '(답변하지 못했습니다)',
};

const complete: AnswerState = { status: 'complete', truncated: false, usage, droppedTurns: 0 };

function version(question: string, answer: string, state: AnswerState, next?: Exchange): ExchangeVersion {
  return {
    id: `${question}|${answer}`,
    question,
    askedAt: 1,
    answer: { content: answer, createdAt: 2, ...state },
    next,
  };
}

function only(id: string, value: ExchangeVersion): Exchange {
  return { id, selected: 0, versions: [value] };
}

function sample(): Conversation {
  const failed = only(
    'x4',
    version('다시 해 줘', '', {
      status: 'failed',
      error: { code: 'device-lost', message: 'The GPU device\nwas lost.' },
    }),
  );
  const interrupted = only('x3', version('계속', '그리고 세 번째로', { status: 'streaming' }, failed));
  const stopped = only(
    'x2',
    version(
      '파이썬으로 보여 줘',
      '예시입니다:\n\n```python\nfor i in range(3):\n    print(i)',
      { status: 'stopped', usage, droppedTurns: 0 },
      interrupted,
    ),
  );
  return markInterrupted({
    id: 'c',
    title: '반복문  설명\n',
    createdAt: 0,
    updatedAt: 0,
    sampling: { ...MODEL_CARD_SAMPLING, seed: 7 },
    first: {
      id: 'x1',
      selected: 1,
      versions: [
        version('반복문이 뭐야?', '이 답은 선택되지 않았습니다.', complete),
        version(
          '반복문이 뭐예요?',
          '**반복문**은 같은 일을 여러 번 하는 코드입니다.\n\n- `for`\n- `while`',
          complete,
          stopped,
        ),
      ],
    },
  });
}

describe('the Markdown export', () => {
  it('writes the selected path with the labels, the answers as they are and notes on the unfinished ones', () => {
    expect(
      conversationToMarkdown(sample(), { labels: korean, exportedAt: Date.UTC(2025, 0, 31, 23, 5) }),
    ).toBe(
      [
        '# 반복문 설명',
        '',
        '내보낸 때: 2025-01-31 23:05 UTC · temperature 1 · top-k 20 · top-p 0.92 · repetition penalty 1.2 · no-repeat n-gram 3 · max new tokens 1024 · seed 7',
        '',
        '## 나',
        '',
        '반복문이 뭐예요?',
        '',
        '## 라마',
        '',
        '**반복문**은 같은 일을 여러 번 하는 코드입니다.',
        '',
        '- `for`',
        '- `while`',
        '',
        '## 나',
        '',
        '파이썬으로 보여 줘',
        '',
        '## 라마',
        '',
        '예시입니다:',
        '',
        '```python',
        'for i in range(3):',
        '    print(i)',
        '```',
        '',
        '> (답변을 멈췄습니다)',
        '',
        '## 나',
        '',
        '계속',
        '',
        '## 라마',
        '',
        '그리고 세 번째로',
        '',
        '> (페이지가 닫혀 답변이 끊겼습니다)',
        '',
        '## 나',
        '',
        '다시 해 줘',
        '',
        '## 라마',
        '',
        '> (답변하지 못했습니다) (device-lost: The GPU device was lost.)',
        '',
      ].join('\n'),
    );
  });

  it('writes English labels and no seed when there is none', () => {
    const english: MarkdownLabels = { ...korean, user: 'You', assistant: 'Llama', exportedAt: 'Exported' };
    const conversation: Conversation = {
      id: 'c',
      title: 'Hi',
      createdAt: 0,
      updatedAt: 0,
      sampling: MODEL_CARD_SAMPLING,
      first: only('x', version('Hello', '안녕하세요!', complete)),
    };
    expect(conversationToMarkdown(conversation, { labels: english, exportedAt: 0 })).toBe(
      '# Hi\n\nExported: 1970-01-01 00:00 UTC · temperature 1 · top-k 20 · top-p 0.92 · repetition penalty 1.2 · ' +
        'no-repeat n-gram 3 · max new tokens 1024\n\n## You\n\nHello\n\n## Llama\n\n안녕하세요!\n',
    );
  });

  it('closes only a fence that is still open', () => {
    const conversation: Conversation = {
      ...sample(),
      first: only('x', version('q', '~~~\ncode\n~~~~\n\n````js\nx\n```\n', complete)),
    };
    const markdown = conversationToMarkdown(conversation, { labels: korean, exportedAt: 0 });
    expect(markdown.endsWith('## 라마\n\n~~~\ncode\n~~~~\n\n````js\nx\n```\n````\n')).toBe(true);
  });

  it('escapes raw HTML in answers, questions and the title, but not in code', () => {
    const html: Conversation = {
      ...sample(),
      title: '<b>제목</b>',
      first: only(
        'h1',
        version(
          '<img src=x onerror=alert(1)> 이건 뭐야?',
          [
            '<script>alert(1)</script> 위험한 글입니다. `<kbd>` 는 코드입니다.',
            '',
            '```html',
            '<p>코드 블록 안은 그대로</p>',
            '```',
            '',
            '<iframe src="https://example.org"></iframe>',
          ].join('\n'),
          complete,
        ),
      ),
    };
    const markdown = conversationToMarkdown(html, { labels: korean, exportedAt: 0 });
    expect(markdown).toContain('# &lt;b>제목&lt;/b>');
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)> 이건 뭐야?');
    expect(markdown).toContain('&lt;script>alert(1)&lt;/script> 위험한 글입니다. `<kbd>` 는 코드입니다.');
    expect(markdown).toContain('```html\n<p>코드 블록 안은 그대로</p>\n```');
    expect(markdown).toContain('&lt;iframe src="https://example.org">&lt;/iframe>');
    expect(markdown).not.toMatch(/<(img|script|iframe|b)\b/);
  });
});
