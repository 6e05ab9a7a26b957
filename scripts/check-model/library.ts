import type { ModelRecord } from '../../src/engine/model-records';
import { count, FindingsBuilder, type Findings } from './findings';
import type { WebLlmRuntime } from './web-llm-runtime';

/** TVM's WebGPU code generator starts every shader that uses half floats with this WGSL directive. */
const F16_DIRECTIVE = 'enable f16;';

/** MLC compiles the library's metadata (what its `_metadata` function returns) in as JSON text. */
const PREFILL_METADATA = /"prefill_chunk_size":\s*(\d+)/g;

const listed = (names: readonly string[]): string =>
  names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');

export interface LibraryExpectations {
  readonly record: ModelRecord;
  readonly runtime: WebLlmRuntime;
}

/**
 * The model library against the TVM runtime in web-llm: every import provided (else a `LinkError` when the
 * app loads it), every export web-llm calls, the system-lib entry web-llm asks for, whether its shaders
 * need `shader-f16`, and the prefill chunk it was compiled with when its metadata shows it.
 */
export async function checkLibrary(bytes: Uint8Array, expected: LibraryExpectations): Promise<Findings> {
  const { record, runtime } = expected;
  const name = record.modelLib;
  const findings = new FindingsBuilder(name);
  const toolchain =
    `compile it with the toolchain pinned for web-llm ${runtime.version} ` +
    '(model-config/build/README.md, "Pinned versions")';
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(new Uint8Array(bytes));
  } catch (error) {
    findings.problem(
      'library-invalid',
      `${name} is not a WebAssembly module the browser can compile (${error instanceof Error ? error.message : String(error)}): ` +
        `copy it again from the build, or ${toolchain}.`,
    );
    return findings.build();
  }

  const imports = WebAssembly.Module.imports(module);
  const unprovided = imports.filter(
    (entry) => !(entry.kind === 'function' && runtime.imports.get(entry.module)?.has(entry.name)),
  );
  if (unprovided.length === 0) {
    findings.pass(
      `its ${imports.length} imports are all provided by web-llm ${runtime.version}'s TVM runtime`,
    );
  } else {
    findings.problem(
      'library-import',
      `${name} imports ${listed(unprovided.map((entry) => `${entry.module}.${entry.name} (${entry.kind})`))}, which ` +
        `web-llm ${runtime.version}'s TVM runtime does not provide, so loading it fails with a LinkError: ${toolchain}.`,
    );
  }

  const exports = new Map(WebAssembly.Module.exports(module).map((entry) => [entry.name, entry.kind]));
  const missing = [
    ...runtime.functionExports.filter((wanted) => exports.get(wanted) !== 'function'),
    ...runtime.memoryExports.filter((wanted) => exports.get(wanted) !== 'memory'),
  ];
  if (missing.length === 0) {
    findings.pass(
      `exports the ${runtime.functionExports.length} functions and the memory web-llm ${runtime.version} calls`,
    );
  } else {
    findings.problem(
      'library-export',
      `${name} does not export ${listed(missing)}, which web-llm ${runtime.version}'s TVM runtime calls: it was ` +
        `built against another TVM runtime; ${toolchain}.`,
    );
  }

  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const absent = runtime.systemLibFunctions.filter((entry) => !text.includes(entry));
  if (absent.length === 0) {
    findings.pass(`has ${runtime.systemLibFunctions.join(', ')} (what web-llm asks its system lib for)`);
  } else {
    findings.problem(
      'library-export',
      `${name} has no ${listed(absent)}, which web-llm asks the library's system lib for: it is not a model ` +
        'library compiled by `mlc_llm compile … --device webgpu`; compile it again.',
    );
  }

  const usesF16 = text.includes(F16_DIRECTIVE);
  const needsF16 = record.requiredFeatures.includes('shader-f16');
  if (usesF16 === needsF16) {
    findings.pass(
      usesF16
        ? `f16 shaders, as ${record.quantization} (shader-f16 required) should have`
        : `no f16 shaders, as ${record.quantization} (for GPUs without shader-f16) should have`,
    );
  } else if (usesF16) {
    findings.problem(
      'library-f16',
      `${name} has shaders that enable f16, but ${record.id} (${record.quantization}) does not require shader-f16 and ` +
        'is the build for GPUs without it, where this library fails: compile it from the q4f32_1 config.',
    );
  } else {
    findings.problem(
      'library-f16',
      `${name} has no f16 shader (no "${F16_DIRECTIVE}"), but ${record.id} is the ${record.quantization} build, ` +
        'whose weights are f16: it was compiled from another quantization; compile it from this folder’s ' +
        'mlc-chat-config.json.',
    );
  }

  const chunks = new Set(
    [...text.toString('latin1').matchAll(PREFILL_METADATA)].map((found) => Number(found[1])),
  );
  const [chunk] = chunks;
  if (chunks.size !== 1 || chunk === undefined) {
    findings.note(
      `the prefill chunk ${name} was compiled with: not found in its metadata; the worker logs it when the ` +
        'model loads ("prefill_chunk_size: library N, mlc-chat-config.json M").',
    );
  } else if (chunk === record.prefillChunkSize) {
    findings.pass(`compiled with prefill_chunk_size ${count(chunk)}`);
  } else {
    findings.problem(
      'library-prefill-chunk',
      `${name} was compiled with prefill_chunk_size ${count(chunk)} (its metadata) but model-config/models.json ` +
        `gives ${record.id} prefillChunkSize ${count(record.prefillChunkSize)}: compile it again with ` +
        `PREFILL_CHUNK_SIZE=${record.prefillChunkSize}, or correct prefillChunkSize in model-config/models.json.`,
    );
  }
  return findings.build();
}
