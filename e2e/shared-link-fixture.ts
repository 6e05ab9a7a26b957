import type { Conversation, Exchange } from '../src/conversation/conversation';
import { encodeSharedConversation } from '../src/conversation/formats/shared-link';
import { MODEL_CARD_SAMPLING } from '../src/generation/sampling';

const usage = {
  promptTokens: 12,
  completionTokens: 30,
  prefillTokensPerSecond: 100,
  decodeTokensPerSecond: 20,
  timeToFirstTokenMs: 50,
  totalMs: 1500,
};

/**
 * The fragment (with `#`) of a link to a conversation of these exchanges, made by the app's own code as
 * "이 대화 공유" makes it: for tests that open a link somewhere nothing could make one (offline, the
 * production build without a model).
 */
export async function sharedFragment(
  title: string,
  exchanges: readonly { readonly question: string; readonly answer: string }[],
): Promise<string> {
  let next: Exchange | undefined;
  for (const [index, { question, answer }] of [...exchanges.entries()].reverse()) {
    next = {
      id: `e${index}`,
      selected: 0,
      versions: [
        {
          id: `v${index}`,
          question,
          askedAt: Date.UTC(2026, 0, 1, 0, index),
          answer: {
            content: answer,
            createdAt: Date.UTC(2026, 0, 1, 0, index),
            status: 'complete',
            truncated: false,
            usage,
            droppedTurns: 0,
          },
          next,
        },
      ],
    };
  }
  const conversation: Conversation = {
    id: 'shared-from-elsewhere',
    title,
    createdAt: Date.UTC(2026, 0, 1),
    updatedAt: Date.UTC(2026, 0, 1),
    sampling: MODEL_CARD_SAMPLING,
    first: next,
  };
  const fragment = await encodeSharedConversation({
    conversation,
    modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
  });
  return `#${fragment}`;
}
