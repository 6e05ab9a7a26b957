import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import type { ChatEngine } from './chat-engine';
import { EngineClient } from './engine-client';
import { serveEngine } from './engine-host';
import { MEASURE_ROWS, type GenerationResult, type LoadedModel, type MeasureRow } from './protocol';
import { ScriptedEngine } from './scripted/scripted-engine';

const model = {
  modelId: 'Llama-2-ko-7b-Chat-q4f32_1-MLC',
  artifactsBaseUrl: 'http://localhost/models/',
  contextWindow: 4096,
};
const loaded: LoadedModel = {
  modelId: model.modelId,
  engine: 'scripted',
  contextWindow: 4096,
  prefillChunkSize: 1024,
};
const ask = { turns: [{ role: 'user' as const, content: '안녕' }], params: MODEL_CARD_SAMPLING };

const result = (finishReason: GenerationResult['finishReason']): GenerationResult => ({
  finishReason,
  droppedTurns: 0,
  tokens: { promptIds: [1, 2], answerIds: [3] },
  usage: {
    promptTokens: 1,
    completionTokens: 1,
    prefillTokensPerSecond: 0,
    decodeTokensPerSecond: 0,
    timeToFirstTokenMs: 0,
    totalMs: 0,
  },
});

/**
 * The engine edge: a generation that, like a forward pass on the GPU, notices Stop only a little later, and
 * ends by itself after a while. Everything it does is logged in order.
 */
function loggingEngine() {
  const log: string[] = [];
  const engine: ChatEngine = {
    inspectDevice: () => Promise.resolve({ kind: 'no-webgpu' }),
    isCached: () => Promise.resolve(false),
    importFolder: () => Promise.resolve(),
    deleteCached: () => {
      log.push('delete');
      return Promise.resolve();
    },
    load: () => {
      log.push('load');
      return Promise.resolve(loaded);
    },
    unload: () => {
      log.push('unload');
      return Promise.resolve();
    },
    measure: () => Promise.resolve({ stopped: false }),
    generate: (_, { signal }) =>
      new Promise((resolve) => {
        log.push('generate');
        const end = (reason: GenerationResult['finishReason']) => {
          clearTimeout(timer);
          log.push(`ended ${reason}`);
          resolve(result(reason));
        };
        const timer = setTimeout(() => end('stop'), 300);
        signal?.addEventListener('abort', () => setTimeout(() => end('aborted'), 20), { once: true });
      }),
  };
  return { engine, log };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

function connect(engine: ChatEngine) {
  const channel = new MessageChannel();
  serveEngine(channel.port2, { engine });
  const requests: string[] = [];
  channel.port2.addEventListener('message', (event: MessageEvent<{ type: string }>) =>
    requests.push(event.data.type),
  );
  close = () => {
    channel.port1.close();
    channel.port2.close();
  };
  return { client: new EngineClient(channel.port1), requests };
}

describe('the worker host and the running generation', () => {
  it.each([
    ['unload', (client: EngineClient) => client.unload(), 'unload'],
    ['a new load', (client: EngineClient) => client.load(model), 'load'],
    ['deleting the files', (client: EngineClient) => client.deleteCached(model), 'delete'],
  ])('stops it and waits for its end before %s touches the engine', async (_, act, step) => {
    const { engine, log } = loggingEngine();
    const { client } = connect(engine);
    await client.load(model);
    log.length = 0;
    const answer = client.generate(ask, { onDelta: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await act(client);
    await expect(answer).resolves.toMatchObject({ finishReason: 'aborted' });
    expect(log).toEqual(['generate', 'ended aborted', step]);
  });

  it('is the one place that runs one generation at a time: the page passes a second one on, the host refuses it', async () => {
    const { engine, log } = loggingEngine();
    const { client, requests } = connect(engine);
    await client.load(model);
    const controller = new AbortController();
    const first = client.generate(ask, { signal: controller.signal, onDelta: () => undefined });
    await expect(client.generate(ask, { onDelta: () => undefined })).rejects.toMatchObject({ code: 'busy' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(requests.filter((type) => type === 'generate')).toHaveLength(2);
    controller.abort();
    await expect(first).resolves.toMatchObject({ finishReason: 'aborted' });
    expect(log.filter((entry) => entry === 'generate')).toHaveLength(1);
  });
});

describe('the worker host and the loads', () => {
  /** An engine whose loads end only when the test says, and which counts the loads running at once. */
  function heldLoads() {
    const finish: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const engine: ChatEngine = {
      ...loggingEngine().engine,
      // Like web-llm's load from the cache, it ignores the cancel and runs to its end.
      load: () =>
        new Promise((resolve) => {
          running += 1;
          most = Math.max(most, running);
          finish.push(() => {
            running -= 1;
            resolve(loaded);
          });
        }),
    };
    return { engine, finish, most: () => most };
  }

  it('starts a load only once every earlier one has ended, cancelled or not', async () => {
    const { engine, finish, most } = heldLoads();
    const { client } = connect(engine);
    const controller = new AbortController();
    const first = client.load(model, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    // A take-over, or Load pressed again at once after Cancel.
    const second = client.load(model);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finish).toHaveLength(1);
    finish[0]?.();
    await Promise.allSettled([first]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finish).toHaveLength(2);
    finish[1]?.();
    await expect(second).resolves.toEqual(loaded);
    expect(most()).toBe(1);
  });
});

/** An engine that streams `pieces` one every millisecond, and stops between two when asked. */
function streamingEngine(pieces: readonly string[], emitted: string[] = []): ChatEngine {
  return {
    ...loggingEngine().engine,
    generate: async (_, { signal, onDelta }) => {
      for (const piece of pieces) {
        if (signal?.aborted) return result('aborted');
        emitted.push(piece);
        onDelta(piece);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return result('stop');
    },
  };
}

describe('the text of an answer', () => {
  const pieces = Array.from({ length: 60 }, (_, index) => `${index}가`);

  it('goes to the page in fewer messages than pieces, all of it and in order, the first at once', async () => {
    const { client } = connect(streamingEngine(pieces));
    await client.load(model);
    const received: string[] = [];
    const startedAt = performance.now();
    let firstAt = 0;
    const answer = await client.generate(ask, {
      onDelta: (text) => {
        if (received.length === 0) firstAt = performance.now() - startedAt;
        received.push(text);
      },
    });
    expect(answer.finishReason).toBe('stop');
    expect(received.join('')).toBe(pieces.join(''));
    // 60 pieces over at least 60 ms, sent at most every 20 ms: a handful of messages, not 60.
    expect(received.length).toBeLessThan(pieces.length / 3);
    expect(firstAt).toBeLessThan(20);
  });

  it('is all sent before a stopped answer ends', async () => {
    const emitted: string[] = [];
    const { client } = connect(streamingEngine(pieces, emitted));
    await client.load(model);
    const controller = new AbortController();
    const received: string[] = [];
    const answer = client.generate(ask, {
      signal: controller.signal,
      onDelta: (text) => received.push(text),
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
    controller.abort();
    await expect(answer).resolves.toMatchObject({ finishReason: 'aborted' });
    // What waited for its turn when Stop came arrives before the end, not after it (and then dropped).
    expect(emitted.length).toBeGreaterThan(0);
    expect(received.join('')).toBe(emitted.join(''));
  });
});

describe('the worker host and a measurement', () => {
  it('sends each row, runs as the one generation, and stops when asked', async () => {
    const { client } = connect(new ScriptedEngine({ tokenDelayMs: 2, loadMs: 1 }));
    await client.load(model);
    const rows: MeasureRow[] = [];
    const controller = new AbortController();
    const measured = client.measure({
      signal: controller.signal,
      onRow: (row) => {
        rows.push(row);
        if (rows.length === 3) controller.abort();
      },
    });
    // An answer asked for meanwhile is refused: one generation at a time.
    await expect(client.generate(ask, { onDelta: () => undefined })).rejects.toMatchObject({ code: 'busy' });
    await expect(measured).resolves.toEqual({ stopped: true });
    expect(rows.map(({ id }) => id)).toEqual(['ttft-turn-1', 'ttft-turn-2', 'ttft-turn-5']);
    // Once it has ended, answers run again.
    await expect(client.generate(ask, { onDelta: () => undefined })).resolves.toMatchObject({
      finishReason: 'stop',
    });
  });

  it('sends every row of a whole run, then its end', async () => {
    const { client } = connect(new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }));
    await client.load(model);
    const rows: MeasureRow[] = [];
    await expect(client.measure({ onRow: (row) => rows.push(row) })).resolves.toEqual({ stopped: false });
    expect(rows.map(({ id }) => id).sort()).toEqual([...MEASURE_ROWS].sort());
  });
});
