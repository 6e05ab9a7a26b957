import { describe, expect, it } from 'vitest';
import { activePath } from './conversation';
import { markAbandoned, markInterrupted, zeroUsage } from './interrupted';
import { conversationOf, version } from '../test/conversations';

const streaming = { status: 'streaming' } as const;
const conversation = conversationOf('c', [
  version('v1', '첫 질문', '첫 답'),
  version('v2', '둘째 질문', '쓰다 만 답', streaming),
]);
const answers = (marked: typeof conversation) => activePath(marked).map(({ version }) => version.answer);

describe('answers nothing will finish', () => {
  it('of a deleted conversation brought back are stopped, their text kept, not interrupted by a reload', () => {
    const [first, second] = answers(markAbandoned(conversation));
    expect(first).toBe(answers(conversation)[0]);
    expect(second).toEqual({
      content: '쓰다 만 답',
      createdAt: 2,
      status: 'stopped',
      usage: zeroUsage,
      droppedTurns: 0,
    });
  });

  it('of a backup are stopped and interrupted', () => {
    expect(answers(markInterrupted(conversation))[1]).toMatchObject({ status: 'stopped', interrupted: true });
  });

  it('leave a conversation with none as it is', () => {
    const settled = conversationOf('c', [version('v1', '첫 질문', '첫 답')]);
    expect(markAbandoned(settled)).toBe(settled);
  });
});
