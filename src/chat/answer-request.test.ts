import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { activePath, type Conversation, type ExchangeVersion } from '../conversation/conversation';
import { pendingVersion, placeQuestion, titleFrom, turnsBefore } from './answer-request';

const empty: Conversation = {
  id: 'c',
  title: '',
  createdAt: 0,
  updatedAt: 0,
  sampling: MODEL_CARD_SAMPLING,
  first: undefined,
};

const usage = {
  promptTokens: 1,
  completionTokens: 1,
  prefillTokensPerSecond: 0,
  decodeTokensPerSecond: 0,
  timeToFirstTokenMs: 0,
  totalMs: 0,
};

function answered(id: string, question: string, answer: Partial<ExchangeVersion['answer']> = {}) {
  const version = pendingVersion(id, question, 1);
  return {
    ...version,
    answer: { ...version.answer, status: 'complete', truncated: false, usage, droppedTurns: 0, ...answer },
  } as ExchangeVersion;
}

/** A conversation whose path asks `versions` in turn, each a new exchange. */
function asked(...versions: ExchangeVersion[]): Conversation {
  return versions.reduce(
    (conversation, version, depth) =>
      placeQuestion(conversation, {
        depth,
        version,
        placement: 'new-exchange',
        newExchangeId: () => `e${depth}`,
      }),
    empty,
  );
}

describe('the title a first question gives', () => {
  it('is its first line, trimmed', () => {
    expect(titleFrom('  첫 줄입니다\n둘째 줄')).toBe('첫 줄입니다');
  });

  it('is cut at 40 characters, counted as the user sees them', () => {
    const long = '가'.repeat(39) + '😀' + '나다';
    expect(titleFrom(long)).toBe(`${'가'.repeat(39)}😀…`);
    expect(titleFrom('가'.repeat(40))).toBe('가'.repeat(40));
  });
});

describe('placing a question', () => {
  it('adds a new exchange after the path, with the id it is given', () => {
    const conversation = asked(answered('v1', '하나'), answered('v2', '둘'));
    expect(activePath(conversation).map(({ exchange, version }) => [exchange.id, version.question])).toEqual([
      ['e0', '하나'],
      ['e1', '둘'],
    ]);
  });

  it('adds a new version of the exchange at a depth, selected, keeping the old one', () => {
    const conversation = placeQuestion(asked(answered('v1', '하나')), {
      depth: 0,
      version: pendingVersion('v2', '다시 하나', 2),
      placement: 'new-version',
      newExchangeId: () => {
        throw new Error('a new version makes no exchange');
      },
    });
    expect(conversation.first?.versions.map(({ id }) => id)).toEqual(['v1', 'v2']);
    expect(conversation.first?.selected).toBe(1);
  });

  it('gives the title only when asked to', () => {
    const version = pendingVersion('v1', '질문', 1);
    const place = { depth: 0, version, placement: 'new-exchange', newExchangeId: () => 'e' } as const;
    expect(placeQuestion(empty, place).title).toBe('');
    expect(placeQuestion(empty, { ...place, title: '질문' }).title).toBe('질문');
  });
});

describe('the turns an answer is asked from', () => {
  it('are the exchanges above its depth, each answer with the ids of its version', () => {
    const tokens = { promptIds: [1], answerIds: [2, 3] };
    const conversation = asked(
      { ...answered('v1', '하나', { content: '일' }), tokens },
      answered('v2', '둘', { content: '이' }),
      answered('v3', '셋', { content: '삼' }),
    );
    expect(turnsBefore(conversation, 2)).toEqual([
      { role: 'user', content: '하나' },
      { role: 'assistant', content: '일', tokens },
      { role: 'user', content: '둘' },
      { role: 'assistant', content: '이' },
    ]);
    expect(turnsBefore(conversation, 0)).toEqual([]);
  });

  it('leave out a failed exchange, and keep a stopped one', () => {
    const conversation = asked(
      answered('v1', '하나', { status: 'failed', error: { code: 'unknown', message: 'x' } }),
      answered('v2', '둘', { content: '이', status: 'stopped' }),
    );
    expect(turnsBefore(conversation, 2)).toEqual([
      { role: 'user', content: '둘' },
      { role: 'assistant', content: '이' },
    ]);
  });
});
