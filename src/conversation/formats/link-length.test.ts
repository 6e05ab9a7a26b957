import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { Conversation } from '../conversation';
import { encodeSharedConversation, MESSENGER_LINK_LENGTH } from './shared-link';
import answers from './testdata/korean-answers.json';

/** One exchange as the app stores it: random UUIDs for ids, real times, an answer's statistics. */
function exchangeOf(question: string, answer: string): Conversation {
  const askedAt = 1_764_460_000_000;
  return {
    id: crypto.randomUUID(),
    title: question.slice(0, 40),
    createdAt: askedAt,
    updatedAt: askedAt + 46_000,
    sampling: MODEL_CARD_SAMPLING,
    first: {
      id: crypto.randomUUID(),
      selected: 0,
      versions: [
        {
          id: crypto.randomUUID(),
          question,
          askedAt,
          answer: {
            content: answer,
            createdAt: askedAt + 1_000,
            status: 'complete',
            truncated: false,
            droppedTurns: 0,
            usage: {
              promptTokens: 61,
              completionTokens: 642,
              prefillTokensPerSecond: 180.5,
              decodeTokensPerSecond: 14.2,
              timeToFirstTokenMs: 350,
              totalMs: 45_000,
            },
          },
          next: undefined,
        },
      ],
    },
  };
}

// The figure docs/sharing.md gives, measured on real Korean answers (testdata/korean-answers.json: a travel
// plan with a table, a recipe, an explanation in prose; 906-1,045 characters each) through deflate-raw and
// base64url as the app does it. If this fails, measure again and correct the document.
describe('the length of a link to one exchange with an answer of about 1,000 Korean characters', () => {
  it('is 2,300-2,600 characters of fragment: about a dozen such exchanges fit what messengers keep', async () => {
    const lengths: number[] = [];
    for (const { question, answer } of answers) {
      expect(answer.length).toBeGreaterThan(900);
      expect(answer.length).toBeLessThan(1100);
      const fragment = await encodeSharedConversation({
        conversation: exchangeOf(question, answer),
        modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
      });
      lengths.push(fragment.length);
    }
    for (const length of lengths) {
      expect(length).toBeGreaterThanOrEqual(2_250);
      expect(length).toBeLessThanOrEqual(2_650);
    }
    expect(Math.floor(MESSENGER_LINK_LENGTH / Math.max(...lengths))).toBeGreaterThanOrEqual(12);
  });
});
