import { describe, expect, it } from 'vitest';
import type { GenerationUsage } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { activePath, type Conversation, type Exchange, type ExchangeVersion } from '../conversation';
import type { AnswerState } from '../conversation';
import { conversationDataSchema } from './conversation-data';
import { toConversationData } from './conversation-data';
import {
  decodeSharedConversation,
  encodeSharedConversation,
  MAX_LINK_LENGTH,
  SHARE_FORMAT,
  SHARE_FRAGMENT_PREFIX,
  sharedEnvelopeSchema,
  type SharedLinkResult,
} from './shared-link';
import { deflateBomb } from '../../test/deflate-bomb';
import { crc32, deflate, toBase64Url } from './link-bytes';

const usage: GenerationUsage = {
  promptTokens: 30,
  completionTokens: 90,
  prefillTokensPerSecond: 200,
  decodeTokensPerSecond: 15,
  timeToFirstTokenMs: 100,
  totalMs: 6000,
};
const complete: AnswerState = { status: 'complete', truncated: false, usage, droppedTurns: 0 };

let versions = 0;

function version(question: string, answer: string, next?: Exchange, state = complete): ExchangeVersion {
  versions += 1;
  return {
    id: `v${versions}`,
    question,
    askedAt: 1_700_000_000_000,
    answer: { content: answer, createdAt: 1_700_000_001_000, ...state },
    next,
  };
}

/** Two exchanges; the first has two versions (the second shown), and an older branch that must stay home. */
function conversation(): Conversation {
  const second: Exchange = {
    id: 'e2',
    selected: 0,
    versions: [version('고마워요! <b>굵게</b>', '천만에요 🙂\n\n```js\nx\n```')],
  };
  const abandoned: Exchange = { id: 'e3', selected: 0, versions: [version('비밀 가지', '보이면 안 됩니다')] };
  const first: Exchange = {
    id: 'e1',
    selected: 1,
    versions: [version('처음 질문', '처음 답변', abandoned), version('고친 질문', '고친 답변', second)],
  };
  return {
    id: 'c1',
    title: '공유할 대화',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_002_000,
    sampling: { ...MODEL_CARD_SAMPLING, temperature: 0.7, seed: 42 },
    first,
  };
}

/** A fragment with a payload made by hand, for envelopes the app would never write. */
async function fragmentOf(envelope: unknown, version = 1): Promise<string> {
  const payload = toBase64Url(await deflate(JSON.stringify(envelope)));
  return `${SHARE_FRAGMENT_PREFIX}${version}.${payload.length}.${crc32(payload)}.${payload}`;
}

function problemOf(result: SharedLinkResult): string {
  return result.kind === 'invalid' ? result.problem : result.kind;
}

describe('a shared conversation link', () => {
  it('carries the shown path, the sampling values and the model, and nothing else', async () => {
    const fragment = await encodeSharedConversation({
      conversation: conversation(),
      modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
    });
    expect(fragment).toMatch(/^share=1\.\d+\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    const result = await decodeSharedConversation(`#${fragment}`);
    if (result.kind !== 'shared') throw new Error(JSON.stringify(result));
    const { conversation: shared, modelId } = result.shared;
    expect(modelId).toBe('Llama-2-ko-7b-Chat-q4f16_1-MLC');
    expect(shared.title).toBe('공유할 대화');
    expect(shared.sampling).toEqual({ ...MODEL_CARD_SAMPLING, temperature: 0.7, seed: 42 });
    expect(activePath(shared).map(({ version: shown }) => [shown.question, shown.answer.content])).toEqual([
      ['고친 질문', '고친 답변'],
      ['고마워요! <b>굵게</b>', '천만에요 🙂\n\n```js\nx\n```'],
    ]);
    expect(activePath(shared).every(({ exchange }) => exchange.versions.length === 1)).toBe(true);
    expect(JSON.stringify(shared)).not.toContain('비밀 가지');
    expect(activePath(shared)[0]?.version.answer).toMatchObject({ status: 'complete', usage });
  });

  it('works without a model id, and for a conversation with no exchange', async () => {
    const empty = { ...conversation(), first: undefined };
    const result = await decodeSharedConversation(
      await encodeSharedConversation({ conversation: empty, modelId: undefined }),
    );
    expect(result).toMatchObject({ kind: 'shared', shared: { modelId: undefined } });
  });

  it('shares an answer still streaming as interrupted', async () => {
    const streaming: Conversation = {
      ...conversation(),
      first: {
        id: 'e1',
        selected: 0,
        versions: [version('질문', '쓰는 중', undefined, { status: 'streaming' })],
      },
    };
    const result = await decodeSharedConversation(
      await encodeSharedConversation({ conversation: streaming, modelId: undefined }),
    );
    if (result.kind !== 'shared') throw new Error(JSON.stringify(result));
    expect(activePath(result.shared.conversation)[0]?.version.answer).toMatchObject({
      status: 'stopped',
      interrupted: true,
      content: '쓰는 중',
    });
  });

  it('is not a shared link when the fragment is something else', async () => {
    for (const hash of ['', '#', '#top', '#somewhere', 'shar=1.1.a']) {
      expect(await decodeSharedConversation(hash)).toEqual({ kind: 'none' });
    }
  });
});

describe('a bad shared link changes nothing and says why', () => {
  it('is truncated when a messenger cut it', async () => {
    const fragment = await encodeSharedConversation({ conversation: conversation(), modelId: undefined });
    expect(problemOf(await decodeSharedConversation(fragment.slice(0, -10)))).toBe('truncated');
  });

  it('is corrupt when characters changed on the way', async () => {
    const fragment = await encodeSharedConversation({ conversation: conversation(), modelId: undefined });
    const at = fragment.length - 30;
    const changed = `${fragment.slice(0, at)}${fragment[at] === 'A' ? 'B' : 'A'}${fragment.slice(at + 1)}`;
    expect(problemOf(await decodeSharedConversation(changed))).toBe('corrupt');
    expect(problemOf(await decodeSharedConversation(`${fragment.slice(0, -1)}!`))).toBe('corrupt');
    expect(problemOf(await decodeSharedConversation(`${fragment}AAAA`))).toBe('corrupt');
    expect(problemOf(await decodeSharedConversation(`${fragment}.AAAA`))).toBe('foreign');
  });

  it('is from a newer version of the app', async () => {
    expect(await decodeSharedConversation('share=2.4.00000000.AAAA')).toMatchObject({
      kind: 'invalid',
      problem: 'newer-version',
    });
  });

  it('is foreign when it does not follow the format', async () => {
    for (const hash of [
      'share=',
      'share=x',
      'share=0.4.00000000.AAAA',
      'share=1.a.00000000.AAAA',
      'share=1.4.xyz.AAAA',
    ]) {
      expect(problemOf(await decodeSharedConversation(hash)), hash).toBe('foreign');
    }
    for (const hash of ['share=1', 'share=1.', 'share=1.4']) {
      expect(problemOf(await decodeSharedConversation(hash)), hash).toBe('truncated');
    }
    expect(problemOf(await decodeSharedConversation(await fragmentOf({ format: 'other', version: 1 })))).toBe(
      'foreign',
    );
    expect(problemOf(await decodeSharedConversation(await fragmentOf([1, 2, 3])))).toBe('foreign');
  });

  it('is corrupt when the conversation inside fails the backup’s checks', async () => {
    const base = { format: SHARE_FORMAT, version: 1 };
    for (const conversationData of [undefined, {}, { id: 'x', title: 3 }]) {
      const result = await decodeSharedConversation(
        await fragmentOf({ ...base, conversation: conversationData }),
      );
      expect(problemOf(result)).toBe('corrupt');
    }
    expect(problemOf(await decodeSharedConversation(await fragmentOf({ ...base, version: 2 })))).toBe(
      'corrupt',
    );
    const payload = toBase64Url(await deflate('{"format": "hangul-llama-share", '));
    expect(
      problemOf(await decodeSharedConversation(`share=1.${payload.length}.${crc32(payload)}.${payload}`)),
    ).toBe('corrupt');
  });

  it('checks the conversation with the backup’s own schema, and names the wrong field as a backup does', async () => {
    expect(sharedEnvelopeSchema.entries.conversation).toBe(conversationDataSchema);
    const data = toConversationData(conversation());
    const base = { format: SHARE_FORMAT, version: 1 };
    const cases: [unknown, string][] = [
      [{ ...data, title: 3 }, 'conversation.title: expected a string'],
      [
        { ...data, createdAt: 1e300 },
        'conversation.createdAt: expected a time no later than the year 275760',
      ],
      [{ ...data, first: 'nowhere' }, 'conversation.first: no exchange has the id "nowhere"'],
    ];
    for (const [conversationData, detail] of cases) {
      expect(
        await decodeSharedConversation(await fragmentOf({ ...base, conversation: conversationData })),
      ).toEqual({
        kind: 'invalid',
        problem: 'corrupt',
        detail,
      });
    }
    for (const modelId of ['', 7, null]) {
      const result = await decodeSharedConversation(
        await fragmentOf({ ...base, modelId, conversation: data }),
      );
      expect(problemOf(result)).toBe('corrupt');
      expect(result.kind === 'invalid' && result.detail).toMatch(/^modelId: /);
    }
  });

  it('keeps only the shown path of a link made by hand with every version in it', async () => {
    const data = toConversationData(conversation());
    const result = await decodeSharedConversation(
      await fragmentOf({ format: SHARE_FORMAT, version: 1, conversation: data }),
    );
    if (result.kind !== 'shared') throw new Error(JSON.stringify(result));
    expect(JSON.stringify(result.shared.conversation)).not.toContain('비밀 가지');
    expect(activePath(result.shared.conversation).map(({ version: shown }) => shown.question)).toEqual([
      '고친 질문',
      '고마워요! <b>굵게</b>',
    ]);
  });

  it('is too large past Chromium’s URL limit, before anything is decoded', async () => {
    const payload = 'A'.repeat(MAX_LINK_LENGTH);
    expect(problemOf(await decodeSharedConversation(`share=1.${payload.length}.${payload}`))).toBe(
      'too-large',
    );
  });

  it('stops a link that inflates to 1 GiB early, as too large', async () => {
    const payload = toBase64Url(await deflateBomb(1024));
    expect(payload.length).toBeLessThan(MAX_LINK_LENGTH);
    const result = await decodeSharedConversation(`share=1.${payload.length}.${crc32(payload)}.${payload}`);
    expect(problemOf(result)).toBe('too-large');
  });
});
