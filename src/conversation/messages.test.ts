import { describe, expect, it } from 'vitest';
import { conversation, exchange, version } from '../test/conversation-fixtures';
import { updateVersion, type Conversation, type Exchange } from './conversation';
import { toMessages, updateMessages } from './messages';

/** A conversation of `count` exchanges, one version each. */
function long(count: number): Conversation {
  let next: Exchange | undefined;
  for (let index = count - 1; index >= 0; index -= 1) {
    next = exchange(`e${index}`, [version(`질문 ${index}`, `답 ${index}`, undefined, next)]);
  }
  return conversation('c', 1, next);
}

describe('updateMessages', () => {
  it('keeps the very messages of every exchange but the one that changed, however deep it is', () => {
    const before = long(1_000);
    const previous = toMessages(before);
    const next = updateVersion(before, 'v:질문 999', (shown) => ({
      ...shown,
      answer: { ...shown.answer, content: '답 999, 더 자란 답' },
    }));
    const messages = updateMessages(before, previous, next);
    expect(messages).toEqual(toMessages(next));
    expect(messages.slice(0, -1).every((message, index) => message === previous[index])).toBe(true);
    expect(messages.at(-1)).not.toBe(previous.at(-1));
  });

  it('keeps a message that changed nothing it shows, and makes new ones for another version', () => {
    const before = long(2);
    const previous = toMessages(before);
    const same = updateVersion(before, 'v:질문 1', (shown) => ({ ...shown, answer: { ...shown.answer } }));
    expect(
      updateMessages(before, previous, same).every((message, index) => message === previous[index]),
    ).toBe(true);

    const edited = updateVersion(before, 'v:질문 0', (shown) => ({ ...shown, question: '고친 질문' }));
    const messages = updateMessages(before, previous, edited);
    expect(messages).toEqual(toMessages(edited));
    expect(messages[0]).not.toBe(previous[0]);
    expect(messages[1]).toBe(previous[1]);
  });

  it('compares messages that came from elsewhere by their fields alone', () => {
    const next = long(2);
    const elsewhere = toMessages(long(1));
    const messages = updateMessages(long(3), elsewhere, next);
    expect(messages).toEqual(toMessages(next));
    expect(messages[0]).toBe(elsewhere[0]);
  });
});
