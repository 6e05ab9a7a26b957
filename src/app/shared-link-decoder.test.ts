import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SharedLinkResult } from '../conversation/formats/shared-link';
import { decodeSharedLinkOffThread, type LinkWorker } from './shared-link-decoder';

afterEach(() => {
  vi.useRealTimers();
});

/** A worker that answers (or fails, or never answers) as the test says, and counts its ends. */
function fakeWorker(behaviour: 'answer' | 'crash' | 'hang') {
  const state = { posted: [] as string[], terminated: 0 };
  const listeners: Record<string, ((event: never) => void)[]> = { message: [], error: [] };
  const worker: LinkWorker = {
    postMessage(hash) {
      state.posted.push(hash);
      const result: SharedLinkResult = { kind: 'invalid', problem: 'corrupt', detail: 'not base64url' };
      if (behaviour === 'answer') {
        queueMicrotask(() =>
          listeners['message']?.forEach((listener) => listener({ data: result } as never)),
        );
      }
      if (behaviour === 'crash') {
        queueMicrotask(() =>
          listeners['error']?.forEach((listener) => listener(new Event('error') as never)),
        );
      }
    },
    terminate() {
      state.terminated += 1;
    },
    addEventListener(type: string, listener: (event: never) => void) {
      listeners[type]?.push(listener);
    },
  };
  return { worker, state };
}

describe('reading a shared link off the page’s thread', () => {
  it('hands the link to a worker of its own and ends it once it answers', async () => {
    const { worker, state } = fakeWorker('answer');
    const result = await decodeSharedLinkOffThread('#share=1.4.00000000.AAAA', () => worker);
    expect(result).toEqual({ kind: 'invalid', problem: 'corrupt', detail: 'not base64url' });
    expect(state).toEqual({ posted: ['#share=1.4.00000000.AAAA'], terminated: 1 });
  });

  it('ends a worker that takes too long, and refuses the link', async () => {
    vi.useFakeTimers();
    const { worker, state } = fakeWorker('hang');
    const reading = decodeSharedLinkOffThread('#share=1.4.00000000.AAAA', () => worker, 5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await reading).toMatchObject({ kind: 'invalid', problem: 'too-large' });
    expect(state.terminated).toBe(1);
  });

  it('refuses the link when the worker stops (out of memory, say)', async () => {
    const { worker, state } = fakeWorker('crash');
    expect(await decodeSharedLinkOffThread('#share=1.4.00000000.AAAA', () => worker)).toMatchObject({
      kind: 'invalid',
      problem: 'too-large',
    });
    expect(state.terminated).toBe(1);
  });

  it('reads the link itself where there are no workers', async () => {
    expect(await decodeSharedLinkOffThread('#share=2.4.00000000.AAAA', undefined)).toMatchObject({
      kind: 'invalid',
      problem: 'newer-version',
    });
  });
});
