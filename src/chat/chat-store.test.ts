import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedScenario } from '../engine/protocol';
import { scriptedAnswer } from '../engine/scripted/scripted-engine';
import type { Schedule } from './answers/paced-text';
import { connectScriptedEngine } from '../test/connect-scripted';
import {
  createChatStore,
  type ChatStore,
  type ChatStoreDependencies,
  type StorageAccess,
  type TabLock,
} from './chat-store';
import type { AssistantMessage } from '../conversation/messages';
import type { ModelStatus } from './types';

const artifactsBaseUrl = 'http://localhost/models/';
const f16ModelId = 'Llama-2-ko-7b-Chat-q4f16_1-MLC';

let close: (() => void) | undefined;
afterEach(() => close?.());

function setup(
  scenario?: ScriptedScenario,
  extra: Partial<Pick<ChatStoreDependencies, 'storage' | 'tabLock' | 'schedule'>> = {},
) {
  const connection = connectScriptedEngine(scenario);
  close = connection.close;
  let id = 0;
  const store = createChatStore({
    engine: connection.client,
    artifactsBaseUrl,
    now: () => 1000,
    newId: () => `id-${++id}`,
    ...extra,
  });
  return { store, connection };
}

const everyPiece: Schedule = (run) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) run();
  });
  return () => {
    cancelled = true;
  };
};

async function checked(...args: Parameters<typeof setup>) {
  const context = setup(...args);
  await context.store.getState().checkDevice();
  return context;
}

async function loaded(...args: Parameters<typeof setup>) {
  const context = await checked(...args);
  await context.store.getState().loadModel();
  return context;
}

/** A fake of `navigator.storage`, the platform edge. */
function fakeStorage(quota: number, usage: number, persist = true): StorageAccess & { persistCalls: number } {
  const storage = {
    persistCalls: 0,
    estimate: () => Promise.resolve({ quota, usage }),
    persisted: () => Promise.resolve(false),
    persist: () => {
      storage.persistCalls += 1;
      return Promise.resolve(persist);
    },
  };
  return storage;
}

/** Two tabs' view of one Web Locks lock, the platform edge. */
function fakeLocks() {
  let holder: { readonly onLost: () => void } | undefined;
  const tab = (): TabLock => {
    let mine: { readonly onLost: () => void } | undefined;
    return {
      acquire: ({ steal }, onLost) => {
        if (mine && holder === mine) return Promise.resolve(true);
        if (holder && !steal) return Promise.resolve(false);
        const previous = holder;
        mine = { onLost };
        holder = mine;
        previous?.onLost();
        return Promise.resolve(true);
      },
      release: () => {
        if (holder === mine) holder = undefined;
        mine = undefined;
      },
    };
  };
  return { tab };
}

function waitFor(store: ChatStore, predicate: (state: ReturnType<ChatStore['getState']>) => boolean) {
  return new Promise<void>((resolve) => {
    if (predicate(store.getState())) resolve();
    const unsubscribe = store.subscribe((state) => {
      if (!predicate(state)) return;
      unsubscribe();
      resolve();
    });
  });
}

const answer = (store: ChatStore): AssistantMessage => {
  const last = store.getState().messages.at(-1);
  if (last?.role !== 'assistant') throw new Error('the last message is not an answer');
  return last;
};

describe('chat store', () => {
  it('goes idle → loading with progress → ready', async () => {
    const { store } = await checked();
    const seen: ModelStatus['kind'][] = [];
    let progressUpdates = 0;
    store.subscribe((state) => {
      seen.push(state.model.kind);
      if (state.model.kind === 'loading' && state.model.progress) progressUpdates += 1;
    });
    expect(store.getState().model).toEqual({ kind: 'idle' });
    await store.getState().loadModel();
    expect(store.getState().model).toEqual({
      kind: 'ready',
      model: { modelId: f16ModelId, engine: 'scripted', contextWindow: 4096, prefillChunkSize: 1024 },
      offline: true,
      fit: { quantization: 'q4f16_1', contextWindow: 4096, gpuMemoryBytes: expect.any(Number) as number },
      loadTimes: {
        totalMs: expect.any(Number) as number,
        phases: expect.objectContaining({ download: expect.any(Number) as number }) as object,
      },
    });
    expect(seen[0]).toBe('loading');
    expect(progressUpdates).toBeGreaterThan(10);
  });

  it('does not start a second load while one runs', async () => {
    const { store } = await checked({ loadMs: 50 });
    const first = store.getState().loadModel();
    const second = store.getState().loadModel();
    await Promise.all([first, second]);
    expect(store.getState().model.kind).toBe('ready');
  });

  it('shows a failed load with its code, and loads on retry', async () => {
    const { store, connection } = await checked({ loadMs: 5, loadError: 'network' });
    await store.getState().loadModel();
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'network' } });
    connection.client.setScenario({ loadMs: 5 });
    await store.getState().loadModel();
    expect(store.getState().model.kind).toBe('ready');
  });

  it('goes back to idle when the load is cancelled', async () => {
    const { store } = await checked({ loadMs: 5000 });
    const loading = store.getState().loadModel();
    await waitFor(store, (state) => state.model.kind === 'loading' && state.model.progress !== undefined);
    store.getState().cancelLoad();
    await loading;
    expect(store.getState().model).toEqual({ kind: 'idle' });
  });

  it('keeps a message unsent until the model is ready, and ignores blank input', async () => {
    const { store } = await checked();
    expect(store.getState().send('안녕하세요')).toBe('model-not-ready');
    await store.getState().loadModel();
    expect(store.getState().send('')).toBe('empty');
    expect(store.getState().send('  \n\t ')).toBe('empty');
    expect(store.getState().messages).toEqual([]);
  });

  it('streams an answer into the conversation: submitted → streaming → ready', async () => {
    // A turn per piece, so every piece shows as its own update.
    const { store } = await loaded(undefined, { schedule: everyPiece });
    const statuses = new Set<string>();
    const growth: number[] = [];
    store.subscribe((state) => {
      statuses.add(state.status);
      const last = state.messages.at(-1);
      if (last?.role === 'assistant' && last.status === 'streaming') growth.push(last.content.length);
    });
    expect(store.getState().send('한국어로 자기소개 해 주세요')).toBe('sent');
    expect(store.getState().status).toBe('submitted');
    expect(store.getState().messages[0]).toEqual({
      id: 'id-3:0:q',
      role: 'user',
      content: '한국어로 자기소개 해 주세요',
      createdAt: 1000,
      depth: 0,
      versionCount: 1,
      selectedVersion: 0,
    });
    expect(store.getState().current.title).toBe('한국어로 자기소개 해 주세요');
    await waitFor(store, (state) => state.status === 'ready');
    expect(statuses).toEqual(new Set(['submitted', 'streaming', 'ready']));
    expect(growth.length).toBeGreaterThan(5);
    expect(growth).toEqual([...growth].sort((a, b) => a - b));
    const final = answer(store);
    expect(final.content).toBe(scriptedAnswer([{ role: 'user', content: '한국어로 자기소개 해 주세요' }]));
    expect(final).toMatchObject({ status: 'complete', truncated: false });
    if (final.status === 'complete') expect(final.usage.completionTokens).toBeGreaterThan(5);
  });

  it('shows the pieces that arrive within one frame as one update', async () => {
    const frames: (() => void)[] = [];
    const { store } = await loaded(
      { tokenDelayMs: 5, loadMs: 5 },
      {
        schedule: (run) => {
          frames.push(run);
          return () => frames.splice(frames.indexOf(run), 1);
        },
      },
    );
    const updates: string[] = [];
    store.subscribe((state, before) => {
      const text = state.messages.at(-1)?.content ?? '';
      if (text !== '' && text !== before.messages.at(-1)?.content) updates.push(text);
    });
    const text = '한 프레임에 여러 조각이 옵니다. '.repeat(20);
    store.getState().send(`/echo ${text}`);
    await waitFor(store, (state) => state.status === 'streaming');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(updates).toEqual([]);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(updates).toHaveLength(1);
    expect(updates[0]?.length).toBeGreaterThan(3);
    await waitFor(store, (state) => state.status === 'ready');
    expect(answer(store).content).toBe(text);
  });

  it('runs one generation at a time', async () => {
    const { store } = await loaded({ tokenDelayMs: 5 });
    expect(store.getState().send('첫 번째')).toBe('sent');
    expect(store.getState().send('두 번째')).toBe('busy');
    expect(store.getState().messages).toHaveLength(2);
    await waitFor(store, (state) => state.status === 'ready');
    expect(store.getState().send('세 번째')).toBe('sent');
  });

  it('stop keeps the partial answer, marks it stopped, and the next message can be sent', async () => {
    const { store } = await loaded({ tokenDelayMs: 5 });
    const long = '천천히 흐르는 강물처럼 '.repeat(30);
    store.getState().send(`/echo ${long}`);
    await waitFor(store, (state) => (state.messages.at(-1)?.content.length ?? 0) > 12);
    store.getState().stop();
    await waitFor(store, (state) => state.status === 'ready');
    const stopped = answer(store);
    expect(stopped.status).toBe('stopped');
    expect(stopped.content.length).toBeGreaterThan(12);
    expect(stopped.content.length).toBeLessThan(long.length);
    expect(long.startsWith(stopped.content)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answer(store).content).toBe(stopped.content);

    expect(store.getState().send('/echo 다시')).toBe('sent');
    await waitFor(store, (state) => state.status === 'ready');
    expect(answer(store)).toMatchObject({ content: '다시', status: 'complete' });
  });

  it('keeps the text so far when an answer fails mid-stream, and leaves the failed exchange out of the next prompt', async () => {
    const { store, connection } = await loaded({
      tokenDelayMs: 1,
      generateError: { code: 'unknown', afterPieces: 3 },
    });
    store.getState().send('/echo 가나다라마바사아자차');
    await waitFor(store, (state) => state.status === 'ready');
    expect(answer(store)).toMatchObject({
      status: 'failed',
      error: { code: 'unknown' },
      content: '가나다라마바사아자',
    });

    connection.client.setScenario({ tokenDelayMs: 1 });
    store.getState().send('그럼 이번에는요?');
    await waitFor(store, (state) => state.status === 'ready');
    // The scripted answer counts the turns it was given: the failed question and answer are left out.
    expect(answer(store).content).toContain('지금까지 대화에는 1개의 메시지가 있습니다.');
  });

  it('sends earlier exchanges, stopped answers included, with the new message', async () => {
    const { store } = await loaded();
    store.getState().send('/echo 하나');
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().send('둘');
    await waitFor(store, (state) => state.status === 'ready');
    expect(answer(store).content).toContain('지금까지 대화에는 3개의 메시지가 있습니다.');
  });
});

describe('chat store: the device check before any download', () => {
  it('blocks without WebGPU and never loads', async () => {
    const { store } = await checked({ gpu: 'none' });
    expect(store.getState().preflight).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'webgpu-unavailable' }],
    });
    await store.getState().loadModel();
    expect(store.getState().model).toEqual({ kind: 'idle' });
  });

  it('blocks a download that does not fit in storage, and asks for persistence before loading', async () => {
    const tight = await checked({}, { storage: fakeStorage(2e9, 1e9) });
    expect(tight.store.getState().preflight).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'storage-insufficient', availableBytes: 1e9 }],
    });
    close?.();
    const storage = fakeStorage(100e9, 1e9, false);
    const roomy = await loaded({ loadMs: 5 }, { storage });
    expect(storage.persistCalls).toBe(1);
    expect(roomy.store.getState().persistence).toBe('denied');
    expect(roomy.store.getState().preflight).toMatchObject({ kind: 'ready', freeBytes: 99e9 });
  });

  it('says the model is cached (and so needs no room) after a load, and forgets it when deleted', async () => {
    const { store } = await loaded({ loadMs: 5 }, { storage: fakeStorage(100e9, 0) });
    expect(store.getState().model).toMatchObject({ kind: 'ready', offline: true });
    await store.getState().checkDevice();
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', cached: true });
    await store.getState().deleteModelFiles();
    expect(store.getState().model).toEqual({ kind: 'idle' });
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', cached: false });
  });
});

describe('chat store: one model per browser', () => {
  it('tells the second tab the model is elsewhere, lets it take over, and tells the first', async () => {
    const locks = fakeLocks();
    const first = await loaded({ loadMs: 5 }, { tabLock: locks.tab() });
    expect(first.store.getState().model.kind).toBe('ready');
    const firstStore = first.store;

    const second = await checked({ loadMs: 5 }, { tabLock: locks.tab() });
    await second.store.getState().loadModel();
    expect(second.store.getState().model).toEqual({ kind: 'elsewhere' });

    await second.store.getState().takeOver();
    expect(second.store.getState().model.kind).toBe('ready');
    expect(firstStore.getState().model).toEqual({ kind: 'taken-over' });
  });
});

describe('chat store: losing the device mid-chat', () => {
  it('keeps the conversation and asks for the model again', async () => {
    const { store, connection } = await loaded({ tokenDelayMs: 1, loadMs: 5 });
    store.getState().send('/echo 첫 질문');
    await waitFor(store, (state) => state.status === 'ready');
    connection.client.setScenario({
      tokenDelayMs: 1,
      loadMs: 5,
      generateError: { code: 'device-lost', afterPieces: 2 },
    });
    store.getState().send('/echo 두 번째 질문입니다');
    await waitFor(store, (state) => state.status === 'ready');
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'device-lost' } });
    expect(store.getState().messages.map((message) => message.content)).toEqual([
      '/echo 첫 질문',
      '첫 질문',
      '/echo 두 번째 질문입니다',
      '두 번째 질',
    ]);
    expect(store.getState().send('다음')).toBe('model-not-ready');

    connection.client.setScenario({ tokenDelayMs: 1, loadMs: 5 });
    await store.getState().loadModel();
    expect(store.getState().model.kind).toBe('ready');
    expect(store.getState().messages).toHaveLength(4);
  });
});

describe('chat store: loading from a folder', () => {
  const file = (path: string) => ({ path, file: new Blob(['{}']) });

  it('copies the folder, then loads the model from the cache', async () => {
    const { store } = await checked({ loadMs: 5 });
    await store.getState().importFolder([file('model/mlc-chat-config.json'), file('model/tokenizer.json')]);
    expect(store.getState().model).toMatchObject({ kind: 'ready', offline: true });
    expect(store.getState().preflight).toMatchObject({ kind: 'ready', cached: true });
  });

  it('explains a folder that is not a model', async () => {
    const { store } = await checked({ loadMs: 5 });
    await store.getState().importFolder([file('photos/cat.jpg')]);
    expect(store.getState().model).toMatchObject({ kind: 'failed', error: { code: 'model-files-missing' } });
  });
});

describe('chat store: the context window', () => {
  it('gives a message too long for the window back to the message box with a notice', async () => {
    // Half the window is kept for the answer: 176 tokens are left for the prompt.
    const { store } = await loaded({ tokenDelayMs: 1, loadMs: 5, contextWindow: 352 });
    const long = '긴 글 '.repeat(100);
    store.getState().setDraft(long);
    expect(store.getState().send(long)).toBe('sent');
    expect(store.getState().draft).toBe('');
    await waitFor(store, (state) => state.status === 'ready');
    expect(store.getState().messages).toEqual([]);
    expect(store.getState().draft).toBe(long);
    expect(store.getState().notice).toMatchObject({ kind: 'too-long' });
  });

  it('marks an answer that left out earlier turns', async () => {
    // 300 tokens kept for the answer (half the window, less than its 900), 300 for the prompt.
    const { store } = await loaded({ tokenDelayMs: 1, loadMs: 5, contextWindow: 600 });
    store.getState().setSampling({ maxNewTokens: 900 });
    store.getState().send(`/echo ${'앞선 이야기 '.repeat(30)}`);
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().send('/echo 지금 질문');
    await waitFor(store, (state) => state.status === 'ready');
    expect(answer(store)).toMatchObject({ status: 'complete', droppedTurns: 2, content: '지금 질문' });
  });
});

describe('chat store: regenerate, edit and versions', () => {
  const texts = (store: ChatStore) => store.getState().messages.map((message) => message.content);

  it('regenerates an answer as a new version and keeps the old one browsable', async () => {
    const { store } = await loaded({ tokenDelayMs: 1, loadMs: 5 });
    store.getState().send('/echo 첫 답');
    await waitFor(store, (state) => state.status === 'ready');
    expect(store.getState().regenerate(0)).toBe('sent');
    await waitFor(store, (state) => state.status === 'ready');
    expect(store.getState().messages[0]).toMatchObject({ versionCount: 2, selectedVersion: 1 });
    store.getState().selectVersion(0, 0);
    expect(store.getState().messages[0]).toMatchObject({ versionCount: 2, selectedVersion: 0 });
    expect(texts(store)).toEqual(['/echo 첫 답', '첫 답']);
  });

  it('edits a question and resends it; what followed the old version stays with it', async () => {
    const { store } = await loaded({ tokenDelayMs: 1, loadMs: 5 });
    store.getState().send('/echo 하나');
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().send('/echo 둘');
    await waitFor(store, (state) => state.status === 'ready');
    expect(texts(store)).toEqual(['/echo 하나', '하나', '/echo 둘', '둘']);

    expect(store.getState().editAndResend(0, '/echo 고친 하나')).toBe('sent');
    await waitFor(store, (state) => state.status === 'ready');
    expect(texts(store)).toEqual(['/echo 고친 하나', '고친 하나']);

    store.getState().selectVersion(0, 0);
    expect(texts(store)).toEqual(['/echo 하나', '하나', '/echo 둘', '둘']);
  });

  it('generates an edited question’s answer from the exchanges above it only', async () => {
    const { store } = await loaded({ tokenDelayMs: 1, loadMs: 5 });
    store.getState().send('/echo 하나');
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().send('/echo 둘');
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().editAndResend(1, '셋');
    await waitFor(store, (state) => state.status === 'ready');
    // The scripted answer counts its turns: the first exchange and the edited question.
    expect(answer(store).content).toContain('지금까지 대화에는 3개의 메시지가 있습니다.');
  });

  it('does not switch versions while an answer streams', async () => {
    const { store } = await loaded({ tokenDelayMs: 5, loadMs: 5 });
    store.getState().send('/echo 하나');
    await waitFor(store, (state) => state.status === 'ready');
    store.getState().regenerate(0);
    store.getState().selectVersion(0, 0);
    expect(store.getState().messages[0]).toMatchObject({ selectedVersion: 1 });
    store.getState().stop();
    await waitFor(store, (state) => state.status === 'ready');
  });
});
