import { closeRepositories, openRepository } from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, conversation, exchange, trip, version } from '../../test/conversation-fixtures';
import { updateVersion } from '../../conversation/conversation';

afterEach(closeRepositories);

describe('searching', () => {
  async function searchable() {
    const { repository } = openRepository();
    await repository.save(trip(), undefined);
    await repository.save(
      conversation(
        'code',
        2000,
        exchange('c1', [
          version('Explain the LLAMA tokenizer', 'Llama-2-ko는 한국어 어휘를 더한 토크나이저를 씁니다.'),
        ]),
        'Tokenizer',
      ),
      undefined,
    );
    return repository;
  }

  it('finds Korean text in a version that is not selected, with a snippet', async () => {
    const repository = await searchable();
    expect((await repository.search('경복궁')).hits).toEqual([
      {
        id: 'trip',
        title: '서울 여행',
        updatedAt: 3000,
        preview: '입장료는 얼마인가요?',
        snippet: '경복궁과 북촌 한옥마을을 추천합니다.',
        match: { in: 'answer', exchangeId: 'e1', version: 0 },
      },
    ]);
    expect((await repository.search('해운대')).hits.map(({ match }) => match)).toEqual([
      { in: 'answer', exchangeId: 'e-left', version: 0 },
    ]);
  });

  it('finds any part of a Korean word: an ending, one syllable, a span across a space', async () => {
    const repository = await searchable();
    expect((await repository.search('니다')).hits.map(({ id }) => id)).toEqual(['trip', 'code']);
    expect((await repository.search('천합')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect((await repository.search('궁')).hits.map(({ id }) => id)).toEqual(['trip']);
    expect((await repository.search('어휘를 더')).hits.map(({ id }) => id)).toEqual(['code']);
    expect((await repository.search('휘를더')).hits).toEqual([]);
  });

  it('looks at titles, questions and answers, ignoring case, newest first', async () => {
    const repository = await searchable();
    const { hits } = await repository.search('  llama ');
    expect(hits.map(({ id, match }) => [id, match])).toEqual([
      ['code', { in: 'question', exchangeId: 'c1', version: 0 }],
    ]);
    expect(hits[0]?.snippet).toBe('…the LLAMA tokenizer');
    expect((await repository.search('서울')).hits.map(({ id, match }) => [id, match.in])).toEqual([
      ['trip', 'title'],
    ]);
  });

  it('prefers the selected version, and matches decomposed Hangul', async () => {
    const repository = await searchable();
    const [hit] = (await repository.search('추천합니다'.normalize('NFD'))).hits;
    expect(hit?.match).toEqual({ in: 'answer', exchangeId: 'e1', version: 1 });
    expect(hit?.snippet).toBe('…서울타워를 추천합니다.');
  });

  it('cuts the snippet around the match, to what one line of the list shows, from a word start', async () => {
    const { repository } = openRepository();
    const answer = `${'앞'.repeat(40)} 찾는 말 ${'뒤'.repeat(100)}`;
    await repository.save(conversation('c', 1, exchange('a', [version('질문', answer)])), undefined);
    const [hit] = (await repository.search('찾는 말')).hits;
    expect(hit?.snippet).toBe(`…찾는 말 ${'뒤'.repeat(23)}…`);
    // Without a word start close before the match, the eight characters before it.
    const unbroken = `${'가'.repeat(30)}붙여쓴말${'나'.repeat(40)}`;
    await repository.save(conversation('d', 2, exchange('b', [version('질문', unbroken)])), undefined);
    expect((await repository.search('붙여쓴말')).hits[0]?.snippet).toBe(
      `…${'가'.repeat(8)}붙여쓴말${'나'.repeat(24)}…`,
    );
  });

  it('finds nothing for blank text or text that is not there', async () => {
    const repository = await searchable();
    expect((await repository.search(' \n')).hits).toEqual([]);
    expect((await repository.search('제주도')).hits).toEqual([]);
  });

  it('finds text an answer added while it streamed, saved piece by piece', async () => {
    const { repository } = openRepository();
    let shown = ask(conversation('s', 1), '질문', 10, { status: 'streaming' });
    await repository.save(shown, undefined);
    const pieces = ['한라산은 ', '제주도에 ', '있는 산으로, ', '높이가 1,947미터', '입니다.'];
    for (const piece of pieces) {
      const before = shown;
      shown = updateVersion(shown, 'v:질문', (v) => ({
        ...v,
        answer: { ...v.answer, content: v.answer.content + piece },
      }));
      await repository.save(shown, before);
    }
    expect((await repository.search('도에 있는')).hits.map(({ id }) => id)).toEqual(['s']);
    expect((await repository.search('1,947미터입니다')).hits.map(({ id }) => id)).toEqual(['s']);
  });

  it('stops at its limit, newest first, and says there may be more', async () => {
    const { repository } = openRepository();
    for (let index = 0; index < 30; index += 1) {
      await repository.save(
        conversation(`c${index}`, index, exchange(`e${index}`, [version('같은 질문', '같은 답')])),
        undefined,
      );
    }
    await repository.save(
      conversation('other', 100, exchange('o', [version('다른 질문', '다른 답')])),
      undefined,
    );
    const result = await repository.search('같은', 10);
    expect(result.hits.map(({ id }) => id)).toEqual([
      'c29',
      'c28',
      'c27',
      'c26',
      'c25',
      'c24',
      'c23',
      'c22',
      'c21',
      'c20',
    ]);
    expect(result.more).toBe(true);
    expect((await repository.search('다른', 10)).more).toBe(false);
  });
});
