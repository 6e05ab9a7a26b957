import type { GpuReport } from './protocol';

/** The slice of `navigator.gpu` the probe reads; a fake stands in for it in unit tests. */
export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<AdapterLike | null>;
}

export interface AdapterLike {
  readonly features: Iterable<string>;
  readonly limits: { readonly maxBufferSize: number; readonly maxStorageBufferBindingSize: number };
  readonly info?: {
    readonly vendor: string;
    readonly architecture: string;
    readonly description: string;
    readonly isFallbackAdapter?: boolean;
  };
  /** Older Chromium put the flag on the adapter itself. */
  readonly isFallbackAdapter?: boolean;
}

/** Reads what WebGPU offers, the way web-llm will ask for it (a high-performance adapter). */
export async function probeGpu(gpu: GpuLike | undefined): Promise<GpuReport> {
  if (!gpu) return { kind: 'no-webgpu' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { kind: 'no-adapter' };
  return {
    kind: 'adapter',
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    description: adapter.info?.description ?? '',
    isFallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    features: [...adapter.features].sort(),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
