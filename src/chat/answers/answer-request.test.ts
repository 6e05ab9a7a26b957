import { describe, expect, it } from 'vitest';
import { activePath } from '../../conversation/conversation';
import { conversationOf, usage, version } from '../../test/conversations';
import { pendingVersion, placeQuestion, titleFrom, turnsBefore } from './answer-request';

const empty = conversationOf('c', []);

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
    const conversation = [version('v1', '하나'), version('v2', '둘')].reduce(
      (placed, asked, depth) =>
        placeQuestion(placed, {
          depth,
          version: asked,
          placement: 'new-exchange',
          newExchangeId: () => `e${depth}`,
        }),
      empty,
    );
    expect(activePath(conversation).map(({ exchange, version }) => [exchange.id, version.question])).toEqual([
      ['e0', '하나'],
      ['e1', '둘'],
    ]);
  });

  it('adds a new version of the exchange at a depth, selected, keeping the old one', () => {
    const conversation = placeQuestion(conversationOf('c', [version('v1', '하나')]), {
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
    const conversation = conversationOf('c', [
      { ...version('v1', '하나', '일'), tokens },
      version('v2', '둘', '이'),
      version('v3', '셋', '삼'),
    ]);
    expect(turnsBefore(conversation, 2)).toEqual([
      { role: 'user', content: '하나' },
      { role: 'assistant', content: '일', tokens },
      { role: 'user', content: '둘' },
      { role: 'assistant', content: '이' },
    ]);
    expect(turnsBefore(conversation, 0)).toEqual([]);
  });

  it('leave out a failed exchange, and keep a stopped one', () => {
    const conversation = conversationOf('c', [
      version('v1', '하나', '', { status: 'failed', error: { code: 'unknown', message: 'x' } }),
      version('v2', '둘', '이', { status: 'stopped', usage, droppedTurns: 0 }),
    ]);
    expect(turnsBefore(conversation, 2)).toEqual([
      { role: 'user', content: '둘' },
      { role: 'assistant', content: '이' },
    ]);
  });
});
