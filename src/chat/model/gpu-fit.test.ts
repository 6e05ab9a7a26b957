import { describe, expect, it } from 'vitest';
import { GpuFitStorage, GPU_FIT_KEY, memoryStorage } from './gpu-fit-storage';
import { adapterKey, NO_OUTCOMES, recordFailure, recordLoaded, type AdapterReport } from './gpu-fit';

const gpu: AdapterReport = {
  kind: 'adapter',
  vendor: 'apple',
  architecture: 'metal-3',
  description: 'Apple M1',
  isFallback: false,
  features: ['shader-f16'],
  maxBufferSize: 2 ** 32,
  maxStorageBufferBindingSize: 2 ** 31,
};

describe('outcomes of loads on one adapter', () => {
  it('keep the smallest window that ran out and the largest that loaded, per build', () => {
    let outcomes = recordFailure(NO_OUTCOMES, 'q4f16_1', 4096);
    outcomes = recordLoaded(outcomes, 'q4f16_1', 2048);
    outcomes = recordFailure(outcomes, 'q4f32_1', 2048);
    expect(outcomes).toEqual({ failed: { q4f16_1: 4096, q4f32_1: 2048 }, loaded: { q4f16_1: 2048 } });
  });

  it('let the newer outcome win when the device’s free memory changed', () => {
    // Loaded at 4,096 after other apps were closed: the failure at 4,096 no longer holds.
    const freed = recordLoaded({ failed: { q4f16_1: 4096 }, loaded: { q4f16_1: 2048 } }, 'q4f16_1', 4096);
    expect(freed).toEqual({ failed: {}, loaded: { q4f16_1: 4096 } });
    // Ran out at 2,048, where it had loaded before: it is no longer known to load there.
    const tighter = recordFailure({ failed: {}, loaded: { q4f16_1: 2048 } }, 'q4f16_1', 2048);
    expect(tighter).toEqual({ failed: { q4f16_1: 2048 }, loaded: {} });
  });
});

describe('adapterKey', () => {
  it('tells apart another GPU, other limits and another browser version', () => {
    const key = adapterKey(gpu, 'Chrome/156');
    expect(adapterKey({ ...gpu }, 'Chrome/156')).toBe(key);
    expect(adapterKey({ ...gpu, description: 'Apple M2' }, 'Chrome/156')).not.toBe(key);
    expect(adapterKey({ ...gpu, maxStorageBufferBindingSize: 2 ** 27 }, 'Chrome/156')).not.toBe(key);
    expect(adapterKey(gpu, 'Chrome/157')).not.toBe(key);
  });
});

describe('GpuFitStorage', () => {
  it('keeps the choice and each adapter’s outcomes across pages', () => {
    const storage = memoryStorage();
    const first = new GpuFitStorage(storage, () => 1);
    first.setChoice({ contextWindow: 2048 });
    first.setOutcomes('a', { failed: { q4f16_1: 4096 }, loaded: {} });
    const next = new GpuFitStorage(storage, () => 2);
    expect(next.choice()).toEqual({ contextWindow: 2048 });
    expect(next.outcomes('a')).toEqual({ failed: { q4f16_1: 4096 }, loaded: {} });
    expect(next.outcomes('b')).toEqual(NO_OUTCOMES);
    next.forget('a');
    expect(first.outcomes('a')).toEqual(NO_OUTCOMES);
  });

  it('reads what it cannot understand as nothing remembered, and writes over it', () => {
    const storage = memoryStorage();
    const fit = new GpuFitStorage(storage, () => 1);
    for (const junk of ['{', '{"version":2}', '{"version":1,"choice":{"contextWindow":-1},"adapters":{}}']) {
      storage.setItem(GPU_FIT_KEY, junk);
      expect(fit.choice()).toEqual({});
      expect(fit.outcomes('a')).toEqual(NO_OUTCOMES);
    }
    fit.setChoice({ quantization: 'q4f32_1' });
    expect(fit.choice()).toEqual({ quantization: 'q4f32_1' });
  });

  it('remembers the eight adapters seen last', () => {
    let time = 0;
    const fit = new GpuFitStorage(memoryStorage(), () => (time += 1));
    for (let adapter = 0; adapter < 10; adapter += 1)
      fit.setOutcomes(`gpu ${adapter}`, { failed: { q4f16_1: 4096 }, loaded: {} });
    expect(fit.outcomes('gpu 0')).toEqual(NO_OUTCOMES);
    expect(fit.outcomes('gpu 1')).toEqual(NO_OUTCOMES);
    expect(fit.outcomes('gpu 9')).toEqual({ failed: { q4f16_1: 4096 }, loaded: {} });
    expect(fit.outcomes('gpu 2')).toEqual({ failed: { q4f16_1: 4096 }, loaded: {} });
  });

  it('goes on without remembering when storage refuses', () => {
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const fit = new GpuFitStorage(refusing, () => 1);
    expect(() => fit.setChoice({ contextWindow: 1024 })).not.toThrow();
    expect(fit.choice()).toEqual({});
  });
});
