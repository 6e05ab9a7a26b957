/**
 * What a build of the model needs of the GPU at a given context window, from the model's own numbers. WebGPU
 * cannot tell how much memory a device has free, so this is what the app shows and plans with; the device
 * itself has the last word (a load that does not fit is lost with its device, and the app tries a smaller
 * window).
 *
 * The layout is web-llm 0.2.86's with the TVM runtime it bundles: the weights as `tensor-cache.json` lists
 * them, a paged KV cache created for `context_window_size` tokens, the attention's workspace, the prefill's
 * intermediates for one `prefill_chunk_size` slice, and the logits.
 */

/** The model's architecture: the fields of its `config.json` that size the GPU buffers. */
export interface ModelShape {
  readonly layers: number;
  readonly attentionHeads: number;
  /** Key-value heads: as many as the attention heads without grouped-query attention (Llama-2 7B). */
  readonly kvHeads: number;
  readonly headDim: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
}

/** MLC's 4-bit group quantizations: weights of 4 bits, one scale per group of 32, kept in f16 or f32. */
export type Quantization = 'q4f16_1' | 'q4f32_1';

/** What one build loads with: its quantization, its weights' size and the library's prefill slice. */
export interface BuildFacts {
  readonly quantization: Quantization;
  /** The total of `nbytes` in the build's `tensor-cache.json`. */
  readonly weightBytes: number;
  readonly prefillChunkSize: number;
}

export interface GpuMemoryEstimate {
  readonly totalBytes: number;
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  readonly attentionBytes: number;
  readonly activationBytes: number;
  readonly logitsBytes: number;
}

const MIB = 2 ** 20;

/** The model's dtype, which the KV cache and the activations use: f16, or f32 for a q4f32 build. */
export function dtypeBytes(quantization: Quantization): number {
  return quantization === 'q4f16_1' ? 2 : 4;
}

/** web-llm: "const defaultPageSize = 16;", passed to `create_tir_paged_kv_cache`. */
const KV_PAGE_TOKENS = 16;

/**
 * The KV cache's pages of one layer: one buffer per layer, of shape (pages, 2, kv heads, 16, head dim), with
 * TVM's "num_total_pages = (total_token_capacity + page_size - 1) / page_size + 1". The largest single buffer
 * that depends on the window, and bound whole to the attention's shaders.
 */
export function kvLayerBytes(shape: ModelShape, quantization: Quantization, contextWindow: number): number {
  const pages = Math.ceil(contextWindow / KV_PAGE_TOKENS) + 1;
  return pages * KV_PAGE_TOKENS * 2 * shape.kvHeads * shape.headDim * dtypeBytes(quantization);
}

/** TVM's paged KV cache keeps six attention workspaces of "kAttnWorkspaceByte = 8 * 1024 * 1024" each. */
const ATTENTION_WORKSPACE_BYTES = 6 * 8 * MIB;

/** The estimate of GPU memory for one build at one window, with its parts. */
export function estimateGpuMemory(
  shape: ModelShape,
  build: BuildFacts,
  contextWindow: number,
): GpuMemoryEstimate {
  const bytes = dtypeBytes(build.quantization);
  const chunk = build.prefillChunkSize;
  const kvCacheBytes = shape.layers * kvLayerBytes(shape, build.quantization, contextWindow);
  // The KV cache's temporaries for one slice (q, k, v and the output; the scores and their merge in f32),
  // and the attention of that slice over the whole window, its scores in f32. That last term is what makes
  // web-llm's published figures grow faster than the KV cache alone (about 0.19 MiB a token for Llama-2 7B).
  const attentionBytes =
    ATTENTION_WORKSPACE_BYTES +
    chunk * 2 * (shape.attentionHeads + shape.kvHeads) * shape.headDim * bytes +
    2 * chunk * shape.attentionHeads * 4 +
    chunk * contextWindow * shape.attentionHeads * 4;
  // The prefill's largest live intermediates for one slice: the hidden state and its residual, the gate and
  // up projections and their SiLU product.
  const activationBytes = chunk * (2 * shape.hiddenSize + 3 * shape.intermediateSize) * bytes;
  // The last position's logits in f32, and the sampler's probabilities beside them.
  const logitsBytes = 2 * shape.vocabSize * 4;
  return {
    totalBytes: build.weightBytes + kvCacheBytes + attentionBytes + activationBytes + logitsBytes,
    weightBytes: build.weightBytes,
    kvCacheBytes,
    attentionBytes,
    activationBytes,
    logitsBytes,
  };
}

/** Weights that MLC keeps unquantized: the two RMS norms of each layer and the final one. */
function normWeights(shape: ModelShape): number {
  return (2 * shape.layers + 1) * shape.hiddenSize;
}

/**
 * The weights' size that a quantization gives the shape: every linear weight and both embeddings in 4 bits
 * with one scale per group of 32 (4.5 bits a weight with f16 scales, 5 with f32), the norms in the model's
 * dtype. A check on the `weightBytes` of a record, which a real build's `tensor-cache.json` has the last word on.
 */
export function quantizedWeightBytes(shape: ModelShape, quantization: Quantization): number {
  const {
    layers,
    hiddenSize: h,
    intermediateSize: f,
    vocabSize: vocab,
    attentionHeads,
    kvHeads,
    headDim,
  } = shape;
  const attention = h * (attentionHeads + 2 * kvHeads) * headDim + attentionHeads * headDim * h;
  const mlp = 3 * h * f;
  const quantized = layers * (attention + mlp) + 2 * vocab * h;
  const bitsPerWeight = 4 + (8 * dtypeBytes(quantization)) / 32;
  return (quantized * bitsPerWeight) / 8 + normWeights(shape) * dtypeBytes(quantization);
}

/** The largest buffer of the weights: an embedding's packed 4-bit table (the scales are a buffer apart). */
function largestWeightBuffer(shape: ModelShape): number {
  return (shape.vocabSize * shape.hiddenSize) / 2;
}

/** The largest single buffer a load creates and binds at this window. */
export function largestBufferBytes(shape: ModelShape, build: BuildFacts, contextWindow: number): number {
  const gateUp = build.prefillChunkSize * 2 * shape.intermediateSize * dtypeBytes(build.quantization);
  return Math.max(kvLayerBytes(shape, build.quantization, contextWindow), largestWeightBuffer(shape), gateUp);
}

export interface BufferLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
}

const GIB = 2 ** 30;

/**
 * The limits web-llm asks of the device (`detectGPUDevice`): 1 GiB each where the adapter allows it, else
 * the WebGPU defaults ("If 1GB is too large, try 256MB" for a buffer, "try 128MB" for a binding), else it
 * fails with "Cannot initialize runtime because of requested maxBufferSize exceeds limit".
 */
export function requestedLimits(adapter: BufferLimits): BufferLimits | undefined {
  const buffer = adapter.maxBufferSize >= GIB ? GIB : adapter.maxBufferSize >= 256 * MIB ? 256 * MIB : 0;
  const binding =
    adapter.maxStorageBufferBindingSize >= GIB
      ? GIB
      : adapter.maxStorageBufferBindingSize >= 128 * MIB
        ? 128 * MIB
        : 0;
  return buffer > 0 && binding > 0
    ? { maxBufferSize: buffer, maxStorageBufferBindingSize: binding }
    : undefined;
}

/**
 * The smallest limits web-llm can run with, for a message: what an adapter below them lacks.
 */
export const MINIMUM_LIMITS: BufferLimits = {
  maxBufferSize: 256 * MIB,
  maxStorageBufferBindingSize: 128 * MIB,
};
