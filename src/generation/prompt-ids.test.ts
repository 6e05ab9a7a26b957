import { beforeAll, describe, expect, it } from 'vitest';
import type { HfTokenizer } from '../engine/web-llm/hf-tokenizer';
import { loadMiniTokenizer, MINI_VOCAB, miniTokenId } from '../test/mini-tokenizer';
import { formatKullmPrompt, kullmInstructionBlock, KULLM_PREAMBLE } from './kullm';
import {
  encodeContinuation,
  keptAnswerIds,
  KullmPromptIds,
  type ExchangeTokens,
  type RecordedTurn,
} from './prompt-ids';
import { promptTokenIds } from './tokens';

let tokenizer: HfTokenizer;
beforeAll(async () => {
  tokenizer = await loadMiniTokenizer();
});

const ids = (...pieces: string[]): number[] => pieces.map(miniTokenId);
const user = (content: string): RecordedTurn => ({ role: 'user', content });
const assistant = (content: string, tokens?: ExchangeTokens): RecordedTurn => ({
  role: 'assistant',
  content,
  tokens,
});

/** What the model drew for " 안녕": a tokenization of it that the tokenizer does not write. */
const drawnHello = (): number[] => ids('▁', '안', '녕');

describe('encodeContinuation', () => {
  it('gives a later question’s block the ids it has inside the prompt encoded as one string, with no ▁ of its own', () => {
    const block = kullmInstructionBlock('한국어');
    const before = KULLM_PREAMBLE + kullmInstructionBlock('hello') + ' world';
    expect(tokenizer.encode(block)[0]).toBe(miniTokenId('▁'));
    expect(encodeContinuation(tokenizer, block)[0]).toBe(miniTokenId('<0x0A>'));
    expect([...tokenizer.encode(before), ...encodeContinuation(tokenizer, block)]).toEqual(
      tokenizer.encode(before + block),
    );
  });
});

describe('KullmPromptIds', () => {
  it('feeds turn 1 as BOS and one encoding of the model card’s prompt', () => {
    const turns = [user('안녕하세요')];
    const prompt = new KullmPromptIds(tokenizer, turns);
    const built = prompt.build(0);
    expect(built.ids).toEqual(promptTokenIds(tokenizer, formatKullmPrompt(turns)));
    expect(built.questionIds).toEqual(built.ids);
    expect(prompt.tokens(0, true)).toBe(built.ids.length);
  });

  it('without records gives the one-string encoding of the conversation, when the answers were drawn as written', () => {
    const turns = [user('hello'), assistant(' 안녕하세요 world'), user('한국어')];
    expect(new KullmPromptIds(tokenizer, turns).build(0).ids).toEqual(
      promptTokenIds(tokenizer, formatKullmPrompt(turns)),
    );
  });

  it('carries the ids the model drew for an earlier answer, which re-encoding its text does not give back', () => {
    const first = promptTokenIds(tokenizer, formatKullmPrompt([user('hello')]));
    expect(encodeContinuation(tokenizer, ' 안녕')).not.toEqual(drawnHello());
    const turns = [
      user('hello'),
      assistant(' 안녕', { promptIds: first, answerIds: drawnHello() }),
      user('한국어'),
    ];
    const built = new KullmPromptIds(tokenizer, turns).build(0);
    const question = encodeContinuation(tokenizer, kullmInstructionBlock('한국어'));
    expect(built.ids).toEqual([...first, ...drawnHello(), ...question]);
    expect(built.questionIds).toEqual(question);
  });

  it.each<[string, string, { question?: string; answerIds?: number[] } | undefined]>([
    ['another answer’s text (an edit, another version)', ' 안녕!', undefined],
    ['another question', ' 안녕', { question: 'world' }],
    ['an id outside the vocabulary', ' 안녕', { answerIds: [...drawnHello(), MINI_VOCAB.size] }],
    ['answer ids that are not whole characters', ' 안녕', { answerIds: ids('▁', '안', '<0xEB>') }],
  ])('re-encodes an answer whose record does not fit: %s', (_label, content, change) => {
    const asked = promptTokenIds(tokenizer, formatKullmPrompt([user(change?.question ?? 'hello')]));
    const turns = [
      user('hello'),
      assistant(content, { promptIds: asked, answerIds: change?.answerIds ?? drawnHello() }),
      user('한국어'),
    ];
    const unrecorded = [user('hello'), assistant(content), user('한국어')];
    expect(new KullmPromptIds(tokenizer, turns).build(0).ids).toEqual(
      new KullmPromptIds(tokenizer, unrecorded).build(0).ids,
    );
  });

  it('opens the prompt with the oldest exchange kept, preamble and BOS, and keeps its drawn answer', () => {
    const later = encodeContinuation(tokenizer, kullmInstructionBlock('world'));
    const turns = [
      user('hello'),
      assistant(' hello'),
      user('world'),
      assistant(' 안녕', { promptIds: later, answerIds: drawnHello() }),
      user('한국어'),
    ];
    const prompt = new KullmPromptIds(tokenizer, turns);
    const opening = promptTokenIds(tokenizer, formatKullmPrompt([user('world')]));
    const question = encodeContinuation(tokenizer, kullmInstructionBlock('한국어'));
    expect(prompt.build(1)).toEqual({
      ids: [...opening, ...drawnHello(), ...question],
      questionIds: question,
    });
    expect(prompt.tokens(1, true)).toBe(opening.length + 3);
    expect(prompt.tokens(1, false)).toBe(later.length + 3);
    expect(prompt.tokens(2, false)).toBe(question.length);
    // A record made when its question opened the prompt fits where it follows another, and the other way round.
    const asOpening = [user('world'), assistant(' 안녕', { promptIds: opening, answerIds: drawnHello() })];
    expect(
      new KullmPromptIds(tokenizer, [...turns.slice(0, 2), ...asOpening, user('한국어')]).build(0).ids,
    ).toEqual([...new KullmPromptIds(tokenizer, turns).build(0).ids]);
  });
});

describe('keptAnswerIds', () => {
  const anchor = ids('###', '▁응답', ':');

  it('keeps every id drawn when their text is the answer', () => {
    expect(keptAnswerIds(tokenizer, anchor, drawnHello(), ' 안녕')).toEqual(drawnHello());
  });

  it('leaves out a turn header the model began, and bytes that never made a character', () => {
    const header = ids('<0x0A>', '<0x0A>', '###', '▁명령어');
    expect(keptAnswerIds(tokenizer, anchor, [...drawnHello(), ...header], ' 안녕')).toEqual(drawnHello());
    expect(keptAnswerIds(tokenizer, anchor, [...drawnHello(), ...ids('<0xEB>', '<0xB7>')], ' 안녕')).toEqual(
      drawnHello(),
    );
  });

  it('encodes the rest of the text when the answer ended inside a token', () => {
    // The text ended after "hell" of "▁hello": "o" was not kept.
    expect(keptAnswerIds(tokenizer, anchor, ids('▁hello'), ' hell')).toEqual(
      encodeContinuation(tokenizer, ' hell'),
    );
    expect(keptAnswerIds(tokenizer, anchor, [...drawnHello(), ...ids('▁hello')], ' 안녕 hell')).toEqual([
      ...drawnHello(),
      ...encodeContinuation(tokenizer, ' hell'),
    ]);
  });

  it('keeps nothing of an answer stopped before its first character', () => {
    expect(keptAnswerIds(tokenizer, anchor, [], '')).toEqual([]);
    expect(keptAnswerIds(tokenizer, anchor, ids('<0xEB>'), '')).toEqual([]);
  });
});
