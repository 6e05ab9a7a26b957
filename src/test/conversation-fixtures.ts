import type { GenerationUsage } from '../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import {
  activePath,
  updateAt,
  updateVersion,
  type AnswerState,
  type Conversation,
  type Exchange,
  type ExchangeVersion,
} from '../conversation/conversation';

/** Conversations as the repository's tests store, read and search them: Korean, with versions left aside. */

export const usage: GenerationUsage = {
  promptTokens: 12,
  completionTokens: 40,
  prefillTokensPerSecond: 150,
  decodeTokensPerSecond: 18,
  timeToFirstTokenMs: 90,
  totalMs: 2300,
};

export const complete: AnswerState = { status: 'complete', truncated: false, usage, droppedTurns: 0 };

/** A version whose id is `v:` and its question, answered a millisecond after it was asked. */
export function version(
  question: string,
  answer: string,
  state: AnswerState = complete,
  next?: Exchange,
  askedAt = 1000,
): ExchangeVersion {
  return {
    id: `v:${question}`,
    question,
    askedAt,
    answer: { content: answer, createdAt: askedAt + 1, ...state },
    next,
  };
}

/** An exchange showing its last version unless told otherwise. */
export function exchange(id: string, versions: ExchangeVersion[], selected = versions.length - 1): Exchange {
  return { id, versions, selected };
}

export function conversation(
  id: string,
  updatedAt: number,
  first?: Exchange,
  title = `대화 ${id}`,
): Conversation {
  return { id, title, createdAt: 500, updatedAt, sampling: MODEL_CARD_SAMPLING, first };
}

/** Two exchanges; the first was asked twice, and the version that was left went on to its own exchange. */
export function trip(): Conversation {
  const left = exchange('e-left', [
    version('그럼 부산은?', '부산에는 해운대가 있습니다.', complete, undefined, 1100),
  ]);
  const followUp = exchange('e2', [
    version('입장료는 얼마인가요?', '**3,000원**입니다.', complete, undefined, 1200),
  ]);
  return conversation(
    'trip',
    3000,
    exchange('e1', [
      version('서울에서 가 볼 곳은?', '경복궁과 북촌 한옥마을을 추천합니다.', complete, left, 1000),
      version('서울 여행지 하나만 알려 줘', '남산 서울타워를 추천합니다.', complete, followUp, 1050),
    ]),
    '서울 여행',
  );
}

/** A conversation `depth` exchanges long, each following the last. */
export function long(id: string, depth: number): Conversation {
  let first: Exchange | undefined;
  for (let level = depth - 1; level >= 0; level -= 1) {
    first = exchange(`${id}-${level}`, [version(`질문 ${level}`, `답 ${level}`, complete, first)]);
  }
  return conversation(id, 100, first);
}

/** The conversation with a new exchange asked after the last one on its selected path. */
export function ask(
  base: Conversation,
  question: string,
  askedAt: number,
  state: AnswerState = complete,
): Conversation {
  const depth = activePath(base).length;
  return {
    ...updateAt(base, depth, () =>
      exchange(`e:${question}`, [version(question, `${question}의 답`, state, undefined, askedAt)]),
    ),
    updatedAt: askedAt,
  };
}

/** What the engine reported for an answer: the question's ids, then the ones the model drew. */
export const answerTokens = { promptIds: [1, 32_001, 13, 45_000], answerIds: [29_871, 46_335, 0, 65_535] };

/** The version of `trip()` shown first, which `tripWithTokens` gives its ids. */
export const chosenVersionId = 'v:서울 여행지 하나만 알려 줘';

export const tripWithTokens = (): Conversation =>
  updateVersion(trip(), chosenVersionId, (v) => ({ ...v, tokens: answerTokens }));
