import { describe, expect, it } from 'vitest';
import type { GpuReport } from '../../engine/protocol';
import { NO_OUTCOMES } from './gpu-fit';
import { decidePreflight } from './preflight';

const adapter = (overrides: Partial<Extract<GpuReport, { kind: 'adapter' }>> = {}): GpuReport => ({
  kind: 'adapter',
  vendor: 'google',
  architecture: 'swiftshader',
  description: '',
  isFallback: false,
  features: ['shader-f16'],
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  ...overrides,
});
const notCached = () => false;

describe('decidePreflight', () => {
  it('blocks without WebGPU or without an adapter', () => {
    expect(decidePreflight({ kind: 'no-webgpu' }, {}, notCached)).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'webgpu-unavailable' }],
    });
    expect(decidePreflight({ kind: 'no-adapter' }, {}, notCached)).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'no-adapter' }],
    });
  });

  it('takes q4f32_1 on the CPU adapter (no shader-f16) and says it is a software adapter', () => {
    const result = decidePreflight(adapter({ features: [], isFallback: true }), {}, notCached);
    expect(result).toMatchObject({
      kind: 'ready',
      model: { id: 'Llama-2-ko-7b-Chat-q4f32_1-MLC' },
      notes: ['software-adapter', 'no-shader-f16'],
    });
  });

  it('takes q4f16_1 where shader-f16 is offered', () => {
    expect(decidePreflight(adapter(), {}, notCached)).toMatchObject({ model: { quantization: 'q4f16_1' } });
  });

  it('blocks an adapter below the limits web-llm asks of every device (256 MiB buffers, 128 MiB bindings)', () => {
    expect(
      decidePreflight(adapter({ maxStorageBufferBindingSize: 64 * 2 ** 20 }), {}, notCached),
    ).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'buffer-too-small', neededBytes: 128 * 2 ** 20, availableBytes: 64 * 2 ** 20 }],
    });
    expect(decidePreflight(adapter({ maxBufferSize: 200 * 2 ** 20 }), {}, notCached)).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'buffer-too-small', neededBytes: 256 * 2 ** 20 }],
    });
  });

  it('leaves out a window whose KV cache layer is over the 128 MiB binding web-llm asks below 1 GiB', () => {
    // web-llm asks for 128 MiB bindings when the adapter offers less than 1 GiB, even 512 MiB.
    const small = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 512 * 2 ** 20 };
    const f32 = decidePreflight(adapter({ ...small, features: [] }), {}, notCached);
    // A q4f32_1 layer at 4,096 tokens: 257 pages of 16 tokens × 2 × 32 heads × 128 × 4 bytes, over 128 MiB.
    expect(f32).toMatchObject({
      kind: 'ready',
      model: { quantization: 'q4f32_1' },
      plan: [2048, 1024],
      windows: [
        { contextWindow: 4096, status: 'over-limits', largestBufferBytes: 257 * 16 * 2 * 32 * 128 * 4 },
        { contextWindow: 2048, status: 'untried' },
        { contextWindow: 1024, status: 'untried' },
      ],
    });
    // In f16 the same layer is half as large and fits.
    expect(decidePreflight(adapter(small), {}, notCached)).toMatchObject({ plan: [4096, 2048, 1024] });
  });

  it('plans from the largest window that has not run out of memory on this adapter', () => {
    const outcomes = { failed: { q4f16_1: 4096 }, loaded: { q4f16_1: 2048 } };
    expect(decidePreflight(adapter(), {}, notCached, { outcomes, choice: {} })).toMatchObject({
      kind: 'ready',
      plan: [2048, 1024],
      windows: [{ status: 'failed' }, { status: 'loaded' }, { status: 'loaded' }],
    });
    // What the other build showed does not count for this one.
    expect(
      decidePreflight(adapter(), {}, notCached, {
        outcomes: { failed: { q4f32_1: 1024 }, loaded: {} },
        choice: {},
      }),
    ).toMatchObject({ plan: [4096, 2048, 1024] });
  });

  it('says that the device lacks the memory, with the numbers, when even the smallest window ran out', () => {
    const outcomes = { failed: { q4f16_1: 1024 }, loaded: {} };
    const result = decidePreflight(adapter(), {}, () => true, { outcomes, choice: {} });
    expect(result).toMatchObject({
      kind: 'blocked',
      cached: true,
      model: { quantization: 'q4f16_1' },
      problems: [{ code: 'gpu-memory', contextWindow: 1024, neededBytes: expect.any(Number) as number }],
    });
    if (result.kind === 'blocked' && result.problems[0]?.code === 'gpu-memory')
      expect(result.problems[0].neededBytes).toBeGreaterThan(4e9);
  });

  it('follows the user’s choice of build and window, a window that failed before included', () => {
    expect(
      decidePreflight(adapter(), {}, notCached, {
        outcomes: NO_OUTCOMES,
        choice: { quantization: 'q4f32_1' },
      }),
    ).toMatchObject({
      model: { quantization: 'q4f32_1' },
      builds: [{ quantization: 'q4f16_1' }, { quantization: 'q4f32_1' }],
    });
    expect(
      decidePreflight(adapter(), {}, notCached, { outcomes: NO_OUTCOMES, choice: { contextWindow: 2048 } }),
    ).toMatchObject({ plan: [2048, 1024] });
    const outcomes = { failed: { q4f16_1: 1024 }, loaded: {} };
    expect(
      decidePreflight(adapter(), {}, notCached, { outcomes, choice: { contextWindow: 2048 } }),
    ).toMatchObject({ kind: 'ready', plan: [2048] });
    // A build the device cannot run is not chosen, whatever the choice says.
    expect(
      decidePreflight(adapter({ features: [] }), {}, notCached, {
        outcomes: NO_OUTCOMES,
        choice: { quantization: 'q4f16_1' },
      }),
    ).toMatchObject({ model: { quantization: 'q4f32_1' } });
  });

  it('needs room for the download unless the model is cached', () => {
    const storage = { quotaBytes: 5e9, usageBytes: 2e9 };
    expect(decidePreflight(adapter(), storage, notCached)).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'storage-insufficient', availableBytes: 3e9 }],
    });
    expect(decidePreflight(adapter(), storage, () => true)).toMatchObject({ kind: 'ready', cached: true });
  });

  it('notes storage that is not persisted, and works when the browser says nothing of storage', () => {
    expect(decidePreflight(adapter(), { quotaBytes: 1e12, persisted: false }, notCached)).toMatchObject({
      kind: 'ready',
      notes: ['storage-not-persisted'],
      freeBytes: 1e12,
    });
    expect(decidePreflight(adapter(), {}, notCached)).toMatchObject({ kind: 'ready', freeBytes: undefined });
  });
});
