import { describe, expect, it } from 'vitest';
import { conversation, exchange, trip, version } from '../../test/conversation-fixtures';
import type { Conversation } from '../../conversation/conversation';
import type { ConversationSummary } from './schemas';
import {
  addToFilter,
  buildFilter,
  findIn,
  findInHead,
  headOf,
  mayHold,
  newTextOf,
  searchedGrams,
  searchedText,
  searchTextOf,
} from './search-index';

/** A conversation of one exchange, one version, with this question and answer. */
const asked = (question: string, answer: string, title = '대화'): Conversation =>
  conversation('c', 1, exchange('e', [version(question, answer)]), title);

const summaryOf = ({ id, title, updatedAt }: Conversation): ConversationSummary => ({
  id,
  title,
  updatedAt,
  preview: '',
});

/** Where `query` is found in `value`, as a search finds it from the conversation's whole text. */
function find(value: Conversation, query: string) {
  const text = searchTextOf(value);
  return findIn(summaryOf(value), searchedText(query), text.text, text);
}

/** Whether the filter may hold `query`, searched as the repository searches it. */
const holds = (value: Conversation, query: string): boolean =>
  mayHold(buildFilter(value), searchedGrams(searchedText(query)));

/** Hangul syllables in a row, no two alike: `count` characters and as many different pairs. */
const syllables = (count: number, from = 0): string =>
  Array.from({ length: count }, (_, index) => String.fromCharCode(0xac00 + from + index)).join('');

describe('the text search keeps of a conversation', () => {
  it('has a line for every question and answer, the selected path first and each shown version before the others', () => {
    expect(searchTextOf(trip())).toEqual({
      id: 'trip',
      updatedAt: 3000,
      text: [
        '서울 여행지 하나만 알려 줘',
        '남산 서울타워를 추천합니다.',
        '서울에서 가 볼 곳은?',
        '경복궁과 북촌 한옥마을을 추천합니다.',
        '입장료는 얼마인가요?',
        '**3,000원**입니다.',
        '그럼 부산은?',
        '부산에는 해운대가 있습니다.',
      ].join('\n'),
      exchangeIds: ['e1', 'e1', 'e2', 'e-left'],
      versions: [1, 0, 0, 0],
    });
  });

  it('puts each on one line, runs of white space as one space, Hangul composed, case kept', () => {
    const value = asked(
      'Explain\n\n  the   LLAMA\ttokenizer ',
      `첫 줄\n둘째 줄에서 ${'추천합니다'.normalize('NFD')}`,
    );
    expect(searchTextOf(value).text).toBe('Explain the LLAMA tokenizer\n첫 줄 둘째 줄에서 추천합니다');
  });

  it('keeps its first 1,000 characters as the head, and says whether that is the whole text', () => {
    // The question, a line break, then the answer: 1,000 characters in all, then 1,001.
    const exactly = searchTextOf(asked('질', '답'.repeat(998)));
    expect(headOf(exactly)).toMatchObject({ head: exactly.text, whole: true });
    const longer = searchTextOf(asked('질', '답'.repeat(999)));
    const head = headOf(longer);
    expect(head).toEqual({
      id: 'c',
      updatedAt: 1,
      head: longer.text.slice(0, 1000),
      whole: false,
      exchangeIds: ['e'],
      versions: [0],
    });
  });
});

describe('the searched text', () => {
  it('is compared on one line, in lower case, with Hangul composed', () => {
    expect(searchedText('  Hello\n\t WORLD  ')).toBe('hello world');
    expect(searchedText('추천합니다'.normalize('NFD'))).toBe('추천합니다');
    expect(searchedText(' \n')).toBe('');
  });

  it('is looked up by its pairs of neighbouring characters, or as itself when it is one character', () => {
    expect(searchedGrams('궁')).toHaveLength(1);
    expect(searchedGrams('니다')).toHaveLength(1);
    expect(searchedGrams('서울 여행')).toHaveLength(4);
    // The same pair twice is looked up once.
    expect(searchedGrams('하하하')).toHaveLength(1);
    expect(searchedGrams('')).toEqual([]);
  });
});

describe('the search filter', () => {
  it('may hold every character and pair of the title and of every question and answer, in every version', () => {
    const value = trip();
    const texts = [value.title, ...searchTextOf(value).text.split('\n')].map(searchedText);
    for (const text of texts) {
      for (let index = 0; index < text.length; index += 1) {
        expect(holds(value, text.slice(index, index + 1))).toBe(true);
        expect(holds(value, text.slice(index, index + 2))).toBe(true);
      }
    }
    expect(holds(value, '경복궁과 북촌')).toBe(true);
    expect(holds(value, '부산에는 해운대')).toBe(true);
  });

  it('ignores case and runs of white space, and holds Hangul pasted decomposed as composed syllables', () => {
    const value = asked('Explain the LLAMA tokenizer', `어휘를\n\n더한 ${'토크나이저'.normalize('NFD')}`);
    expect(holds(value, 'llama TOKENIZER')).toBe(true);
    expect(holds(value, '어휘를 더한')).toBe(true);
    expect(holds(value, '토크나이저')).toBe(true);
  });

  it('says no to text the conversation does not hold', () => {
    for (const absent of ['제주도', '한라산', '백록담', 'zebra']) expect(holds(trip(), absent)).toBe(false);
    // Every pair counts: the space between two words is part of the text.
    expect(holds(asked('질문', '어휘를 더한'), '휘를더')).toBe(false);
  });

  it('is at least 1,024 bits, a power of two, with about 12 bits for each character and pair it holds', () => {
    expect(buildFilter(asked('네', '예', '짧')).bits.length * 8).toBe(1024);
    const large = buildFilter(asked('질문', syllables(3000)));
    const bits = large.bits.length * 8;
    expect(Math.log2(bits) % 1).toBe(0);
    expect(bits).toBeGreaterThanOrEqual(large.added * 12);
    expect(large.added).toBeGreaterThan(5000);
  });

  it('takes new text into a copy, and leaves the filter it was given as it was', () => {
    const before = buildFilter(asked('질문', '한라산은'));
    const bits = before.bits.slice();
    const after = addToFilter(before, ['제주도에 있습니다'], asked('질문', '한라산은 제주도에 있습니다'));
    expect(mayHold(after, searchedGrams('제주도'))).toBe(true);
    expect(mayHold(before, searchedGrams('제주도'))).toBe(false);
    expect(before.bits).toEqual(bits);
    expect(after).toMatchObject({ id: before.id, bits: expect.any(Uint8Array) as Uint8Array });
    expect(after.bits.length).toBe(before.bits.length);
    expect(after.added).toBeGreaterThan(before.added);
  });

  it('is built from the whole conversation where there is none, and rebuilt larger once an eighth of it is set', () => {
    const value = asked('질문', syllables(400));
    expect(addToFilter(undefined, ['질문'], value)).toEqual(buildFilter(value));
    const small = buildFilter(asked('질문', '답'));
    const grown = addToFilter(small, [syllables(400)], value);
    expect(grown).toEqual(buildFilter(value));
    expect(grown.bits.length).toBeGreaterThan(small.bits.length);
  });
});

describe('the new text of a version', () => {
  const withAnswer = (answer: string, question = '질문') => version(question, answer);

  it('is its question and answer when the version is new or its question changed', () => {
    expect(newTextOf(withAnswer('답'), undefined)).toEqual(['질문', '답']);
    expect(newTextOf(withAnswer('답', '다른 질문'), withAnswer('답'))).toEqual(['다른 질문', '답']);
  });

  it('is nothing when the answer did not change', () => {
    expect(newTextOf(withAnswer('같은 답'), withAnswer('같은 답'))).toEqual([]);
  });

  it('is the new end of an answer that grew, from 16 characters before the join', () => {
    const old = syllables(20);
    expect(newTextOf(withAnswer(`${old}끝`), withAnswer(old))).toEqual([`${old.slice(4)}끝`]);
    expect(newTextOf(withAnswer('짧은 답입니다'), withAnswer('짧은 답'))).toEqual(['짧은 답입니다']);
  });

  it('starts the new end on neither a space nor the second half of an emoji', () => {
    const spaced = `${'가'.repeat(10)} ${'나'.repeat(15)}`;
    expect(newTextOf(withAnswer(`${spaced}다`), withAnswer(spaced))).toEqual([`가 ${'나'.repeat(15)}다`]);
    const emoji = `${'가'.repeat(9)}😀${'나'.repeat(15)}`;
    expect(newTextOf(withAnswer(`${emoji}다`), withAnswer(emoji))).toEqual([`😀${'나'.repeat(15)}다`]);
  });

  it('is the whole answer when it was replaced or cut rather than grown', () => {
    const old = syllables(30);
    expect(newTextOf(withAnswer(`다시 쓴 답 ${old}`), withAnswer(old))).toEqual([`다시 쓴 답 ${old}`]);
    expect(newTextOf(withAnswer(old.slice(0, 10)), withAnswer(old))).toEqual([old.slice(0, 10)]);
  });
});

describe('finding the text', () => {
  it('finds it in the title first, else in the first line that holds it, and says where that line is from', () => {
    expect(find(trip(), '서울')).toMatchObject({ snippet: '서울 여행', match: { in: 'title' } });
    expect(find(trip(), '추천합니다')).toMatchObject({
      snippet: '…서울타워를 추천합니다.',
      match: { in: 'answer', exchangeId: 'e1', version: 1 },
    });
    expect(find(trip(), '입장료')?.match).toEqual({ in: 'question', exchangeId: 'e2', version: 0 });
    expect(find(trip(), '해운대')).toEqual({
      ...summaryOf(trip()),
      snippet: '부산에는 해운대가 있습니다.',
      match: { in: 'answer', exchangeId: 'e-left', version: 0 },
    });
  });

  it('finds any part of a Korean word, ignoring case, and nothing that is not there', () => {
    expect(find(trip(), '니다')?.match).toEqual({ in: 'answer', exchangeId: 'e1', version: 1 });
    expect(find(trip(), '궁')?.match).toEqual({ in: 'answer', exchangeId: 'e1', version: 0 });
    expect(find(asked('Explain the LLAMA tokenizer', '답'), 'Llama')?.snippet).toBe('…the LLAMA tokenizer');
    expect(find(trip(), '제주도')).toBeUndefined();
  });

  it('cuts the snippet to what one line of the list shows: from 8 characters before, or a word start closer, to 24 after', () => {
    const spaced = asked('질문', `${'앞'.repeat(40)} 찾는 말 ${'뒤'.repeat(100)}`);
    expect(find(spaced, '찾는 말')?.snippet).toBe(`…찾는 말 ${'뒤'.repeat(23)}…`);
    const unbroken = asked('질문', `${'가'.repeat(30)}붙여쓴말${'나'.repeat(40)}`);
    expect(find(unbroken, '붙여쓴말')?.snippet).toBe(`…${'가'.repeat(8)}붙여쓴말${'나'.repeat(24)}…`);
    expect(find(asked('질문', '짧은 답'), '답')?.snippet).toBe('짧은 답');
  });

  it('never cuts an emoji in half', () => {
    // Eight characters before the match fall on the second half of an emoji: the snippet starts before it.
    const value = asked('질문', `가${'😀'.repeat(5)}가찾는 말`);
    expect(find(value, '찾는')?.snippet).toBe(`…${'😀'.repeat(4)}가찾는 말`);
  });

  it('counts the lines right after a letter whose lower case is longer', () => {
    // "İ" lower-cases to two characters: the match is counted in the lower-cased text.
    const value = conversation(
      'c',
      1,
      exchange('e', [version('İİİ 질문', 'İstanbul'), version('두 번째', '찾는 말')], 0),
      'İzmir 여행',
    );
    expect(find(value, '찾는')).toMatchObject({
      snippet: '찾는 말',
      match: { in: 'answer', exchangeId: 'e', version: 1 },
    });
    expect(find(value, 'zmir')).toMatchObject({ snippet: 'i̇zmir 여행', match: { in: 'title' } });
  });
});

describe('finding the text from a head', () => {
  it('answers from a head that is the whole text as from the text', () => {
    const text = searchTextOf(trip());
    for (const needle of ['해운대', '서울', '제주도']) {
      expect(findInHead(summaryOf(trip()), needle, headOf(text))).toEqual(
        findIn(summaryOf(trip()), needle, text.text, text),
      );
    }
  });

  it('asks for the whole text where the head lacks the text, or has it too close to its end for a snippet', () => {
    // The answer starts at the third character of the text; the head is its first 1,000.
    const value = asked('질문', `${'가'.repeat(500)}찾는 말${'나'.repeat(478)}경계${'다'.repeat(1000)}끝말`);
    const head = headOf(searchTextOf(value));
    expect(head.whole).toBe(false);
    expect(findInHead(summaryOf(value), '찾는 말', head)).toMatchObject({
      snippet: `…${'가'.repeat(8)}찾는 말${'나'.repeat(24)}…`,
    });
    expect(findInHead(summaryOf(value), '경계', head)).toBe('further');
    expect(findInHead(summaryOf(value), '끝말', head)).toBe('further');
    expect(findInHead(summaryOf(value), '대화', head)).toMatchObject({ match: { in: 'title' } });
  });
});
