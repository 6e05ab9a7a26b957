import { describe, expect, it } from 'vitest';
import { probeGpu, type AdapterLike, type GpuLike } from './gpu-probe';

const gpuWith = (adapter: AdapterLike | null): GpuLike => ({
  requestAdapter: () => Promise.resolve(adapter),
});

describe('probeGpu', () => {
  it('reports no WebGPU when navigator.gpu is missing', async () => {
    await expect(probeGpu(undefined)).resolves.toEqual({ kind: 'no-webgpu' });
  });

  it('reports no adapter when requestAdapter gives none or fails', async () => {
    await expect(probeGpu(gpuWith(null))).resolves.toEqual({ kind: 'no-adapter' });
    await expect(
      probeGpu({ requestAdapter: () => Promise.reject(new Error('gpu process crashed')) }),
    ).resolves.toEqual({
      kind: 'no-adapter',
    });
  });

  it('reads features, limits and the fallback flag (SwiftShader as Chromium reports it)', async () => {
    const report = await probeGpu(
      gpuWith({
        features: new Set(['subgroups', 'float32-filterable']),
        limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 },
        info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
      }),
    );
    expect(report).toEqual({
      kind: 'adapter',
      vendor: 'google',
      architecture: 'swiftshader',
      description: '',
      isFallback: true,
      features: ['float32-filterable', 'subgroups'],
      maxBufferSize: 2 ** 30,
      maxStorageBufferBindingSize: 2 ** 30,
    });
  });
});
