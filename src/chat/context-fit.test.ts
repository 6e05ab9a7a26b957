import { describe, expect, it } from 'vitest';
import { modelCatalog } from '../engine/model-records';
import { ScriptedEngine } from '../engine/scripted/scripted-engine';
import { PROMPT_TOKENS } from '../generation/token-estimate';
import { createChatStore } from './chat-store';
import { BOX_CHARACTERS, contextWindowOf, messageFit, tooBigForBox } from './context-fit';

describe('contextWindowOf', () => {
  it('is the loaded model’s window, else the chosen build’s, else the smallest of any build', async () => {
    const store = createChatStore({
      engine: new ScriptedEngine({ tokenDelayMs: 1, loadMs: 1 }),
      artifactsBaseUrl: 'http://localhost/models/',
    });
    const smallest = Math.min(...modelCatalog.models.map((model) => model.contextWindow));
    expect(contextWindowOf(store.getState())).toBe(smallest);
    await store.getState().checkDevice();
    const preflight = store.getState().preflight;
    expect(contextWindowOf(store.getState())).toBe(
      preflight.kind === 'ready' ? preflight.model.contextWindow : 0,
    );
    await store.getState().loadModel();
    store.setState({
      model: {
        kind: 'ready',
        offline: false,
        model: { modelId: 'x', engine: 'scripted', contextWindow: 512, prefillChunkSize: 512 },
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
      maxNewTokens: 1024,
    });
    // Too long, but short enough to be shortened in the box.
    expect(tooBigForBox('가'.repeat(BOX_CHARACTERS), 4096, 1024)).toBe(false);
    expect(tooBigForBox('가'.repeat(BOX_CHARACTERS + 1), 4096, 1024)).toBe(true);
    // Long, but it may fit: English takes fewer tokens per character.
    expect(tooBigForBox('word '.repeat(4_000), 4096, 1024)).toBe(false);
  });
});
