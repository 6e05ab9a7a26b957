import { describe, expect, it } from 'vitest';
import {
  continueKullmPrompt,
  formatKullmPrompt,
  KULLM_BLOCK_SEPARATOR,
  KULLM_HEADER_SEPARATOR,
  KULLM_INSTRUCTION_HEADER,
  KULLM_PREAMBLE,
  KULLM_RESPONSE_HEADER,
  type KullmTurn,
} from './kullm';
import { seededRandom } from './random';

// Written out by hand from the model card, not built from the module's constants.
const PREAMBLE = '아래는 작업을 설명하는 명령어입니다. 요청을 적절히 완료하는 응답을 작성하세요.';
const single = (x: string): string => `${PREAMBLE}\n\n### 명령어:\n${x}\n\n### 응답:`;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const user = (content: string): KullmTurn => ({ role: 'user', content });
const assistant = (content: string): KullmTurn => ({ role: 'assistant', content });

function expectSameText(actual: string, expected: string): void {
  expect(actual).toBe(expected);
  expect(utf8(actual)).toEqual(utf8(expected));
}

describe('the kullm constants', () => {
  it('are the model card pieces', () => {
    expect(KULLM_PREAMBLE).toBe(PREAMBLE);
    expect(KULLM_INSTRUCTION_HEADER).toBe('### 명령어:');
    expect(KULLM_RESPONSE_HEADER).toBe('### 응답:');
    expect(KULLM_BLOCK_SEPARATOR).toBe('\n\n');
    expect(KULLM_HEADER_SEPARATOR).toBe('\n');
  });
});

describe('formatKullmPrompt with one user turn', () => {
  it('gives the model card prompt byte for byte', () => {
    const expectedHex =
      'ec9584eb9e98eb8a9420ec9e91ec9785ec9d8420ec84a4ebaa85ed9598eb8a9420ebaa85eba0b9ec96b4ec9e85eb8b88eb8ba42e20' +
      'ec9a94ecb2adec9d8420eca081eca088ed9e8820ec9984eba38ced9598eb8a9420ec9d91eb8bb5ec9d8420ec9e91ec84b1ed9598' +
      'ec84b8ec9a942e0a0a23232320ebaa85eba0b9ec96b43a0a68690a0a23232320ec9d91eb8bb53a';
    const bytes = utf8(formatKullmPrompt([user('hi')]));
    expect(Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')).toBe(expectedHex);
    expect(bytes).toHaveLength(144);
  });

  it.each([
    ['Korean', '한국의 수도는 어디인가요?'],
    ['English', 'What is the capital of Korea?'],
    ['emoji with ZWJ sequences, skin tones and flags', '👩‍💻 👨‍👩‍👧‍👦 👍🏽 🇰🇷 ❤️‍🔥'],
    ['empty content', ''],
    ['blank lines', '첫 줄\n\n\n넷째 줄\n'],
    ['a response header inside the content', '다음을 이어 쓰세요.\n\n### 응답: 안녕\n### 명령어:'],
    ['CRLF line ends', '첫 줄\r\n둘째 줄\r\n'],
    ['leading and trailing whitespace', '  \t 앞뒤 공백 \n '],
    ['decomposed Hangul (not normalised)', '\u1112\u1161\u11ab\u1100\u1173\u11af'],
    ['replacement patterns', "$& $$ $1 $` $'"],
  ])('keeps %s exactly', (_name, x) => {
    expectSameText(formatKullmPrompt([user(x)]), single(x));
  });

  it('ends with the response header and no newline', () => {
    expect(formatKullmPrompt([user('질문')]).endsWith('### 응답:')).toBe(true);
  });
});

describe('formatKullmPrompt with earlier exchanges', () => {
  it('writes the preamble once and each answer exactly as generated', () => {
    const prompt = formatKullmPrompt([
      user('안녕하세요'),
      assistant(' 안녕하세요! 무엇을 도와드릴까요?'),
      user('서울에 대해 알려줘'),
    ]);
    expectSameText(
      prompt,
      `${PREAMBLE}\n\n### 명령어:\n안녕하세요\n\n### 응답: 안녕하세요! 무엇을 도와드릴까요?` +
        '\n\n### 명령어:\n서울에 대해 알려줘\n\n### 응답:',
    );
  });

  it('adds and strips nothing around answers, whatever they start or end with', () => {
    const prompt = formatKullmPrompt([
      user('a'),
      assistant('\n첫째 답\n'),
      user('b'),
      assistant(''),
      user('c'),
      assistant('  👩‍💻\r\n'),
      user('d'),
    ]);
    expectSameText(
      prompt,
      `${PREAMBLE}\n\n### 명령어:\na\n\n### 응답:\n첫째 답\n` +
        '\n\n### 명령어:\nb\n\n### 응답:' +
        '\n\n### 명령어:\nc\n\n### 응답:  👩‍💻\r\n' +
        '\n\n### 명령어:\nd\n\n### 응답:',
    );
    expect(prompt.split(PREAMBLE)).toHaveLength(2);
  });
});

describe('continueKullmPrompt', () => {
  it('appends the answer and the next instruction block', () => {
    expectSameText(
      continueKullmPrompt(single('질문'), ' 답', '다음 질문'),
      `${PREAMBLE}\n\n### 명령어:\n질문\n\n### 응답: 답\n\n### 명령어:\n다음 질문\n\n### 응답:`,
    );
  });

  it('equals rebuilding the prompt from the turns, for random conversations', () => {
    const random = seededRandom(20240917);
    const pieces = [
      '가',
      '나다',
      ' ',
      '\n',
      '\r\n',
      '\n\n',
      '###',
      '### 응답:',
      '명령어:',
      'abc',
      '👩‍💻',
      '🇰🇷',
      '$&',
      '\t',
    ];
    const text = (): string => {
      let result = '';
      const length = Math.floor(random() * 8);
      for (let i = 0; i < length; i++) result += pieces[Math.floor(random() * pieces.length)] ?? '';
      return result;
    };
    for (let conversation = 0; conversation < 200; conversation++) {
      const turns: KullmTurn[] = [user(text())];
      let prompt = formatKullmPrompt(turns);
      const exchanges = 1 + Math.floor(random() * 5);
      for (let exchange = 0; exchange < exchanges; exchange++) {
        const answer = text();
        const next = text();
        turns.push(assistant(answer), user(next));
        const continued = continueKullmPrompt(prompt, answer, next);
        const rebuilt = formatKullmPrompt(turns);
        expect(continued).toBe(rebuilt);
        expect(utf8(continued)).toEqual(utf8(rebuilt));
        expect(continued.startsWith(prompt)).toBe(true);
        prompt = continued;
      }
    }
  });

  it('rejects a previous prompt that is not waiting for an answer', () => {
    expect(() => continueKullmPrompt('질문', ' 답', '다음')).toThrow(RangeError);
    expect(() => continueKullmPrompt(`${single('질문')} 답`, ' 답', '다음')).toThrow(
      /must start with the kullm/,
    );
  });
});

describe('formatKullmPrompt validation', () => {
  it('needs at least one turn', () => {
    expect(() => formatKullmPrompt([])).toThrow(
      new RangeError('A kullm prompt needs at least one user turn; got none.'),
    );
  });

  it('needs the user to speak first', () => {
    expect(() => formatKullmPrompt([assistant('답'), user('질문')])).toThrow(
      /^Turn 0 must be from the user, got "assistant": turns alternate user and assistant, starting with the user\.$/,
    );
  });

  it('needs the roles to alternate', () => {
    expect(() => formatKullmPrompt([user('a'), user('b')])).toThrow(
      /^Turn 1 must be from the assistant, got "user"/,
    );
    expect(() => formatKullmPrompt([user('a'), assistant('b'), assistant('c'), user('d')])).toThrow(
      /^Turn 2 must be from the user, got "assistant"/,
    );
  });

  it('needs the last turn to be the user', () => {
    expect(() => formatKullmPrompt([user('a'), assistant('b')])).toThrow(
      new RangeError('The last turn (1) must be from the user: the prompt asks for the answer to it.'),
    );
  });

  it('rejects roles the prompt has no place for', () => {
    const system = { role: 'system', content: '지시' } as unknown as KullmTurn;
    expect(() => formatKullmPrompt([system, user('a')])).toThrow(
      /^Turn 0 must be from the user, got "system"/,
    );
  });

  it('throws RangeError', () => {
    expect(() => formatKullmPrompt([assistant('a')])).toThrow(RangeError);
  });
});
