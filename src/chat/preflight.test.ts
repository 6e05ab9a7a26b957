import { describe, expect, it } from 'vitest';
import type { GpuReport } from '../engine/protocol';
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

  it('blocks when the smaller of the two buffer limits is below what the library allocates', () => {
    const result = decidePreflight(adapter({ maxStorageBufferBindingSize: 128 * 2 ** 20 }), {}, notCached);
    expect(result).toMatchObject({
      kind: 'blocked',
      problems: [{ code: 'buffer-too-small', availableBytes: 128 * 2 ** 20 }],
    });
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
