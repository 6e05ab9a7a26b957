import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { Conversation } from '../conversation';
import { toConversationData } from './conversation-data';
import { answerSchema, samplingSchema, storedAnswer, storedSampling } from './fields';
import { toRecords } from './records';

const usage = {
  promptTokens: 12,
  completionTokens: 30,
  prefillTokensPerSecond: 200,
  decodeTokensPerSecond: 20,
  timeToFirstTokenMs: 60,
  totalMs: 1560,
};

/** What the worker protocol's types might come to carry: fields the disk formats do not have. */
const fromANewerProtocol = {
  content: '안녕하세요',
  createdAt: 1_700_000_000_000,
  status: 'complete',
  truncated: false,
  usage: { ...usage, cachedTokens: 8 },
  droppedTurns: 0,
  finishReason: 'stop',
} as const;

const sampling = { ...MODEL_CARD_SAMPLING, minP: 0.05 };

const conversation: Conversation = {
  id: 'c',
  title: '인사',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  sampling,
  first: {
    id: 'e',
    selected: 0,
    versions: [
      { id: 'v', question: '안녕?', askedAt: 1_700_000_000_000, answer: fromANewerProtocol, next: undefined },
    ],
  },
};

describe('what is written to disk', () => {
  it('is an answer with the stored fields only, whatever else the engine reported', () => {
    const stored = storedAnswer(fromANewerProtocol);
    expect(stored).toEqual({ ...fromANewerProtocol, usage, finishReason: undefined });
    expect(Object.keys(stored)).not.toContain('finishReason');
    expect(v.parse(answerSchema, stored)).toEqual(stored);
  });

  it('keeps every state an answer can be in', () => {
    const base = { content: '…', createdAt: 1 };
    const answers = [
      { ...base, status: 'pending' },
      { ...base, status: 'streaming' },
      { ...base, status: 'stopped', usage, droppedTurns: 2, interrupted: true },
      { ...base, status: 'stopped', usage, droppedTurns: 0 },
      { ...base, status: 'failed', error: { code: 'device-lost', message: 'Device is lost' } },
    ] as const;
    for (const answer of answers) expect(storedAnswer(answer)).toEqual(answer);
  });

  it('is sampling with the stored fields only, the seed when there is one', () => {
    expect(storedSampling(sampling)).toEqual(MODEL_CARD_SAMPLING);
    expect(storedSampling({ ...MODEL_CARD_SAMPLING, seed: 7 })).toEqual({ ...MODEL_CARD_SAMPLING, seed: 7 });
    expect(v.parse(samplingSchema, storedSampling(sampling))).toEqual(MODEL_CARD_SAMPLING);
  });

  it('holds no field of a newer protocol in the records, a backup or a link', () => {
    const { header, versions } = toRecords(conversation);
    const data = toConversationData(conversation);
    for (const written of [header, versions, data]) {
      const json = JSON.stringify(written);
      expect(json).not.toContain('cachedTokens');
      expect(json).not.toContain('finishReason');
      expect(json).not.toContain('minP');
    }
  });
});
