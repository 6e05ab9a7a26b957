import * as v from 'valibot';
import { isEngineErrorCode } from '../../engine/error-codes';
import type { EngineErrorInfo, GenerationUsage } from '../../engine/protocol';
import type { SamplingParams } from '../../generation/sampling';
import { object } from '../../schema/issues';
import type { AnswerState } from '../conversation';

/*
 * The fields that stored conversations are made of: IndexedDB's records, backup files and shared links. They are
 * the disk's own schemas, not the worker protocol's, and what is written is copied field by field into them
 * (`storedAnswer`, `storedSampling`), so that a change to what crosses to the worker never changes what is on
 * disk; `src/chat/stored-shapes.test.ts` fails when one of them changes without a new format version.
 */

/** The last moment a `Date` can hold; a time past it would show as "Invalid Date". */
export const LATEST_TIME = 8.64e15;

const number = v.number('expected a number');

/** A finite number; NaN and Infinity cannot come from JSON, but can from a record written by other code. */
const finite = v.pipe(number, v.finite('expected a number'));

const amount = v.pipe(finite, v.minValue(0, 'expected a number of at least 0'));

export const count = v.pipe(amount, v.integer('expected a whole number'));

/** Milliseconds since 1970 that a `Date` can show. */
export const timestamp = v.pipe(
  amount,
  v.maxValue(LATEST_TIME, 'expected a time no later than the year 275760'),
);

export const text = v.string('expected a string');

export const identifier = v.pipe(text, v.nonEmpty('expected a non-empty string'));

export const usageSchema = object({
  promptTokens: amount,
  completionTokens: amount,
  prefillTokensPerSecond: amount,
  decodeTokensPerSecond: amount,
  timeToFirstTokenMs: amount,
  totalMs: amount,
});

const errorSchema = v.pipe(
  object({ code: text, message: text }),
  // A code from a newer version only picks the explanation shown; its message still says what happened.
  v.transform(({ code, message }): EngineErrorInfo => ({
    code: isEngineErrorCode(code) ? code : 'unknown',
    message,
  })),
);

const answerBase = { content: text, createdAt: timestamp };

export const answerSchema = v.variant(
  'status',
  [
    object({ ...answerBase, status: v.literal('pending') }),
    object({ ...answerBase, status: v.literal('streaming') }),
    object({
      ...answerBase,
      status: v.literal('complete'),
      truncated: v.boolean('expected true or false'),
      usage: usageSchema,
      droppedTurns: count,
    }),
    object({
      ...answerBase,
      status: v.literal('stopped'),
      usage: usageSchema,
      droppedTurns: count,
      interrupted: v.exactOptional(v.literal(true, 'expected true or nothing')),
    }),
    object({ ...answerBase, status: v.literal('failed'), error: errorSchema }),
  ],
  'expected pending, streaming, complete, stopped or failed',
);

export type StoredAnswer = v.InferOutput<typeof answerSchema>;

/** A conversation's sampling values as stored (the settings and the worker protocol have their own schemas). */
export const samplingSchema = v.pipe(
  object({
    temperature: finite,
    topK: finite,
    topP: finite,
    repetitionPenalty: finite,
    noRepeatNgramSize: finite,
    maxNewTokens: finite,
    seed: v.exactOptional(finite),
  }),
  v.readonly(),
) satisfies v.GenericSchema<unknown, SamplingParams>;

export type StoredUsage = v.InferOutput<typeof usageSchema>;
export type StoredSampling = v.InferOutput<typeof samplingSchema>;

/** An answer's statistics as stored: the stored fields only, whatever else the engine comes to report. */
export function storedUsage(usage: GenerationUsage): StoredUsage {
  const { promptTokens, completionTokens, prefillTokensPerSecond, decodeTokensPerSecond } = usage;
  const { timeToFirstTokenMs, totalMs } = usage;
  return {
    promptTokens,
    completionTokens,
    prefillTokensPerSecond,
    decodeTokensPerSecond,
    timeToFirstTokenMs,
    totalMs,
  };
}

/** An answer as stored: the stored fields only, so a field added to the protocol's types stays off the disk. */
export function storedAnswer(
  answer: { readonly content: string; readonly createdAt: number } & AnswerState,
): StoredAnswer {
  const base = { content: answer.content, createdAt: answer.createdAt };
  switch (answer.status) {
    case 'pending':
    case 'streaming':
      return { ...base, status: answer.status };
    case 'complete': {
      const { truncated, usage, droppedTurns } = answer;
      return { ...base, status: 'complete', truncated, usage: storedUsage(usage), droppedTurns };
    }
    case 'stopped': {
      const { usage, droppedTurns, interrupted } = answer;
      return {
        ...base,
        status: 'stopped',
        usage: storedUsage(usage),
        droppedTurns,
        ...(interrupted ? { interrupted } : {}),
      };
    }
    case 'failed':
      return { ...base, status: 'failed', error: { code: answer.error.code, message: answer.error.message } };
  }
}

/** Sampling values as stored: the stored fields only. */
export function storedSampling(sampling: SamplingParams): StoredSampling {
  const { temperature, topK, topP, repetitionPenalty, noRepeatNgramSize, maxNewTokens, seed } = sampling;
  return {
    temperature,
    topK,
    topP,
    repetitionPenalty,
    noRepeatNgramSize,
    maxNewTokens,
    ...(seed === undefined ? {} : { seed }),
  };
}
