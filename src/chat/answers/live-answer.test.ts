import { describe, expect, it } from 'vitest';
import type { ExchangeTokens } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { findVersion, type Conversation, type ExchangeVersion } from '../../conversation/conversation';
import { withLiveAnswer } from './live-answer';

describe('the ids sent back with each earlier answer', () => {
  it('of an answer this tab is writing are its own when another tab’s change is read, never the stored copy’s', () => {
    const version = (tokens?: ExchangeTokens) => ({
      id: 'live',
      question: '질문',
      askedAt: 1,
      answer: { content: '이 탭에서 쓰는 중', createdAt: 2, status: 'streaming' as const },
      ...(tokens ? { tokens } : {}),
      next: undefined,
    });
    const conversation = (tokens?: ExchangeTokens): Conversation => ({
      id: 'c',
      title: '',
      createdAt: 0,
      updatedAt: 0,
      sampling: MODEL_CARD_SAMPLING,
      first: { id: 'e', versions: [version(tokens)], selected: 0 },
    });
    const stale = { promptIds: [1, 2, 3], answerIds: [4, 5] };
    const shown = withLiveAnswer(conversation(stale), conversation(), {
      conversationId: 'c',
      versionId: 'live',
    });
    expect(shown && findVersion(shown, 'live')).toEqual(version());
  });
});

describe('another tab’s copy of the conversation, with this tab’s answer in progress', () => {
  const answer = (content: string) => ({ content, createdAt: 2, status: 'streaming' as const });
  const version = (id: string, content: string): ExchangeVersion => ({
    id,
    question: '질문',
    askedAt: 1,
    answer: answer(content),
    next: undefined,
  });
  const conversation = (id: string, ...versions: ExchangeVersion[]): Conversation => ({
    id,
    title: '',
    createdAt: 0,
    updatedAt: 0,
    sampling: MODEL_CARD_SAMPLING,
    first: { id: 'e', versions, selected: 0 },
  });
  const live = { conversationId: 'c', versionId: 'live' };

  it('is the fresh copy as it is when no answer is being written, or one in another conversation', () => {
    const fresh = conversation('c', version('live', '저장된 글'));
    expect(withLiveAnswer(fresh, conversation('c'), undefined)).toBe(fresh);
    expect(withLiveAnswer(fresh, conversation('c'), { ...live, conversationId: 'other' })).toBe(fresh);
  });

  it('shows the answer as this tab has it, and selects its version', () => {
    const fresh = conversation('c', version('live', '저장된'), version('other', '다른 탭의 답'));
    const shown = withLiveAnswer(
      { ...fresh, first: fresh.first && { ...fresh.first, selected: 1 } },
      conversation('c', version('live', '저장된 글보다 긴 글')),
      live,
    );
    expect(shown?.first?.selected).toBe(0);
    expect(shown && findVersion(shown, 'live')?.answer).toEqual(answer('저장된 글보다 긴 글'));
    expect(shown && findVersion(shown, 'other')?.answer).toEqual(answer('다른 탭의 답'));
  });

  it('is nothing to show while the fresh copy lacks the version being written', () => {
    const shown = conversation('c', version('live', '쓰는 중'));
    expect(withLiveAnswer(conversation('c', version('other', '다른 글')), shown, live)).toBeUndefined();
  });
});
