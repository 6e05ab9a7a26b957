import { describe, expect, it, vi } from 'vitest';
import { modelCatalog } from '../../engine/model-records';
import { ScriptedEngine } from '../../engine/scripted/scripted-engine';
import { PROMPT_TOKENS } from '../../generation/token-estimate';
import { createChatStore } from '../chat-store';
import { BOX_CHARACTERS, contextWindowOf, messageFit, tooBigForBox } from './context-fit';

describe('contextWindowOf', () => {
  it('is the loaded model’s window, else the first the device check plans, else the smallest offered', async () => {
    const store = createChatStore({
      engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    expect(contextWindowOf(store.getState())).toBe(Math.min(...modelCatalog.contextWindows));
    await store.getState().checkDevice();
    const preflight = store.getState().preflight;
    expect(contextWindowOf(store.getState())).toBe(preflight.kind === 'ready' ? preflight.plan[0] : 0);
    store.getState().chooseModel({ contextWindow: 2048 });
    await vi.waitFor(() => expect(contextWindowOf(store.getState())).toBe(2048));
    await store.getState().loadModel();
    store.setState({
      model: {
        kind: 'ready',
        offline: false,
        model: { modelId: 'x', engine: 'scripted', contextWindow: 512, prefillChunkSize: 512 },
        fit: { quantization: 'q4f16_1', contextWindow: 4096, gpuMemoryBytes: 4e9 },
        loadTimes: { totalMs: 1, phases: {} },
      },
    });
    expect(contextWindowOf(store.getState())).toBe(512);
  });
});

describe('messageFit and tooBigForBox', () => {
  it('tells a message that certainly cannot fit, and keeps only long ones of those out of a text box', () => {
    const limit = 4096 - 1024 - PROMPT_TOKENS;
    expect(messageFit('가'.repeat(limit * 2), 4096, 1024)).toEqual({ kind: 'fits' });
    expect(messageFit('가'.repeat(limit * 2 + 1), 4096, 1024)).toEqual({
      kind: 'too-long',
      tokens: limit + 1,
      limit,
      contextWindow: 4096,
      answerTokens: 1024,
    });
    // Too long, but short enough to be shortened in the box.
    expect(tooBigForBox('가'.repeat(BOX_CHARACTERS), 4096, 1024)).toBe(false);
    expect(tooBigForBox('가'.repeat(BOX_CHARACTERS + 1), 4096, 1024)).toBe(true);
    // Long, but it may fit: English takes fewer tokens per character.
    expect(tooBigForBox('word '.repeat(4_000), 4096, 1024)).toBe(false);
  });

  it('keeps half of a small window for the answer, so that a question still fits in 1,024 tokens', () => {
    const limit = 1024 - 512 - PROMPT_TOKENS;
    expect(messageFit('가'.repeat(limit * 2), 1024, 1024)).toEqual({ kind: 'fits' });
    expect(messageFit('가'.repeat(limit * 2 + 1), 1024, 1024)).toMatchObject({
      kind: 'too-long',
      limit,
      contextWindow: 1024,
      answerTokens: 512,
    });
  });
});
