import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { deriveWebLlmRuntime, installedWebLlmRuntime, WebLlmBundleChangedError } from './web-llm-runtime';

const bundle = readFileSync(createRequire(import.meta.url).resolve('@mlc-ai/web-llm'), 'utf8');

describe('the TVM runtime of the installed web-llm', () => {
  const runtime = installedWebLlmRuntime();

  it('is read from web-llm 0.2.86', () => {
    expect(runtime.version).toBe('0.2.86');
  });

  // What 0.2.86's bundle gives, written out so that an upgrade that changes it shows in review.
  it('provides the Emscripten glue’s imports under env and wasi_snapshot_preview1, and tvmjs’s own under env', () => {
    const glue = [
      'TVMFFIWasmFunctionDeleter',
      'TVMFFIWasmSafeCall',
      'clock_time_get',
      'emscripten_notify_memory_growth',
      'environ_get',
      'environ_sizes_get',
      'fd_close',
      'fd_read',
      'fd_seek',
      'fd_write',
      'proc_exit',
    ];
    expect(
      Object.fromEntries([...runtime.imports].map(([module, names]) => [module, [...names].sort()])),
    ).toEqual({
      env: [...glue, '__cxa_thread_atexit', '__console_log'].sort(),
      wasi_snapshot_preview1: [...glue].sort(),
    });
  });

  it('calls the C API exports, the reactor’s _initialize and the memory, and asyncify only when present', () => {
    expect([...runtime.functionExports].sort()).toEqual(
      [
        'TVMFFIAnyViewToOwnedAny',
        'TVMFFIDataTypeToString',
        'TVMFFIErrorSetRaisedFromCStr',
        'TVMFFIFunctionCall',
        'TVMFFIFunctionGetGlobal',
        'TVMFFIFunctionSetGlobal',
        'TVMFFIGetTypeInfo',
        'TVMFFIObjectDecRef',
        'TVMFFIObjectIncRef',
        'TVMFFITypeKeyToIndex',
        'TVMFFIWasmFunctionCreate',
        'TVMFFIWasmGetLastError',
        'TVMWasmAllocSpace',
        'TVMWasmFreeSpace',
        '_initialize',
      ].sort(),
    );
    expect(runtime.memoryExports).toEqual(['memory']);
    expect([...runtime.optionalExports].sort()).toEqual([
      'asyncify_start_rewind',
      'asyncify_start_unwind',
      'asyncify_stop_rewind',
      'asyncify_stop_unwind',
    ]);
    expect(runtime.systemLibFunctions).toEqual(['vm_load_executable']);
  });

  it.each([
    ['the engine’s instantiate call', 'createPolyfillWASI()', 'makeWasi()', /the engine call/],
    ['the glue’s imports', 'var wasmImports={', 'var wasmImports = {', /exactly one glue `var wasmImports/],
    [
      'Environment’s additions',
      'return Object.assign(defaultEnv, initEnv, newEnv);',
      'return initEnv;',
      /Environment/,
    ],
    ['the glue’s entry', 'var entryFunction=__initialize;', 'var entryFunction=main;', /__initialize/],
    [
      'validateInstance',
      'this.checkExports(["TVMWasmAllocSpace"',
      'this.check(["TVMWasmAllocSpace"',
      /validateInstance/,
    ],
  ])('fails loudly when %s changes', (_what, from, to, message) => {
    expect(bundle).toContain(from);
    const changed = bundle.split(from).join(to);
    expect(() => deriveWebLlmRuntime(changed, '9.9.9')).toThrow(WebLlmBundleChangedError);
    expect(() => deriveWebLlmRuntime(changed, '9.9.9')).toThrow(message);
    expect(() => deriveWebLlmRuntime(changed, '9.9.9')).toThrow(
      /update scripts\/check-model\/web-llm-runtime\.ts/,
    );
  });
});
