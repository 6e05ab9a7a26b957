import { describe, expect, it } from 'vitest';
import {
  estimateGpuMemory,
  kvLayerBytes,
  largestBufferBytes,
  quantizedWeightBytes,
  requestedLimits,
  type ModelShape,
  type Quantization,
} from './gpu-memory';

const MIB = 2 ** 20;

/** Llama-2 7B: this model's shape with the original 32,000-token vocabulary. */
const llama2: ModelShape = {
  layers: 32,
  attentionHeads: 32,
  kvHeads: 32,
  headDim: 128,
  hiddenSize: 4096,
  intermediateSize: 11008,
  vocabSize: 32_000,
};

const build = (quantization: Quantization) => ({
  quantization,
  weightBytes: quantizedWeightBytes(llama2, quantization),
  prefillChunkSize: 1024,
});

describe('estimateGpuMemory', () => {
  // web-llm 0.2.86's own records (`prebuiltAppConfig` in lib/index.js): `vram_required_MB` of
  // "Llama-2-7b-chat-hf-q4f16_1-MLC" (window 4,096), "…-q4f16_1-MLC-1k" (1,024, the same library) and
  // "Llama-2-7b-chat-hf-q4f32_1-MLC" (4,096), plus "…-q4f32_1-MLC-1k".
  it.each([
    ['q4f16_1', 4096, 6749.02],
    ['q4f16_1', 1024, 4618.52],
    ['q4f32_1', 4096, 9109.03],
    ['q4f32_1', 1024, 5284.01],
  ] as const)(
    'gives Llama-2-7b %s at %i tokens within 10 %% of web-llm’s %f MB',
    (quantization, window, published) => {
      const estimate = estimateGpuMemory(llama2, build(quantization), window).totalBytes / MIB;
      expect(Math.abs(estimate - published) / published).toBeLessThan(0.1);
    },
  );

  it('grows with the window by the KV cache, twice as fast in f32', () => {
    const f16 = (window: number) => estimateGpuMemory(llama2, build('q4f16_1'), window);
    const f32 = (window: number) => estimateGpuMemory(llama2, build('q4f32_1'), window);
    // Half a MiB a token in f16: 2 × 32 layers × 32 heads × 128 × 2 bytes.
    expect((f16(4096).kvCacheBytes - f16(1024).kvCacheBytes) / 3072).toBe(MIB / 2);
    expect((f32(4096).kvCacheBytes - f32(1024).kvCacheBytes) / 3072).toBe(MIB);
    expect(f16(4096).weightBytes).toBe(f16(1024).weightBytes);
    expect(f16(2048).totalBytes).toBeGreaterThan(f16(1024).totalBytes);
    expect(f16(2048).totalBytes).toBeLessThan(f16(4096).totalBytes);
  });

  it('counts the prefill workspace by the library’s prefill chunk and the logits by the vocabulary', () => {
    const small = estimateGpuMemory(llama2, { ...build('q4f16_1'), prefillChunkSize: 512 }, 4096);
    const large = estimateGpuMemory(llama2, build('q4f16_1'), 4096);
    expect(large.activationBytes).toBe(2 * small.activationBytes);
    expect(large.attentionBytes).toBeGreaterThan(small.attentionBytes);
    const korean = estimateGpuMemory({ ...llama2, vocabSize: 46_336 }, build('q4f16_1'), 4096);
    expect(korean.logitsBytes).toBe(2 * 46_336 * 4);
  });
});

describe('quantizedWeightBytes', () => {
  it('gives Llama-2-7b the 3,615 MiB of its q4f16_1 build, and 5 bits a weight with f32 scales', () => {
    expect(quantizedWeightBytes(llama2, 'q4f16_1') / MIB).toBeCloseTo(3615.1, 1);
    expect(quantizedWeightBytes(llama2, 'q4f32_1') / quantizedWeightBytes(llama2, 'q4f16_1')).toBeCloseTo(
      5 / 4.5,
      2,
    );
  });
});

describe('buffers and limits', () => {
  it('sizes a KV cache layer as TVM does: one page more than the window needs, pages of 16 tokens', () => {
    expect(kvLayerBytes(llama2, 'q4f16_1', 4096)).toBe(257 * 16 * 2 * 32 * 128 * 2);
    expect(kvLayerBytes(llama2, 'q4f32_1', 4096)).toBeGreaterThan(128 * MIB);
    expect(kvLayerBytes(llama2, 'q4f32_1', 2048)).toBeLessThan(128 * MIB);
  });

  it('finds the largest buffer in the KV cache at a long window, in the embedding at a short one', () => {
    expect(largestBufferBytes(llama2, build('q4f32_1'), 4096)).toBe(kvLayerBytes(llama2, 'q4f32_1', 4096));
    expect(largestBufferBytes(llama2, build('q4f16_1'), 1024)).toBe((32_000 * 4096) / 2);
  });

  it('asks for 1 GiB where the adapter allows it, else WebGPU’s defaults, else nothing', () => {
    expect(requestedLimits({ maxBufferSize: 4 * 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 })).toEqual({
      maxBufferSize: 2 ** 30,
      maxStorageBufferBindingSize: 2 ** 30,
    });
    expect(requestedLimits({ maxBufferSize: 512 * MIB, maxStorageBufferBindingSize: 512 * MIB })).toEqual({
      maxBufferSize: 256 * MIB,
      maxStorageBufferBindingSize: 128 * MIB,
    });
    expect(
      requestedLimits({ maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 64 * MIB }),
    ).toBeUndefined();
  });
});
