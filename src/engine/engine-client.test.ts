import { afterEach, describe, expect, it } from 'vitest';
import { connectScriptedEngine } from '../test/connect-scripted';
import { formatKullmPrompt, kullmInstructionBlock } from '../generation/kullm';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import { EngineError, type GenerateRequest } from './chat-engine';
import type { EngineEvent, LoadProgress } from './protocol';
import { serveEngine } from './engine-host';
import { ScriptedEngine, scriptedAnswer } from './scripted/scripted-engine';

const model = {
  modelId: 'Llama-2-ko-7b-Chat-q4f32_1-MLC',
  artifactsBaseUrl: 'http://localhost/models/',
  contextWindow: 4096,
};
const ask = (content: string) => ({
  turns: [{ role: 'user' as const, content }],
  params: MODEL_CARD_SAMPLING,
});

let close: (() => void) | undefined;
afterEach(() => close?.());

function connect(...args: Parameters<typeof connectScriptedEngine>) {
  const connection = connectScriptedEngine(...args);
  close = connection.close;
  return connection;
}

describe('the engine protocol over a MessageChannel, with the scripted engine', () => {
  it('loads with progress in order and reports the model', async () => {
    const { client } = connect();
    const progress: LoadProgress[] = [];
    const loaded = await client.load(model, { onProgress: (p) => progress.push(p) });
    expect(loaded).toEqual({
      modelId: model.modelId,
      engine: 'scripted',
      contextWindow: 4096,
      prefillChunkSize: 1024,
    });
    expect(progress.length).toBeGreaterThan(10);
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['download', 'cache', 'compile', 'finishing']);
    for (const phase of phases) {
      const fractions = progress.filter((p) => p.phase === phase).map((p) => p.fraction);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(fractions.at(-1)).toBe(1);
    }
    expect(new Set(progress.map((p) => p.phase))).toEqual(
      new Set(['download', 'cache', 'compile', 'finishing']),
    );
    expect(progress.find((p) => p.phase === 'download')?.totalBytes).toBeGreaterThan(0);
  });

  it('streams an answer in pieces and ends with usage statistics', async () => {
    const { client } = connect();
    await client.load(model);
    const pieces: string[] = [];
    const result = await client.generate(ask('서울의 날씨는 어때요?'), {
      onDelta: (text) => pieces.push(text),
    });
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(scriptedAnswer(ask('서울의 날씨는 어때요?').turns));
    expect(result.finishReason).toBe('stop');
    expect(result.usage.completionTokens).toBe(pieces.length);
    expect(result.usage.totalMs).toBeGreaterThan(0);
  });

  it('reports the ids of an exchange, a code point each, and they come back with the next request', async () => {
    const { client, workerSide } = connect();
    await client.load(model);
    const pieces: string[] = [];
    const first = await client.generate(ask('/echo 안녕 🙂'), { onDelta: (text) => pieces.push(text) });
    const codePoints = (text: string) => Array.from(text, (char) => char.codePointAt(0));
    expect(first.tokens.answerIds).toEqual(codePoints('안녕 🙂'));
    expect(first.tokens.promptIds).toEqual([1, ...codePoints(formatKullmPrompt(ask('/echo 안녕 🙂').turns))]);
    const seen: GenerateRequest[] = [];
    const generate = workerSide.generate.bind(workerSide);
    workerSide.generate = (request, options) => {
      seen.push(request);
      return generate(request, options);
    };
    const turns = [
      ...ask('/echo 안녕 🙂').turns,
      { role: 'assistant' as const, content: pieces.join(''), tokens: first.tokens },
      { role: 'user' as const, content: '/echo 또' },
    ];
    const second = await client.generate(
      { turns, params: MODEL_CARD_SAMPLING },
      { onDelta: () => undefined },
    );
    expect(seen[0]?.turns[1]?.tokens).toEqual(first.tokens);
    expect(second.tokens).toEqual({
      promptIds: codePoints(kullmInstructionBlock('/echo 또')),
      answerIds: codePoints('또'),
    });
  });

  it('echoes a /echo message verbatim, whatever it holds', async () => {
    const { client } = connect();
    await client.load(model);
    const text = '한글 🙂👩‍👩‍👧 emoji\n\n### 응답:\n  끝 ';
    const pieces: string[] = [];
    await client.generate(ask(`/echo ${text}`), { onDelta: (piece) => pieces.push(piece) });
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
  });

  it('stops at an abort, keeps what was sent and drops nothing after it', async () => {
    const { client } = connect({ tokenDelayMs: 5, loadMs: 1 });
    await client.load(model);
    const controller = new AbortController();
    const pieces: string[] = [];
    const result = await client.generate(ask(`/echo ${'가나다라마바사'.repeat(40)}`), {
      signal: controller.signal,
      onDelta: (text) => {
        pieces.push(text);
        if (pieces.length === 3) controller.abort();
      },
    });
    expect(result.finishReason).toBe('aborted');
    const afterAbort = pieces.length;
    expect(afterAbort).toBeGreaterThanOrEqual(3);
    expect(afterAbort).toBeLessThan(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pieces.length).toBe(afterAbort);
    // The ids of the answer are those of what was shown.
    expect(result.tokens.answerIds).toHaveLength(Array.from(pieces.join('')).length);
  });

  it('runs one generation at a time', async () => {
    const { client } = connect();
    await client.load(model);
    const first = client.generate(ask('하나'), { onDelta: () => undefined });
    await expect(client.generate(ask('둘'), { onDelta: () => undefined })).rejects.toMatchObject({
      code: 'busy',
    });
    await expect(first).resolves.toMatchObject({ finishReason: 'stop' });
    await expect(client.generate(ask('셋'), { onDelta: () => undefined })).resolves.toMatchObject({
      finishReason: 'stop',
    });
  });

  it('turns a load failure into a typed error', async () => {
    const { client } = connect({ loadMs: 5, loadError: 'quota-exceeded' });
    const error = await client.load(model).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'quota-exceeded' });
  });

  it('cancels a load', async () => {
    const { client } = connect({ loadMs: 2000 });
    const controller = new AbortController();
    const loading = client.load(model, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(loading).rejects.toMatchObject({ code: 'load-cancelled' });
  });

  it('fails mid-stream with the scenario code after the pieces already sent', async () => {
    const { client } = connect({
      tokenDelayMs: 1,
      loadMs: 1,
      generateError: { code: 'device-lost', afterPieces: 4 },
    });
    await client.load(model);
    const pieces: string[] = [];
    await expect(
      client.generate(ask('안녕'), { onDelta: (text) => pieces.push(text) }),
    ).rejects.toMatchObject({
      code: 'device-lost',
    });
    expect(pieces).toHaveLength(4);
  });

  it('refuses to generate before a load', async () => {
    const { client } = connect();
    await expect(client.generate(ask('안녕'), { onDelta: () => undefined })).rejects.toMatchObject({
      code: 'not-loaded',
    });
  });

  it('stops after max new tokens with finish reason length', async () => {
    const { client } = connect();
    await client.load(model);
    const pieces: string[] = [];
    const result = await client.generate(
      {
        turns: ask('/echo 가나다라마바사아자차카타파하').turns,
        params: { ...MODEL_CARD_SAMPLING, maxNewTokens: 2 },
      },
      { onDelta: (text) => pieces.push(text) },
    );
    expect(result.finishReason).toBe('length');
    expect(pieces).toHaveLength(2);
  });

  it('answers a malformed request with invalid-request instead of acting on it', async () => {
    const { port1, port2 } = new MessageChannel();
    close = () => {
      port1.close();
      port2.close();
    };
    serveEngine(port2, { engine: new ScriptedEngine() });
    const events: EngineEvent[] = [];
    port1.addEventListener('message', (event) => events.push(event.data as EngineEvent));
    port1.start();
    port1.postMessage({ type: 'generate', requestId: 99, turns: 'not a list' });
    port1.postMessage({ type: 'explode' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([
      {
        type: 'error',
        requestId: 99,
        error: { code: 'invalid-request', message: expect.any(String) as string },
      },
    ]);
  });

  it('rejects everything pending when the worker dies', async () => {
    const { client } = connect({ loadMs: 5000 });
    const loading = client.load(model);
    client.disconnect('The engine worker stopped: boom');
    await expect(loading).rejects.toMatchObject({ code: 'worker-failed' });
  });
});

describe('device and cache questions over the protocol', () => {
  it('reports the scripted device', async () => {
    const { client } = connect({ gpu: 'no-f16' });
    await expect(client.inspectDevice()).resolves.toMatchObject({ kind: 'adapter', features: [] });
  });

  it('reports the cache before and after a load, and deletes it', async () => {
    const { client } = connect();
    await expect(client.isCached(model)).resolves.toBe(false);
    await client.load(model);
    await expect(client.isCached(model)).resolves.toBe(true);
    await client.deleteCached(model);
    await expect(client.isCached(model)).resolves.toBe(false);
  });

  it('skips the download phase when the model is cached', async () => {
    const { client } = connect();
    await client.load(model);
    const phases = new Set<string>();
    await client.load(model, { onProgress: (p) => phases.add(p.phase) });
    expect(phases.has('download')).toBe(false);
    expect(phases.has('cache')).toBe(true);
  });
});
