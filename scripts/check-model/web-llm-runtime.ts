import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * What the TVM runtime bundled in the installed web-llm gives a model library and asks of it, read from
 * `node_modules/@mlc-ai/web-llm/lib/index.js` itself so that it follows the installed version.
 *
 * How web-llm 0.2.86 loads a library: `reload()` calls `tvmjs.instantiate(wasm.buffer,
 * tvmjs.createPolyfillWASI(), logger)`. `createPolyfillWASI()` returns an `EmccWASI` whose `imports` are
 * those the Emscripten glue of the runtime (`tvmjs_runtime_wasi.js`, inlined in the bundle) hands its
 * `Module.instantiateWasm`: `info = {"env": wasmImports, "wasi_snapshot_preview1": wasmImports}`. tvmjs's
 * `Environment` then replaces `env` with `Object.assign(defaultEnv, env, newEnv)`, adding a few functions of
 * its own. Those are the only imports a library can link against. On the other side, the glue reads the
 * instance's `memory` and calls its `_initialize` (a reactor's entry), and tvmjs calls the C API exports it
 * names as `….exports.NAME` (the `asyncify_*` ones only after checking that they exist), and asks the
 * library's system lib for `vm_load_executable`.
 */
export interface WebLlmRuntime {
  /** The installed web-llm's version, for messages. */
  readonly version: string;
  /** Per import module, the functions the runtime provides. */
  readonly imports: ReadonlyMap<string, ReadonlySet<string>>;
  /** Function exports the runtime calls unconditionally. */
  readonly functionExports: readonly string[];
  /** Exports the runtime reads as a `WebAssembly.Memory`. */
  readonly memoryExports: readonly string[];
  /** Exports the runtime uses only when present (asyncify). */
  readonly optionalExports: readonly string[];
  /** Names the runtime looks up in the library's system lib (`systemLib().getFunction(name)`). */
  readonly systemLibFunctions: readonly string[];
}

/** The installed web-llm's bundle no longer has the code this module reads. */
export class WebLlmBundleChangedError extends Error {
  override readonly name = 'WebLlmBundleChangedError';
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function changed(version: string, what: string): WebLlmBundleChangedError {
  return new WebLlmBundleChangedError(
    `@mlc-ai/web-llm ${version}: lib/index.js no longer has ${what}, so the library checks cannot tell what ` +
      'its TVM runtime provides. Read how the new bundle instantiates a model library and update ' +
      'scripts/check-model/web-llm-runtime.ts.',
  );
}

function match(text: string, pattern: RegExp, version: string, what: string): RegExpExecArray {
  const found = pattern.exec(text);
  if (!found) throw changed(version, what);
  return found;
}

function group(found: RegExpExecArray, index: number): string {
  const value = found[index];
  if (value === undefined) throw new Error(`Pattern ${found[0]} has no group ${index}.`);
  return value;
}

function expectText(text: string, snippet: string, version: string, what: string): void {
  if (!text.includes(snippet)) throw changed(version, `${what} (\`${snippet}\`)`);
}

const unique = (names: readonly string[]): string[] => [...new Set(names)];

/** The tvmjs factory that the engine calls `instantiate` and `createPolyfillWASI` on. */
function tvmjsSource(bundle: string, version: string): string {
  // Matched in the text just before each `createPolyfillWASI()`: the same pattern over the whole 7 MB bundle
  // takes seconds (every identifier is a possible start).
  const marker = 'createPolyfillWASI()';
  let call: RegExpExecArray | null = null;
  for (let at = bundle.indexOf(marker); at >= 0 && !call; at = bundle.indexOf(marker, at + 1)) {
    const before = bundle.slice(Math.max(0, at - 200), at + marker.length);
    call = /([\w$]+)\.instantiate\(\s*[\w$.]+,\s*\1\.createPolyfillWASI\(\)$/.exec(before);
  }
  if (!call) {
    throw changed(version, 'the engine call `<tvmjs>.instantiate(wasm, <tvmjs>.createPolyfillWASI(), …)`');
  }
  const namespace = group(call, 1);
  const binding = match(
    bundle,
    new RegExp(`var ${escape(namespace)} = ([\\w$]+)\\(\\);`),
    version,
    `the definition of ${namespace}`,
  );
  const factory = group(binding, 1);
  const start = bundle.search(new RegExp(`function ${escape(factory)}\\s*\\(\\)\\s*\\{`));
  if (start < 0 || start > binding.index) throw changed(version, `the tvmjs factory ${factory}()`);
  const source = bundle.slice(start, binding.index);
  expectText(source, 'exports.instantiate = instantiate;', version, 'tvmjs exporting instantiate');
  return source;
}

/** Imports: the glue's `wasmImports` under each module of `info`, plus `Environment`'s additions to `env`. */
function providedImports(tvmjs: string, version: string): Map<string, Set<string>> {
  match(
    tvmjs,
    /function createPolyfillWASI\(\)\s*\{\s*return new EmccWASI\(\);/,
    version,
    'createPolyfillWASI() returning an EmccWASI',
  );
  expectText(
    tvmjs,
    'this.imports = Module.wasmLibraryProvider.imports;',
    version,
    'EmccWASI taking the imports of the Emscripten glue',
  );
  expectText(
    tvmjs,
    '__wasmLib.imports=imports;',
    version,
    'the glue capturing the imports it instantiates with',
  );
  expectText(tvmjs, 'Module["instantiateWasm"](info,', version, 'the glue instantiating with `info`');

  const info = group(match(tvmjs, /var info=\{([^{}]*)\}/, version, 'the glue’s import object `info`'), 1);
  const modules = [...info.matchAll(/"([\w$]+)":([\w$]+)/g)];
  if (modules.length === 0 || modules.some((entry) => entry[2] !== 'wasmImports')) {
    throw changed(version, 'an `info` whose every module is `wasmImports`');
  }
  const literals = [...tvmjs.matchAll(/var wasmImports=\{([^{}]*)\}/g)];
  const literal = literals[0];
  if (literals.length !== 1 || !literal) throw changed(version, 'exactly one glue `var wasmImports={…}`');
  const body = group(literal, 1);
  if (!/^(?:[\w$]+:[\w$]+,)*[\w$]+:[\w$]+$/.test(body)) {
    throw changed(version, 'a `wasmImports` of plain `name:function` entries');
  }
  const glue = body.split(',').map((entry) => entry.slice(0, entry.indexOf(':')));

  expectText(
    tvmjs,
    'this.imports.env = this.environment(this.imports.env);',
    version,
    'Environment replacing `env`',
  );
  const from = tvmjs.indexOf('environment(initEnv) {');
  const to = tvmjs.indexOf('return Object.assign(defaultEnv, initEnv, newEnv);', from);
  if (from < 0 || to < 0)
    throw changed(version, 'Environment.environment() merging defaultEnv, env and newEnv');
  const environment = [...tvmjs.slice(from, to).matchAll(/"([\w$]+)"\s*:/g)].map((entry) => group(entry, 1));
  if (environment.length === 0) throw changed(version, 'the functions Environment adds to `env`');

  const imports = new Map<string, Set<string>>();
  for (const entry of modules) imports.set(group(entry, 1), new Set(glue));
  imports.set('env', new Set([...(imports.get('env') ?? []), ...environment]));
  return imports;
}

/** Exports: every `….exports.NAME` of tvmjs, those it tests against `undefined` as optional, and the glue's. */
function requiredExports(
  tvmjs: string,
  version: string,
): Pick<WebLlmRuntime, 'functionExports' | 'memoryExports' | 'optionalExports'> {
  // Only `x.exports.NAME`: a bare `exports.NAME = …` is the factory's own module object.
  const used = unique([...tvmjs.matchAll(/\.exports\s*\.\s*([A-Za-z_$][\w$]*)/g)].map((m) => group(m, 1)));
  const optional = unique(
    [...tvmjs.matchAll(/\.exports\s*\.\s*([A-Za-z_$][\w$]*)\s*[!=]==\s*undefined/g)].map((m) => group(m, 1)),
  );
  const memories = unique(
    [...tvmjs.matchAll(/\.exports\.([\w$]+) instanceof WebAssembly\.Memory/g)].map((m) => group(m, 1)),
  );
  const validated = group(
    match(
      tvmjs,
      /validateInstance\(\)\s*\{\s*this\.checkExports\(\[([^\]]*)\]\)/,
      version,
      'FFILibrary.validateInstance() checking exports',
    ),
    1,
  )
    .split(',')
    .map((name) => name.trim().replace(/^"|"$/g, ''));
  if (used.length === 0 || memories.length === 0) throw changed(version, 'tvmjs calling library exports');

  match(
    tvmjs,
    /function receiveInstance\(instance,module\)\{wasmExports=instance\.exports;[^}]*wasmMemory=wasmExports\["memory"\]/,
    version,
    'the glue reading the instance’s `memory`',
  );
  const entry = group(
    match(
      tvmjs,
      /var __initialize=Module\["__initialize"\]=\(\)=>\(__initialize=Module\["__initialize"\]=wasmExports\["([\w$]+)"\]\)\(\)/,
      version,
      'the glue’s entry function `__initialize`',
    ),
    1,
  );
  expectText(tvmjs, 'var entryFunction=__initialize;', version, 'the glue calling `__initialize` at start');

  const memoryExports = unique([...memories, 'memory']);
  return {
    functionExports: unique([...validated, ...used, entry]).filter(
      (name) => !optional.includes(name) && !memoryExports.includes(name),
    ),
    memoryExports,
    optionalExports: optional,
  };
}

/** Reads the runtime's contract with a model library from web-llm's bundle (the text of `lib/index.js`). */
export function deriveWebLlmRuntime(bundle: string, version: string): WebLlmRuntime {
  const tvmjs = tvmjsSource(bundle, version);
  const systemLibFunctions = unique(
    [...tvmjs.matchAll(/systemLib\(\)\.getFunction\("([^"]+)"\)/g)].map((m) => group(m, 1)),
  );
  if (systemLibFunctions.length === 0) throw changed(version, 'a `systemLib().getFunction("…")` lookup');
  return {
    version,
    imports: providedImports(tvmjs, version),
    ...requiredExports(tvmjs, version),
    systemLibFunctions,
  };
}

let installed: WebLlmRuntime | undefined;

/** The contract of the web-llm in node_modules. */
export function installedWebLlmRuntime(): WebLlmRuntime {
  if (installed) return installed;
  const require = createRequire(import.meta.url);
  const bundlePath = require.resolve('@mlc-ai/web-llm');
  const manifest = JSON.parse(readFileSync(require.resolve('@mlc-ai/web-llm/package.json'), 'utf8')) as {
    version?: unknown;
  };
  const version = typeof manifest.version === 'string' ? manifest.version : 'unknown';
  installed = deriveWebLlmRuntime(readFileSync(bundlePath, 'utf8'), version);
  return installed;
}
