import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuMemoryOf, modelCatalog, windowsOf } from '../../src/engine/model-records';
import { miniTokenId } from '../../src/test/mini-tokenizer';
import { checkModel, problemsOf, type CheckModelOptions } from './check-model';
import { runCheckModel } from './cli';
import { type Rule } from './findings';
import { folderSource, urlSource } from './model-source';
import {
  editJson,
  LIBRARY_IMPORTS,
  librarySpec,
  syntheticCatalog,
  syntheticFiles,
  syntheticRecord,
  syntheticTokenizer,
  SYNTHETIC_VOCAB,
  tensorCacheFor,
  wasmModule,
  writeModelFolder,
  type TensorCacheJson,
  type WasmSpec,
} from './synthetic-build';
import { checkTokenizer } from './tokenizer';

type Config = Record<string, unknown> & { conv_template: { roles: { user: string } } };
type TokenizerJson = {
  added_tokens: { id: number; content: string }[];
  decoder: { decoders: { type: string }[] };
  model: { vocab: Record<string, number>; merges: string[] };
};

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderOf(files: ReadonlyMap<string, Uint8Array>, name = syntheticRecord('q4f16_1').id): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'check-model-'));
  temporary.push(parent);
  return writeModelFolder(parent, name, files);
}

const options: CheckModelOptions = { catalog: syntheticCatalog, tokenizer: syntheticTokenizer };

async function problems(files: ReadonlyMap<string, Uint8Array>, name?: string) {
  return problemsOf(await checkModel(folderSource(folderOf(files, name)), options));
}

const hangul = /[\u3131-\u318e\uac00-\ud7a3]/;

describe('check-model on a synthetic build', () => {
  it('passes the valid build and exits 0', async () => {
    const lines: string[] = [];
    const code = await runCheckModel([folderOf(syntheticFiles())], {
      catalog: syntheticCatalog,
      tokenizer: syntheticTokenizer,
      write: (line) => lines.push(line),
    });
    expect(lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(code).toBe(0);
    expect(lines).toContain('All checks passed.');
    expect(lines.join('\n')).toMatch(/✓ tensor-cache.json: .*3 shards present with the listed sizes/);
    expect(lines.join('\n')).toContain('Not checked:');
  });

  it('passes the valid q4f32_1 build, named by the library it holds', async () => {
    const record = syntheticRecord('q4f32_1');
    const report = await checkModel(folderSource(folderOf(syntheticFiles(record), 'upload')), options);
    expect(problemsOf(report)).toEqual([]);
    expect(report.record?.id).toBe(record.id);
    expect(report.recordReason).toBe(`its library ${record.modelLib}`);
  });

  const cache = (edit: (json: TensorCacheJson) => TensorCacheJson) => (files: Map<string, Uint8Array>) => {
    editJson(files, 'tensor-cache.json', edit);
  };
  const config = (edit: (json: Config) => Config) => (files: Map<string, Uint8Array>) => {
    editJson(files, 'mlc-chat-config.json', edit);
  };
  const tokenizer = (edit: (json: TokenizerJson) => TokenizerJson) => (files: Map<string, Uint8Array>) => {
    editJson(files, 'tokenizer.json', edit);
  };
  const library = (edit: (spec: WasmSpec) => WasmSpec) => {
    const record = syntheticRecord('q4f16_1');
    return (files: Map<string, Uint8Array>) => {
      files.set(record.modelLib, wasmModule(edit(librarySpec(record))));
    };
  };
  const encoder = new TextEncoder();

  const variants: readonly (readonly [Rule, string, (files: Map<string, Uint8Array>) => void, RegExp])[] = [
    [
      'conv-template',
      'a template without the blank line before an instruction',
      config((json) => ({
        ...json,
        conv_template: { ...json.conv_template, roles: { user: '### 명령어:\n', assistant: '### 응답:' } },
      })),
      /^mlc-chat-config\.json: conv_template\.roles\.user is "### 명령어:\\n" where kullmConvTemplate\(\) has "\\n\\n### 명령어:\\n".*write-chat-config\.ts/,
    ],
    [
      'vocab-size',
      'Llama-2’s vocabulary',
      config((json) => ({ ...json, vocab_size: 32000 })),
      /^mlc-chat-config\.json: vocab_size is 32000, expected 333 \(the Korean vocabulary\)/,
    ],
    [
      'special-token-ids',
      'a wrong BOS',
      config((json) => ({ ...json, bos_token_id: 0 })),
      /^mlc-chat-config\.json: bos_token_id is 0, expected 1/,
    ],
    [
      'special-token-ids',
      'a wrong EOS',
      config((json) => ({ ...json, eos_token_id: [2, 0] })),
      /^mlc-chat-config\.json: eos_token_id is \[2,0\], expected 2/,
    ],
    [
      'context-window',
      'a window other than the record’s',
      config((json) => ({ ...json, context_window_size: 8192 })),
      /^mlc-chat-config\.json: context_window_size is 8192, expected 4096 \(contextWindow of Ko-Test-q4f16_1-MLC/,
    ],
    [
      'trained-context',
      'a window above the trained positions',
      (files) => files.set('config.json', encoder.encode(JSON.stringify({ max_position_embeddings: 2048 }))),
      /^mlc-chat-config\.json: context_window_size 4,096 is above max_position_embeddings 2,048 of .*config\.json.*set contextWindow to 2,048 or less/,
    ],
    [
      'prefill-chunk',
      'a wrong prefill chunk',
      config((json) => ({ ...json, prefill_chunk_size: 2048 })),
      /^mlc-chat-config\.json: prefill_chunk_size is 2048, expected 1024 .*PREFILL_CHUNK_SIZE=1024/,
    ],
    [
      'sampling',
      'gen_config’s top_p',
      config((json) => ({ ...json, top_p: 1 })),
      /^mlc-chat-config\.json: top_p is 1, expected 0\.92 \(generation\.topP of Ko-Test-q4f16_1-MLC/,
    ],
    [
      'quantization',
      'the other build’s config',
      config((json) => ({ ...json, quantization: 'q4f32_1' })),
      /^mlc-chat-config\.json: quantization is "q4f32_1", expected "q4f16_1"/,
    ],
    [
      'config-invalid',
      'a config that is not JSON',
      (files) => files.set('mlc-chat-config.json', encoder.encode('{ "vocab_size": ')),
      /^mlc-chat-config\.json is not valid JSON/,
    ],
    [
      'missing-file',
      'no tokenizer.json',
      (files) => files.delete('tokenizer.json'),
      /^tokenizer\.json is missing \(not found at .*tokenizer\.json\): `mlc_llm gen_config` copies it/,
    ],
    [
      'shard-missing',
      'a missing shard',
      (files) => files.delete('params_shard_1.bin'),
      /^params_shard_1\.bin, listed in tensor-cache\.json, is missing \(not found at .*\): copy every params_shard_\*\.bin/,
    ],
    [
      'shard-size',
      'a truncated shard',
      (files) =>
        files.set('params_shard_0.bin', files.get('params_shard_0.bin')?.slice(1) ?? new Uint8Array()),
      /^params_shard_0\.bin is 1,997 bytes but tensor-cache\.json lists 1,998: it is truncated/,
    ],
    [
      'weight-bytes',
      'an extra shard',
      (files) => {
        const extra = tensorCacheFor([[['model.layers.1.mlp.down_proj.q_weight', [4, 1], 'uint32']]])
          .records[0];
        if (!extra) throw new Error('No shard.');
        const shard = { ...extra, dataPath: 'params_shard_3.bin' };
        cache((json) => ({ ...json, records: [...json.records, shard] }))(files);
        files.set('params_shard_3.bin', new Uint8Array(shard.nbytes));
      },
      /^tensor-cache\.json lists 4,124 bytes of weights but model-config\/models\.json gives Ko-Test-q4f16_1-MLC weightBytes 4,108: .*set weightBytes to 4124/,
    ],
    [
      'vocab-rows',
      'an embedding of another vocabulary',
      cache((json) => {
        const [first, ...rest] = json.records;
        if (!first) throw new Error('No shard.');
        const records = first.records.map((tensor) =>
          tensor.name === 'model.embed_tokens.q_weight'
            ? { ...tensor, shape: [SYNTHETIC_VOCAB - 1, 1] }
            : tensor,
        );
        return { ...json, records: [{ ...first, records }, ...rest] };
      }),
      /^tensor-cache\.json: model\.embed_tokens\.q_weight has 332 rows \(shape \[332,1\]\), expected 333/,
    ],
    [
      'tensor-cache-invalid',
      'an index without sizes',
      cache((json) => ({
        ...json,
        records: json.records.map((shard) => ({ ...shard, nbytes: 'many' as never })),
      })),
      /^tensor-cache\.json\.records\[0\]\.nbytes: must be a number of bytes/,
    ],
    [
      'tokenizer-vocab',
      'a tokenizer with one more token',
      tokenizer((json) => ({
        ...json,
        model: { ...json.model, vocab: { ...json.model.vocab, '<extra_0>': SYNTHETIC_VOCAB } },
      })),
      /^tokenizer\.json has 334 tokens, expected 333/,
    ],
    [
      'tokenizer-special-tokens',
      'BOS and EOS swapped',
      tokenizer((json) => ({
        ...json,
        added_tokens: json.added_tokens.map((token) =>
          token.id === 1 ? { ...token, id: 2 } : token.id === 2 ? { ...token, id: 1 } : token,
        ),
        model: { ...json.model, vocab: { ...json.model.vocab, '<s>': 2, '</s>': 1 } },
      })),
      /^tokenizer\.json: id 1 is "<\/s>", expected "<s>"/,
    ],
    [
      'tokenizer-round-trip',
      'a decoder that keeps ▁',
      tokenizer((json) => ({
        ...json,
        decoder: {
          ...json.decoder,
          decoders: json.decoder.decoders.filter((step) => step.type !== 'Replace'),
        },
      })),
      /^tokenizer\.json changes text: "안녕하세요 한국어 토큰" encoded and decoded is "▁안녕하세요▁한국어▁토큰"/,
    ],
    [
      'tokenizer-korean',
      'a tokenizer without the Korean tokens',
      tokenizer((json) => ({
        ...json,
        model: {
          ...json.model,
          vocab: Object.fromEntries(
            Object.entries(json.model.vocab).map(([piece, id]) => [
              hangul.test(piece) ? `<unused_${id}>` : piece,
              id,
            ]),
          ),
          merges: json.model.merges.filter((merge) => !hangul.test(merge)),
        },
      })),
      /^tokenizer\.json encodes "안녕하세요 한국어 토큰" with no id at or above 260 \(\[259,/,
    ],
    [
      'library-import',
      'a library that imports what the runtime lacks',
      library((spec) => ({ ...spec, imports: [...spec.imports, ['wasi_snapshot_preview1', 'random_get']] })),
      /^Ko-Test-q4f16_1-webgpu\.wasm imports wasi_snapshot_preview1\.random_get \(function\), which web-llm 0\.2\.86's TVM runtime does not provide, so loading it fails with a LinkError/,
    ],
    [
      'library-export',
      'a library without TVMFFIFunctionCall',
      library((spec) => ({
        ...spec,
        functions: spec.functions.filter((name) => name !== 'TVMFFIFunctionCall'),
      })),
      /^Ko-Test-q4f16_1-webgpu\.wasm does not export TVMFFIFunctionCall, which web-llm 0\.2\.86's TVM runtime calls/,
    ],
    [
      'library-export',
      'a library without its memory',
      library((spec) => ({ ...spec, exportMemory: false })),
      /^Ko-Test-q4f16_1-webgpu\.wasm does not export memory/,
    ],
    [
      'library-export',
      'a library without the VM entry',
      library((spec) => ({ ...spec, data: spec.data.replace('vm_load_executable', 'something_else') })),
      /^Ko-Test-q4f16_1-webgpu\.wasm has no vm_load_executable/,
    ],
    [
      'library-f16',
      'a q4f16_1 library without f16 shaders',
      library((spec) => ({ ...spec, data: spec.data.replace('enable f16;', '') })),
      /^Ko-Test-q4f16_1-webgpu\.wasm has no f16 shader \(no "enable f16;"\), but Ko-Test-q4f16_1-MLC is the q4f16_1 build/,
    ],
    [
      'library-prefill-chunk',
      'a library compiled with another prefill chunk',
      library((spec) => ({
        ...spec,
        data: spec.data.replace('"prefill_chunk_size": 1024', '"prefill_chunk_size": 2048'),
      })),
      /^Ko-Test-q4f16_1-webgpu\.wasm was compiled with prefill_chunk_size 2,048 \(its metadata\)/,
    ],
    [
      'library-invalid',
      'a library that is not WebAssembly',
      (files) => files.set(syntheticRecord('q4f16_1').modelLib, encoder.encode('<!doctype html>')),
      /^Ko-Test-q4f16_1-webgpu\.wasm is not a WebAssembly module the browser can compile/,
    ],
  ];

  it.each(variants)('reports %s for %s, and nothing else', async (rule, _name, breakIt, message) => {
    const files = syntheticFiles();
    breakIt(files);
    const found = await problems(files);
    // One rule broken, possibly on more than one line (BOS and EOS both swapped).
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((problem) => problem.rule))).toEqual(new Set([rule]));
    expect(found[0]?.message).toMatch(message);
    for (const problem of found) expect(problem.message).not.toContain('\n');
  });

  it('reports a q4f32_1 library that needs shader-f16', async () => {
    const record = syntheticRecord('q4f32_1');
    const files = syntheticFiles(record);
    files.set(record.modelLib, wasmModule(librarySpec(syntheticRecord('q4f16_1'))));
    const found = await problems(files, record.id);
    // The q4f16_1 library's metadata names its own quantization but the same prefill chunk.
    expect(found.map((problem) => problem.rule)).toEqual(['library-f16']);
    expect(found[0]?.message).toMatch(
      /^Ko-Test-q4f32_1-webgpu\.wasm has shaders that enable f16, but Ko-Test-q4f32_1-MLC \(q4f32_1\) does not require shader-f16/,
    );
  });

  it('exits 1 and prints one line per problem', async () => {
    const files = syntheticFiles();
    editJson<Config>(files, 'mlc-chat-config.json', (json) => ({ ...json, top_p: 1, temperature: 0.7 }));
    const lines: string[] = [];
    const code = await runCheckModel([folderOf(files)], {
      catalog: syntheticCatalog,
      tokenizer: syntheticTokenizer,
      write: (line) => lines.push(line),
    });
    expect(code).toBe(1);
    expect(lines.filter((line) => line.startsWith('✗ '))).toEqual([
      expect.stringMatching(/^✗ mlc-chat-config\.json: temperature is 0\.7, expected 1 /),
      expect.stringMatching(/^✗ mlc-chat-config\.json: top_p is 1, expected 0\.92 /),
    ]);
    expect(lines.at(-1)).toBe('2 problems: fix them before publishing this build.');
  });

  it('says when it cannot tell which record the folder is', async () => {
    const files = syntheticFiles();
    files.delete(syntheticRecord('q4f16_1').modelLib);
    const found = await problems(files, 'my-upload');
    expect(found.map((problem) => problem.rule)).toEqual(['record']);
    expect(found[0]?.message).toBe(
      `Cannot tell which build of model-config/models.json ${path.join(temporary.at(-1) ?? '', 'my-upload')} is: ` +
        'its name "my-upload" is no model id, and it holds none of the libraries (Ko-Test-q4f16_1-webgpu.wasm, ' +
        'Ko-Test-q4f32_1-webgpu.wasm). Pass --model <id>, one of Ko-Test-q4f16_1-MLC, Ko-Test-q4f32_1-MLC.',
    );
  });

  it('takes the record from --model and the id above resolve/main', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'check-model-'));
    temporary.push(parent);
    const record = syntheticRecord('q4f16_1');
    const folder = writeModelFolder(parent, `${record.id}/resolve/main`, syntheticFiles());
    const byName = await checkModel(folderSource(folder), options);
    expect(byName.recordReason).toBe('the folder’s name');
    expect(problemsOf(byName)).toEqual([]);
    const byOption = await checkModel(folderSource(folder), { ...options, modelId: 'nope' });
    expect(problemsOf(byOption)[0]?.message).toMatch(/^--model nope is not in model-config\/models\.json/);
  });

  it('checks the window against --source-config', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'check-model-'));
    temporary.push(parent);
    const sourceConfig = path.join(parent, 'config.json');
    const folder = folderOf(syntheticFiles());
    const write = (value: unknown) => {
      writeFileSync(sourceConfig, JSON.stringify(value));
    };
    write({ max_position_embeddings: 4096 });
    const fits = await checkModel(folderSource(folder), { ...options, sourceConfig });
    expect(problemsOf(fits)).toEqual([]);
    expect(fits.findings[0]?.passed).toContain('within max_position_embeddings 4,096');
    write({ vocab_size: 46336 });
    const unknown = problemsOf(await checkModel(folderSource(folder), { ...options, sourceConfig }));
    expect(unknown.map((problem) => problem.rule)).toEqual(['trained-context']);
    expect(unknown[0]?.message).toMatch(
      /config\.json: max_position_embeddings: must be a whole number of positions, so the window cannot be checked/,
    );
  });

  it('gives the tokenizer fixture’s exact ids for the sample', async () => {
    const bytes = syntheticFiles().get('tokenizer.json');
    if (!bytes) throw new Error('No tokenizer.json.');
    const findings = await checkTokenizer(bytes, syntheticTokenizer);
    const byte = (value: number) => miniTokenId(`<0x${value.toString(16).toUpperCase()}>`);
    expect(findings.sampleIds).toEqual([
      miniTokenId('▁안녕하세요'),
      miniTokenId('▁'),
      miniTokenId('한국어'),
      miniTokenId('▁'),
      ...[...Buffer.from('토큰')].map(byte),
    ]);
    expect(findings.problems).toEqual([]);
  });

  it('estimates the GPU memory per window as the app does', async () => {
    const record = modelCatalog.models[0];
    if (!record) throw new Error('No record.');
    const report = await checkModel(folderSource(folderOf(new Map(), 'empty')), {
      catalog: modelCatalog,
      modelId: record.id,
    });
    expect(report.gpuMemory).toEqual(
      windowsOf(record).map((contextWindow) => ({
        contextWindow,
        estimate: gpuMemoryOf(record, contextWindow),
      })),
    );
    expect(problemsOf(report).map((problem) => problem.rule)).toEqual([
      'missing-file',
      'missing-file',
      'missing-file',
      'missing-file',
    ]);
  });
});

describe('check-model on a URL', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => {
      if (server) server.close(() => resolve());
      else resolve();
    });
    server = undefined;
  });

  /** Serves `folder` at `/models/<id>/resolve/main/`, as a Hugging Face-like host lays a model out. */
  async function serve(folder: string, prefix: string): Promise<string> {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const file = url.pathname.startsWith(prefix)
        ? path.join(folder, url.pathname.slice(prefix.length))
        : '';
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        response.writeHead(404).end('Not Found');
        return;
      }
      response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${prefix}`;
  }

  const record = syntheticRecord('q4f16_1');
  const prefix = `/models/${record.id}/resolve/main/`;

  it('passes the valid build, taking the id from the URL', async () => {
    const url = await serve(folderOf(syntheticFiles()), prefix);
    const report = await checkModel(urlSource(url), options);
    expect(problemsOf(report)).toEqual([]);
    expect(report.record?.id).toBe(record.id);
  });

  it('reports a file the host answers 404 for as a problem', async () => {
    const files = syntheticFiles();
    files.delete('tokenizer.json');
    files.delete('params_shard_2.bin');
    const url = await serve(folderOf(files), prefix);
    const lines: string[] = [];
    const code = await runCheckModel([url], {
      catalog: syntheticCatalog,
      tokenizer: syntheticTokenizer,
      write: (line) => lines.push(line),
    });
    expect(code).toBe(1);
    expect(lines.filter((line) => line.startsWith('✗ '))).toEqual([
      `✗ tokenizer.json is missing (HTTP 404 at ${url}tokenizer.json): \`mlc_llm gen_config\` copies it from the ` +
        'model download; copy it from the build output (model-config/build/build.sh).',
      `✗ params_shard_2.bin, listed in tensor-cache.json, is missing (HTTP 404 at ${url}params_shard_2.bin): copy ` +
        'every params_shard_*.bin of the build, as it is, next to tensor-cache.json.',
    ]);
  });

  it('reports a host it cannot reach as a problem, not a crash', async () => {
    const unreachable = () => Promise.reject(new TypeError('fetch failed'));
    const url = `https://models.invalid${prefix}`;
    const found = problemsOf(await checkModel(urlSource(url, unreachable), options));
    expect(found.map((problem) => problem.rule)).toEqual([
      'missing-file',
      'missing-file',
      'missing-file',
      'missing-file',
    ]);
    expect(found[0]?.message).toBe(
      `mlc-chat-config.json is missing (could not fetch ${url}mlc-chat-config.json: fetch failed): ` +
        '`mlc_llm gen_config` writes it and write-chat-config.ts rewrites it; copy it from the build output ' +
        '(model-config/build/build.sh).',
    );
  });
});

describe('the synthetic library', () => {
  it('imports only what the runtime provides', () => {
    const module = new WebAssembly.Module(wasmModule(librarySpec(syntheticRecord('q4f16_1'))));
    expect(WebAssembly.Module.imports(module).map(({ module: from, name }) => [from, name])).toEqual(
      LIBRARY_IMPORTS,
    );
  });
});

describe('npm run check-model', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const script = path.join(root, 'scripts/check-model.ts');

  // tsx subprocesses: seconds on a busy machine.
  it(
    'checks against model-config/models.json and exits 1 on problems, 2 on a wrong command',
    { timeout: 60_000 },
    () => {
      const folder = folderOf(syntheticFiles(), 'upload');
      const run = spawnSync(tsx, [script, folder, '--model', 'Llama-2-ko-7b-Chat-q4f16_1-MLC'], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      expect(run.stdout).toContain(
        `Checking ${folder} as Llama-2-ko-7b-Chat-q4f16_1-MLC (q4f16_1; from --model).\n` +
          '✗ mlc-chat-config.json: vocab_size is 333, expected 46336 (the Korean vocabulary)',
      );
      expect(run.stdout).toContain('✗ Llama-2-ko-7b-Chat-q4f16_1-webgpu-webllm-0.2.86.wasm is missing');
      expect(run.stdout).toContain(
        'GPU memory the app plans for (estimate, by context window): 4,096 tokens 6,407 MiB',
      );

      const usage = spawnSync(tsx, [script, path.join(folder, 'nowhere')], { encoding: 'utf8' });
      expect(usage.status).toBe(2);
      expect(usage.stdout).toContain('is not a folder');
    },
  );
});
