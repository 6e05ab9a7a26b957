import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../engine/chat-engine';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import { manualSchedule } from '../../test/manual-schedule';
import { createAnswerStream, type AnswerStreamDependencies } from './answer-stream';
import type { Schedule } from './paced-text';

const ask = (question: string): GenerateRequest => ({
  turns: [{ role: 'user', content: question }],
  params: MODEL_CARD_SAMPLING,
});

/** The scripted engine, loaded: it streams an answer piece by piece. */
async function loadedEngine(tokenDelayMs = 1) {
  const engine = new ScriptedEngine({ tokenDelayMs, loadMs: 1 });
  await engine.load({
    modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC',
    artifactsBaseUrl: 'http://localhost/models/',
    contextWindow: 4096,
  });
  return engine;
}

/** A schedule that runs each turn at once. */
const atOnce: Schedule = (run) => (run(), () => undefined);

/** A stream whose handlers are recorded in `log`. */
function recorded(
  dependencies: Pick<AnswerStreamDependencies, 'engine' | 'schedule'>,
  isCurrent = () => true,
) {
  const log: string[] = [];
  const stream = createAnswerStream({
    ...dependencies,
    isCurrent,
    onFirstText: () => log.push('first text'),
    onText: (text) => log.push(text),
  });
  return { stream, log };
}

const text = '한 번에 여러 조각이 옵니다. '.repeat(4);

/** An echo of `text` streaming, its turns run by hand, once the first turn waits. */
async function streamingByTurns() {
  const engine = await loadedEngine(10);
  const turns = manualSchedule();
  const { stream, log } = recorded({ engine, schedule: turns.schedule });
  const ended = stream.generate(ask(`/echo ${text}`), new AbortController().signal);
  await expect.poll(() => turns.queue.length, { interval: 2 }).toBe(1);
  return { turns, stream, log, ended };
}

describe('the text of an answer as it arrives', () => {
  it('is shown once per turn of the schedule, the pieces between two turns joined', async () => {
    const { turns, log, ended } = await streamingByTurns();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log).toEqual(['first text']);
    turns.runNext();
    expect(log).toHaveLength(2);
    expect(log[1]?.length).toBeGreaterThan(3);
    const outcome = await ended;
    // What waited when the answer ended is shown then, not at a later turn.
    expect(turns.queue).toEqual([]);
    expect(log.slice(1).join('')).toBe(text);
    expect(outcome).toMatchObject({ answer: { status: 'complete', truncated: false } });
    expect(outcome.tokens?.answerIds).toHaveLength(Array.from(text).length);
  });

  it('says once that text began, before any is shown', async () => {
    const engine = await loadedEngine();
    const { stream, log } = recorded({ engine, schedule: atOnce });
    await stream.generate(ask(`/echo ${text}`), new AbortController().signal);
    expect(log[0]).toBe('first text');
    expect(log.filter((entry) => entry === 'first text')).toHaveLength(1);
    expect(log.slice(1).join('')).toBe(text);
  });

  it('shows what waited at once when asked: the page is going away', async () => {
    const { turns, stream, log, ended } = await streamingByTurns();
    stream.flushText();
    expect(turns.queue).toEqual([]);
    expect(log).toHaveLength(2);
    await ended;
  });

  it('is dropped once the stream is no longer the answer being written', async () => {
    const engine = await loadedEngine();
    const { stream, log } = recorded({ engine, schedule: atOnce }, () => false);
    const outcome = await stream.generate(ask(`/echo ${text}`), new AbortController().signal);
    expect(log).toEqual([]);
    expect(outcome.answer.status).toBe('complete');
  });
});

describe('how a stream ends', () => {
  it('is stopped when the signal ends it, with the text so far shown', async () => {
    const engine = await loadedEngine(5);
    const { stream, log } = recorded({ engine, schedule: atOnce });
    const controller = new AbortController();
    const ended = stream.generate(ask(`/echo ${text.repeat(4)}`), controller.signal);
    await expect.poll(() => log.length).toBeGreaterThan(3);
    controller.abort();
    const outcome = await ended;
    expect(outcome.answer.status).toBe('stopped');
    expect(text.repeat(4).startsWith(log.slice(1).join(''))).toBe(true);
  });

  it('is failed, with the engine’s code, when the engine fails', async () => {
    const { stream } = recorded({
      engine: new ScriptedEngine(),
      schedule: atOnce,
    });
    const outcome = await stream.generate(ask('안녕'), new AbortController().signal);
    expect(outcome).toEqual({
      answer: { status: 'failed', error: expect.objectContaining({ code: 'not-loaded' }) as object },
      tokens: undefined,
    });
  });
});
