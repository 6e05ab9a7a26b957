// A build of a few kilobytes, laid out and written like a real one (the project's template and sampling code,
// MLC's tensor-cache.json format, a WebAssembly library with the imports and exports of a TVM one), for a catalog
// whose vocabulary is the test tokenizer's (src/test/mini-tokenizer.ts) instead of 46,336. Tests build their
// broken variants from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rewriteChatConfig, KULLM_VOCAB_SIZE } from '../../model-config/build/write-chat-config';
import {
  modelCatalog,
  parseModelCatalog,
  type ModelCatalog,
  type ModelRecord,
} from '../../src/engine/model-records';
import { MINI_VOCAB, miniTokenId, miniTokenizerJson } from '../../src/test/mini-tokenizer';
import { kullmTokenizerExpectations, type TokenizerExpectations } from './tokenizer';
import { installedWebLlmRuntime } from './web-llm-runtime';

export const SYNTHETIC_VOCAB = MINI_VOCAB.size;

type TensorSpec = readonly [name: string, shape: readonly number[], dtype: 'uint32' | 'float16'];

const DTYPE_BYTES = { uint32: 4, float16: 2 } as const;

const SHARDS: readonly (readonly TensorSpec[])[] = [
  [
    ['model.embed_tokens.q_weight', [SYNTHETIC_VOCAB, 1], 'uint32'],
    ['model.embed_tokens.q_scale', [SYNTHETIC_VOCAB, 1], 'float16'],
  ],
  [
    ['lm_head.q_weight', [SYNTHETIC_VOCAB, 1], 'uint32'],
    ['lm_head.q_scale', [SYNTHETIC_VOCAB, 1], 'float16'],
  ],
  [
    ['model.layers.0.self_attn.qkv_proj.q_weight', [24, 1], 'uint32'],
    ['model.norm.weight', [8], 'float16'],
  ],
];

export interface TensorCacheJson {
  metadata: Record<string, number>;
  records: {
    dataPath: string;
    format: string;
    nbytes: number;
    records: {
      name: string;
      shape: number[];
      dtype: string;
      format: string;
      nbytes: number;
      byteOffset: number;
    }[];
    md5sum: string;
  }[];
}

/** MLC's `tensor-cache.json` for shards of the given tensors, named `params_shard_<i>.bin`. */
export function tensorCacheFor(shards: readonly (readonly TensorSpec[])[]): TensorCacheJson {
  const records = shards.map((tensors, index) => {
    let offset = 0;
    const entries = tensors.map(([name, shape, dtype]) => {
      const nbytes = shape.reduce((product, dimension) => product * dimension, DTYPE_BYTES[dtype]);
      const entry = { name, shape: [...shape], dtype, format: 'raw', nbytes, byteOffset: offset };
      offset += nbytes;
      return entry;
    });
    return {
      dataPath: `params_shard_${index}.bin`,
      format: 'raw-shard',
      nbytes: offset,
      records: entries,
      md5sum: '0'.repeat(32),
    };
  });
  const total = records.reduce((sum, shard) => sum + shard.nbytes, 0);
  return { metadata: { ParamSize: total / 4, ParamBytes: total, BitsPerParam: 32 }, records };
}

const VALID_CACHE = tensorCacheFor(SHARDS);
export const SYNTHETIC_WEIGHT_BYTES = VALID_CACHE.records.reduce((sum, shard) => sum + shard.nbytes, 0);

const realRecord = (quantization: 'q4f16_1' | 'q4f32_1'): ModelRecord => {
  const found = modelCatalog.models.find((model) => model.quantization === quantization);
  if (!found) throw new Error(`model-config/models.json has no ${quantization} record.`);
  return found;
};

/** The real records' values, with test ids, libraries and sizes. */
export const syntheticCatalog: ModelCatalog = parseModelCatalog({
  defaultModelId: 'Ko-Test-q4f16_1-MLC',
  architecture: { ...modelCatalog.architecture, vocabSize: SYNTHETIC_VOCAB },
  contextWindows: modelCatalog.contextWindows,
  models: (['q4f16_1', 'q4f32_1'] as const).map((quantization) => ({
    ...realRecord(quantization),
    id: `Ko-Test-${quantization}-MLC`,
    modelLib: `Ko-Test-${quantization}-webgpu.wasm`,
    weightBytes: SYNTHETIC_WEIGHT_BYTES,
    downloadBytes: SYNTHETIC_WEIGHT_BYTES + 100_000,
  })),
});

export function syntheticRecord(quantization: 'q4f16_1' | 'q4f32_1'): ModelRecord {
  const found = syntheticCatalog.models.find((model) => model.quantization === quantization);
  if (!found) throw new Error(`The synthetic catalog has no ${quantization} record.`);
  return found;
}

/**
 * Korean words the test tokenizer has whole (`▁안녕하세요`, `▁한국어`) and two syllables it has not (byte
 * fallback). Its "extension" is everything after the byte tokens and `▁`: a copy with the Hangul tokens
 * removed encodes this with bytes and `▁` only.
 */
export const syntheticTokenizer: TokenizerExpectations = {
  ...kullmTokenizerExpectations(SYNTHETIC_VOCAB),
  sample: '안녕하세요 한국어 토큰',
  extendedFrom: miniTokenId('▁') + 1,
};

/** What `mlc_llm gen_config` writes for the model, trimmed, before write-chat-config.ts rewrites it. */
function genConfigOutput(record: ModelRecord): Record<string, unknown> {
  return {
    version: '0.1.0',
    model_type: 'llama',
    quantization: record.quantization,
    model_config: {
      hidden_size: 4096,
      vocab_size: KULLM_VOCAB_SIZE,
      context_window_size: 2048,
      prefill_chunk_size: record.prefillChunkSize,
    },
    vocab_size: KULLM_VOCAB_SIZE,
    context_window_size: 2048,
    sliding_window_size: -1,
    prefill_chunk_size: record.prefillChunkSize,
    attention_sink_size: -1,
    tensor_parallel_shards: 1,
    active_vocab_size: KULLM_VOCAB_SIZE,
    temperature: 1.0,
    presence_penalty: 0.0,
    frequency_penalty: 0.0,
    repetition_penalty: 1.0,
    top_p: 1.0,
    tokenizer_files: ['tokenizer.json'],
    tokenizer_info: { token_postproc_method: 'byte_fallback', prepend_space_in_encode: false },
    conv_template: { name: 'LM', system_template: '{system_message}', seps: [''], stop_token_ids: [2] },
    pad_token_id: 0,
    bos_token_id: 1,
    eos_token_id: 2,
  };
}

/** The chat config build.sh leaves: gen_config's, rewritten by write-chat-config.ts, in the test vocabulary. */
export function chatConfigFor(record: ModelRecord): Record<string, unknown> {
  const rewritten = rewriteChatConfig(genConfigOutput(record), record.contextWindow);
  return {
    ...rewritten,
    model_config: { ...(rewritten.model_config as object), vocab_size: SYNTHETIC_VOCAB },
    vocab_size: SYNTHETIC_VOCAB,
    active_vocab_size: SYNTHETIC_VOCAB,
  };
}

const leb128 = (value: number): number[] => {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return out;
};
const bytesOf = (text: string): number[] => [...new TextEncoder().encode(text)];
const wasmName = (text: string): number[] => [...leb128(bytesOf(text).length), ...bytesOf(text)];
const vector = (items: readonly (readonly number[])[]): number[] => [
  ...leb128(items.length),
  ...items.flat(),
];
const section = (id: number, body: readonly number[]): number[] => [id, ...leb128(body.length), ...body];

export interface WasmSpec {
  /** Function imports `[module, name]`, all of type `() -> ()`. */
  readonly imports: readonly (readonly [string, string])[];
  /** Exported functions (empty bodies). */
  readonly functions: readonly string[];
  readonly exportMemory: boolean;
  /** Put in an active data segment, where a compiled library keeps its strings and shaders. */
  readonly data: string;
}

/** A WebAssembly module written byte by byte: type, import, function, memory, export, code, data. */
export function wasmModule(spec: WasmSpec): Uint8Array<ArrayBuffer> {
  const data = bytesOf(spec.data);
  const exports = [
    ...spec.functions.map((name, index) => [...wasmName(name), 0x00, ...leb128(spec.imports.length + index)]),
    ...(spec.exportMemory ? [[...wasmName('memory'), 0x02, 0x00]] : []),
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, 0x00, 0x00]])),
    ...section(
      2,
      vector(spec.imports.map(([module, name]) => [...wasmName(module), ...wasmName(name), 0x00, 0x00])),
    ),
    ...section(3, vector(spec.functions.map(() => [0x00]))),
    ...section(5, vector([[0x00, 0x01]])),
    ...section(7, vector(exports)),
    ...section(10, vector(spec.functions.map(() => [0x02, 0x00, 0x0b]))),
    ...section(11, vector([[0x00, 0x41, 0x00, 0x0b, ...leb128(data.length), ...data]])),
  ]);
}

/** Imports a TVM library makes of web-llm 0.2.86's runtime (a few of them). */
export const LIBRARY_IMPORTS: readonly (readonly [string, string])[] = [
  ['env', 'TVMFFIWasmSafeCall'],
  ['env', 'TVMFFIWasmFunctionDeleter'],
  ['env', '__console_log'],
  ['wasi_snapshot_preview1', 'fd_write'],
  ['wasi_snapshot_preview1', 'proc_exit'],
];

/** The library's spec for a record: what web-llm calls, its metadata, f16 shaders for a build that needs them. */
export function librarySpec(record: ModelRecord): WasmSpec {
  const f16 = record.requiredFeatures.includes('shader-f16');
  const shader = `${f16 ? 'enable f16;\n\n' : ''}@group(0) @binding(0) var<storage, read_write> A : array<f32>;\n`;
  const metadata = JSON.stringify({
    model_type: 'llama',
    quantization: record.quantization,
    context_window_size: record.contextWindow,
    prefill_chunk_size: record.prefillChunkSize,
  }).replace(/":/g, '": ');
  return {
    imports: LIBRARY_IMPORTS,
    functions: installedWebLlmRuntime().functionExports,
    exportMemory: true,
    data: `vm_load_executable\0${shader}\0${metadata}\0`,
  };
}

const shardBytes = (size: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: size }, (_, index) => (index * 31 + seed) % 256);

/** A model folder's files by name: the valid build of `record`. */
export function syntheticFiles(record: ModelRecord = syntheticRecord('q4f16_1')): Map<string, Uint8Array> {
  const encode = (value: unknown): Uint8Array =>
    new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const files = new Map<string, Uint8Array>([
    ['mlc-chat-config.json', encode(chatConfigFor(record))],
    ['tokenizer.json', new TextEncoder().encode(miniTokenizerJson())],
    ['tensor-cache.json', encode(VALID_CACHE)],
    [record.modelLib, wasmModule(librarySpec(record))],
  ]);
  VALID_CACHE.records.forEach((shard, index) => files.set(shard.dataPath, shardBytes(shard.nbytes, index)));
  return files;
}

/** Replaces a JSON file of `files` with what `edit` makes of it. */
export function editJson<T>(files: Map<string, Uint8Array>, name: string, edit: (value: T) => T): void {
  const file = files.get(name);
  if (!file) throw new Error(`No ${name} to edit.`);
  const value = JSON.parse(new TextDecoder().decode(file)) as T;
  files.set(name, new TextEncoder().encode(JSON.stringify(edit(value), null, 2)));
}

/** Writes the files into `<parent>/<name>/` and returns that folder. */
export function writeModelFolder(
  parent: string,
  name: string,
  files: ReadonlyMap<string, Uint8Array>,
): string {
  const folder = path.join(parent, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, bytes] of files) writeFileSync(path.join(folder, file), bytes);
  return folder;
}
