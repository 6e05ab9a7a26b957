import { describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/chat-engine';
import type { EngineErrorInfo, GenerationResult } from '../../engine/protocol';
import { activePath, type Conversation } from '../../conversation/conversation';
import { conversationOf, usage, version } from '../../test/conversations';
import {
  failedOutcome,
  outcomeOf,
  settleAnswer,
  withoutVersion,
  withSettledAnswer,
  type AnswerOutcome,
  type SettleEffects,
} from './answer-settle';
import type { ChatStatus } from '../types';

const tokens = { promptIds: [1, 2, 3], answerIds: [4, 5] };
const result = (finishReason: GenerationResult['finishReason']): GenerationResult => ({
  finishReason,
  usage,
  droppedTurns: 1,
  tokens,
});

/** A conversation titled `title` whose first exchange has the versions `ids`, the last one selected. */
function withVersions(title: string, ...ids: string[]): Conversation {
  const versions = ids.map((id) => ({
    ...version(id, `질문 ${id}`),
    answer: { content: '지금까지', createdAt: 1, status: 'streaming' as const },
  }));
  const conversation = conversationOf('c', versions.slice(0, 1), { title });
  return {
    ...conversation,
    first: conversation.first && { ...conversation.first, versions, selected: versions.length - 1 },
  };
}

describe('the outcome of an answer', () => {
  it('is complete when the model ended it, truncated when the token limit did, with the ids reported', () => {
    expect(outcomeOf(result('stop'))).toEqual({
      answer: { status: 'complete', truncated: false, usage, droppedTurns: 1 },
      tokens,
    });
    expect(outcomeOf(result('length')).answer).toMatchObject({ status: 'complete', truncated: true });
  });

  it('is stopped when the signal ended it', () => {
    expect(outcomeOf(result('aborted'))).toEqual({
      answer: { status: 'stopped', usage, droppedTurns: 1 },
      tokens,
    });
  });

  it('keeps no ids that a request could not carry back', () => {
    const odd = { ...result('stop'), tokens: { promptIds: [1.5], answerIds: [] } };
    expect(outcomeOf(odd).tokens).toBeUndefined();
  });

  it('is failed, with the error’s code, when the engine failed', () => {
    expect(failedOutcome(new EngineError('device-lost', '장치를 잃었습니다'))).toEqual({
      answer: { status: 'failed', error: { code: 'device-lost', message: '장치를 잃었습니다' } },
      tokens: undefined,
    });
  });
});

describe('taking a version back', () => {
  it('removes the exchange it added, and the title it gave', () => {
    const taken = withoutVersion(withVersions('질문 v1', 'v1'), 'v1', true);
    expect(taken.first).toBeUndefined();
    expect(taken.title).toBe('');
  });

  it('removes only that version of an exchange that has others, selecting the last one left', () => {
    const taken = withoutVersion(withVersions('제목', 'v1', 'v2', 'v3'), 'v2', false);
    expect(taken.first?.versions.map(({ id }) => id)).toEqual(['v1', 'v3']);
    expect(taken.first?.selected).toBe(1);
    expect(taken.title).toBe('제목');
  });

  it('leaves a conversation without that version as it is', () => {
    const conversation = withVersions('제목', 'v1');
    expect(withoutVersion(conversation, 'other', false)).toBe(conversation);
  });
});

describe('a settled answer', () => {
  it('keeps its text and takes the outcome’s state and ids', () => {
    const settled = withSettledAnswer(withVersions('', 'v1'), 'v1', outcomeOf(result('stop')));
    expect(activePath(settled)[0]?.version).toMatchObject({
      answer: { content: '지금까지', createdAt: 1, status: 'complete', truncated: false },
      tokens,
    });
  });

  it('drops ids it had when the outcome has none', () => {
    const before = withSettledAnswer(withVersions('', 'v1'), 'v1', outcomeOf(result('stop')));
    const after = withSettledAnswer(before, 'v1', failedOutcome(new Error('끝')));
    expect(activePath(after)[0]?.version).not.toHaveProperty('tokens');
  });
});

describe('settling an answer', () => {
  /** The effects, recorded, over a conversation kept here. */
  function effects(conversation: Conversation) {
    const log: string[] = [];
    let current = conversation;
    const recorded: SettleEffects = {
      changeAnswer: (_answer, update, { save }) => {
        current = update(current);
        log.push(`change (${save})`);
      },
      setStatus: (status: ChatStatus) => log.push(`status ${status}`),
      returned: (question, detail) => log.push(`returned ${question}: ${detail}`),
      modelGone: (error: EngineErrorInfo) => log.push(`model gone: ${error.code}`),
    };
    return { recorded, log, current: () => current };
  }
  const asked = { conversationId: 'c', versionId: 'v1', question: '질문 v1', gaveTitle: true };

  it('writes the answer at once and makes the chat ready', () => {
    const { recorded, log, current } = effects(withVersions('질문 v1', 'v1'));
    settleAnswer(recorded, asked, outcomeOf(result('stop')));
    expect(log).toEqual(['change (now)', 'status ready']);
    expect(activePath(current())[0]?.version.answer.status).toBe('complete');
  });

  it('takes back a message too long for the window and returns it to the message box', () => {
    const { recorded, log, current } = effects(withVersions('질문 v1', 'v1'));
    const outcome: AnswerOutcome = failedOutcome(new EngineError('context-window-exceeded', '너무 깁니다'));
    settleAnswer(recorded, asked, outcome);
    expect(log).toEqual(['change (now)', 'returned 질문 v1: 너무 깁니다']);
    expect(current()).toMatchObject({ first: undefined, title: '' });
  });

  it('says the model is gone after a failure that took it, keeping the answer', () => {
    const { recorded, log, current } = effects(withVersions('질문 v1', 'v1'));
    settleAnswer(recorded, asked, failedOutcome(new EngineError('device-lost', '장치')));
    expect(log).toEqual(['change (now)', 'status ready', 'model gone: device-lost']);
    expect(activePath(current())[0]?.version.answer).toMatchObject({ status: 'failed', content: '지금까지' });
  });

  it('does not for a failure that leaves the model', () => {
    const { recorded, log } = effects(withVersions('질문 v1', 'v1'));
    settleAnswer(recorded, asked, failedOutcome(new EngineError('unknown', '무언가')));
    expect(log).toEqual(['change (now)', 'status ready']);
  });
});
