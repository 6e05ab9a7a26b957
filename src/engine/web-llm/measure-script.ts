import { hasTrait } from '../error-codes';
import { formatKullmPrompt } from '../../generation/kullm';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../../generation/sampling';
import { promptTokenIds, type TextTokenizer } from '../../generation/tokens';
import { toErrorInfo } from '../chat-engine';
import type { ChatTurn, MeasureRow, MeasureRowId } from '../protocol';
import type { KullmSession, ModelWindow } from './kullm-session';

/** The fixed conversation whose turns 1, 2 and 5 are timed (docs/measure.md). */
export const MEASURE_QUESTIONS = [
  '안녕하세요. 자기소개를 두 문장으로 해 주세요.',
  '한국의 수도는 어디인가요?',
  '그 도시에서 가 볼 만한 곳을 하나 알려 주세요.',
  '그곳에 가기 좋은 계절은 언제인가요?',
  '지금까지 나눈 이야기를 한 문장으로 줄여 주세요.',
] as const;

/** Every draw of the script is seeded, so that two runs on one device feed the same ids. */
export const MEASURE_SEED = 20_261_206;
/** Tokens of each answer of the conversation: enough to be a turn, few enough to be quick. */
export const MEASURE_ANSWER_TOKENS = 24;
/** The long prompt's size, when the window holds it. */
export const LONG_PROMPT_TOKENS = 2000;
export const DECODE_TOKENS = 128;
/** The sentence the long prompt repeats. */
const LONG_SENTENCE =
  '브라우저 안에서 돌아가는 언어 모델이 긴 글을 얼마나 빨리 읽는지 재기 위해 이 문장을 되풀이합니다. ';

/** What the script needs of the loaded model; `WebLlmEngine` gives it over web-llm. */
export interface MeasureModel {
  /** A session of its own on the loaded model: the KV cache is shared, what it counts as cached is not. */
  newSession(): KullmSession;
  readonly tokenizer: TextTokenizer;
  /** The loaded window, with the prefill chunk web-llm slices by (the library's). */
  readonly window: ModelWindow;
  /** The library's prefill chunk, when it could be read, and the config's. */
  readonly prefillChunks: { readonly library: number | undefined; readonly config: number };
  /** web-llm's own count of the ids in its KV cache, when it can be read. */
  kvLength(): number | undefined;
  /**
   * Feeds `promptIds` after emptying the KV cache, then draws `steps` tokens one at a time, each fed back:
   * with the model card's sampler, or with web-llm's greedy pick and no logit processor. `ms` is the time of
   * the draws after the prompt; `fed` counts the ids fed.
   */
  decode(
    promptIds: readonly number[],
    steps: number,
    mode: 'sampler' | 'greedy',
    signal: AbortSignal | undefined,
  ): Promise<{ readonly steps: number; readonly ms: number; readonly fed: number; readonly detail?: string }>;
  now(): number;
}

type Emit = (row: MeasureRow) => void;

const seeded = (maxNewTokens: number): SamplingParams => ({
  ...MODEL_CARD_SAMPLING,
  maxNewTokens,
  seed: MEASURE_SEED,
});

/** A long question whose prompt takes at most `tokens` ids (the sentence repeated). */
function longQuestion(tokenizer: TextTokenizer, tokens: number): string {
  const promptTokens = (text: string): number =>
    promptTokenIds(tokenizer, formatKullmPrompt([{ role: 'user', content: text }])).length;
  let text = LONG_SENTENCE;
  while (promptTokens(text + LONG_SENTENCE) <= tokens) text += LONG_SENTENCE;
  return text;
}

const formatted = (value: number): string => value.toLocaleString('en-US');

/**
 * Runs the measurement script (docs/measure.md) and reports each figure as its step ends. A step that fails
 * reports why and the next one runs, unless the model is gone (a lost device), which ends the script with
 * that error. Stop ends it between steps, and inside the long ones as an answer stops.
 */
export async function runMeasureScript(
  model: MeasureModel,
  emit: Emit,
  signal: AbortSignal | undefined,
): Promise<{ readonly stopped: boolean }> {
  const session = model.newSession();
  const kv: { readonly step: string; readonly web: number | undefined; readonly app: number }[] = [];
  const checkKv = (step: string, app = session.cachedLength): void => {
    kv.push({ step, web: model.kvLength(), app });
  };
  const stopped = (): boolean => signal?.aborted === true;
  const failed = (id: MeasureRowId, unit: MeasureRow['unit'], error: unknown): void => {
    const info = toErrorInfo(error);
    emit({ id, unit, error: info.message });
    if (hasTrait(info.code, 'model-gone')) throw error;
  };

  // The conversation: turns 1 to 5, then turn 5 asked again.
  let turns: ChatTurn[] = [];
  let lastQuestion: ChatTurn[] = [];
  const timed: Partial<Record<number, MeasureRowId>> = {
    1: 'ttft-turn-1',
    2: 'ttft-turn-2',
    5: 'ttft-turn-5',
  };
  for (const [index, question] of MEASURE_QUESTIONS.entries()) {
    if (stopped()) return { stopped: true };
    const turn = index + 1;
    const id = timed[turn];
    lastQuestion = [...turns, { role: 'user', content: question }];
    try {
      let text = '';
      const result = await session.generate(
        { turns: lastQuestion, params: seeded(MEASURE_ANSWER_TOKENS) },
        { onDelta: (piece) => (text += piece), ...(signal ? { signal } : {}) },
      );
      if (result.finishReason === 'aborted') return { stopped: true };
      checkKv(`turn ${turn}`);
      if (id) {
        emit({
          id,
          unit: 'ms',
          value: result.usage.timeToFirstTokenMs,
          detail: `${formatted(result.usage.promptTokens)}-token prompt`,
        });
      }
      turns = [...lastQuestion, { role: 'assistant', content: text, tokens: result.tokens }];
    } catch (error) {
      // Without this turn's answer the conversation cannot go on: the turns timed after it fail with it.
      for (const later of [1, 2, 5].filter((timedTurn) => timedTurn >= turn))
        failed(timed[later] ?? 'ttft-turn-1', 'ms', error);
      turns = [];
      break;
    }
  }
  if (stopped()) return { stopped: true };
  if (turns.length > 0) {
    try {
      // The cache holds turn 5's answer, which the question asked again does not go on from.
      const result = await session.generate(
        { turns: lastQuestion, params: seeded(MEASURE_ANSWER_TOKENS) },
        { onDelta: () => undefined, ...(signal ? { signal } : {}) },
      );
      if (result.finishReason === 'aborted') return { stopped: true };
      checkKv('turn 5 asked again');
      emit({
        id: 'ttft-regenerate',
        unit: 'ms',
        value: result.usage.timeToFirstTokenMs,
        detail: `${formatted(result.usage.promptTokens)}-token prompt, read again`,
      });
    } catch (error) {
      failed('ttft-regenerate', 'ms', error);
    }
  } else {
    emit({ id: 'ttft-regenerate', unit: 'ms', error: 'The conversation before it failed.' });
  }

  // The long prompt: read once, then read again and stopped halfway.
  const longTokens = Math.min(LONG_PROMPT_TOKENS, model.window.contextWindow - 2);
  const long: ChatTurn[] = [{ role: 'user', content: longQuestion(model.tokenizer, longTokens) }];
  let prefillMs = 0;
  if (stopped()) return { stopped: true };
  try {
    const result = await session.generate(
      { turns: long, params: seeded(1) },
      { onDelta: () => undefined, ...(signal ? { signal } : {}) },
    );
    if (result.finishReason === 'aborted') return { stopped: true };
    checkKv('long prompt');
    prefillMs = result.usage.timeToFirstTokenMs;
    emit({
      id: 'prefill-speed',
      unit: 'tokens/s',
      value: result.usage.prefillTokensPerSecond,
      detail: `${formatted(result.usage.promptTokens)}-token prompt${
        longTokens < LONG_PROMPT_TOKENS
          ? ` (the ${formatted(model.window.contextWindow)}-token window holds no more)`
          : ''
      }`,
    });
  } catch (error) {
    failed('prefill-speed', 'tokens/s', error);
  }
  if (stopped()) return { stopped: true };
  try {
    const controller = new AbortController();
    const outer = (): void => controller.abort();
    signal?.addEventListener('abort', outer, { once: true });
    // Stop comes halfway through the prompt as it was read above (after 1 ms when that failed).
    const stopAfter = Math.max(prefillMs / 2, 1);
    let stoppedAt = 0;
    const timer = setTimeout(() => {
      stoppedAt = model.now();
      controller.abort();
    }, stopAfter);
    // The same prompt does not go on from what the cache holds (all of it): it is read again from the start.
    try {
      await session.generate(
        { turns: long, params: seeded(1) },
        { onDelta: () => undefined, signal: controller.signal },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', outer);
    }
    if (stopped()) return { stopped: true };
    checkKv('long prompt stopped');
    emit(
      stoppedAt === 0
        ? { id: 'stop-latency', unit: 'ms', error: 'The prompt was read before Stop came.' }
        : {
            id: 'stop-latency',
            unit: 'ms',
            value: model.now() - stoppedAt,
            detail: `Stop ${formatted(Math.round(stopAfter))} ms into the prompt, read in slices of ${formatted(model.window.prefillChunkSize)} tokens`,
          },
    );
  } catch (error) {
    failed('stop-latency', 'ms', error);
  }

  // Drawing 128 tokens with the model card's sampler, then with web-llm's greedy pick alone.
  const decodePrompt = promptTokenIds(
    model.tokenizer,
    formatKullmPrompt([{ role: 'user', content: MEASURE_QUESTIONS[0] }]),
  );
  const rates: Partial<Record<'sampler' | 'greedy', number>> = {};
  for (const mode of ['sampler', 'greedy'] as const) {
    if (stopped()) return { stopped: true };
    const id = mode === 'sampler' ? 'decode-speed-sampler' : 'decode-speed-greedy';
    try {
      const run = await model.decode(decodePrompt, DECODE_TOKENS, mode, signal);
      if (stopped()) return { stopped: true };
      checkKv(`${DECODE_TOKENS} tokens, ${mode}`, run.fed);
      const rate = run.ms > 0 ? (run.steps * 1000) / run.ms : 0;
      rates[mode] = rate;
      emit({
        id,
        unit: 'tokens/s',
        value: rate,
        detail: `${formatted(run.steps)} tokens${run.detail ? `; ${run.detail}` : ''}`,
      });
    } catch (error) {
      failed(id, 'tokens/s', error);
    }
  }
  const { sampler, greedy } = rates;
  emit(
    sampler && greedy
      ? {
          id: 'sampler-cost',
          unit: 'times',
          value: greedy / sampler,
          detail: 'time per token, sampler ÷ greedy',
        }
      : { id: 'sampler-cost', unit: 'times', error: 'A decode run above failed.' },
  );

  const unread = kv.filter(({ web }) => web === undefined);
  const unequal = kv.filter(({ web, app }) => web !== undefined && web !== app);
  emit(
    unread.length === kv.length
      ? {
          id: 'kv-check',
          unit: 'steps',
          error: 'web-llm’s filled KV length could not be read on its pipeline.',
        }
      : unequal.length > 0
        ? {
            id: 'kv-check',
            unit: 'steps',
            value: kv.length - unequal.length - unread.length,
            error: unequal
              .map(({ step, web, app }) => `after ${step}: web-llm ${web}, app ${app}`)
              .join('; '),
          }
        : { id: 'kv-check', unit: 'steps', value: kv.length, detail: `equal after all ${kv.length} steps` },
  );
  const { library, config } = model.prefillChunks;
  emit(
    library === undefined
      ? { id: 'prefill-chunk-library', unit: 'tokens', error: 'web-llm’s pipeline could not be read.' }
      : { id: 'prefill-chunk-library', unit: 'tokens', value: library },
  );
  emit({ id: 'prefill-chunk-config', unit: 'tokens', value: config });
  return { stopped: false };
}
