import { describe, expect, it } from 'vitest';
import { isSendKeystroke, type SendKeyEvent } from './send-keystroke';

const key = (overrides: Partial<SendKeyEvent>): SendKeyEvent => ({
  key: 'Enter',
  shiftKey: false,
  isComposing: false,
  keyCode: 13,
  ...overrides,
});

describe('isSendKeystroke', () => {
  it('sends on a plain Enter', () => {
    expect(isSendKeystroke(key({}), false)).toBe(true);
  });

  it.each([
    ['Shift+Enter', key({ shiftKey: true }), false],
    ['another key', key({ key: 'a', keyCode: 65 }), false],
    ['Enter with isComposing (Chrome)', key({ isComposing: true, keyCode: 229 }), false],
    ['Enter with keyCode 229 after compositionend (Safari)', key({ keyCode: 229 }), false],
    ['Enter while the component saw compositionstart', key({}), true],
  ])('does not send on %s', (_label, event, composing) => {
    expect(isSendKeystroke(event, composing)).toBe(false);
  });
});
