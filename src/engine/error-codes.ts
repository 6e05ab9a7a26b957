/**
 * What a failure means for what comes next, beyond its explanation:
 * - `model-gone`: no usable model is left; the conversation stays and the model must be loaded again;
 * - `load-again`: the way forward is loading the model again (rather than retrying the same thing);
 * - `host-file`: a load failing with it may really be a file missing or broken on the host (a 404 reaches
 *   web-llm as a failed Cache.add, as JSON that does not parse, or as a library that does not compile), so
 *   the host is worth asking which file;
 * - `folder-helps`: loading the model from a folder on disk gets around it;
 * - `memory`: during a load, it most likely means the device ran out of GPU memory (web-llm's own
 *   `DeviceLostError` says so: TVM destroys the device when a buffer cannot be created), so a smaller
 *   context window may fit.
 */
export type ErrorTrait = 'model-gone' | 'load-again' | 'host-file' | 'folder-helps' | 'memory';

/**
 * Every way an engine call can fail, with its traits: the one list that the protocol's `EngineErrorCode`, its
 * validation and every policy below are derived from. Later codes (device, storage, files) come from the real
 * engine's error mapping.
 */
export const ENGINE_ERRORS = [
  { code: 'webgpu-unavailable', traits: [] },
  { code: 'shader-f16-unsupported', traits: [] },
  { code: 'device-lost', traits: ['model-gone', 'load-again', 'memory'] },
  { code: 'out-of-memory', traits: ['memory'] },
  { code: 'quota-exceeded', traits: [] },
  { code: 'network', traits: ['host-file', 'folder-helps'] },
  { code: 'model-files-missing', traits: ['host-file', 'folder-helps'] },
  { code: 'model-files-corrupt', traits: ['host-file', 'folder-helps'] },
  { code: 'model-lib-mismatch', traits: ['folder-helps'] },
  { code: 'context-window-exceeded', traits: [] },
  { code: 'invalid-numbers', traits: [] },
  { code: 'not-loaded', traits: ['model-gone', 'load-again'] },
  { code: 'busy', traits: [] },
  { code: 'load-cancelled', traits: [] },
  { code: 'invalid-request', traits: [] },
  { code: 'worker-failed', traits: ['model-gone'] },
  { code: 'unknown', traits: ['host-file'] },
] as const satisfies readonly { readonly code: string; readonly traits: readonly ErrorTrait[] }[];

/** A failure's code: what the UI explains and what crosses the worker boundary. */
export type EngineErrorCode = (typeof ENGINE_ERRORS)[number]['code'];

export const ENGINE_ERROR_CODES: readonly EngineErrorCode[] = ENGINE_ERRORS.map(({ code }) => code);

const known: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);

export function isEngineErrorCode(value: unknown): value is EngineErrorCode {
  return typeof value === 'string' && known.has(value);
}

function codesWith(trait: ErrorTrait): ReadonlySet<EngineErrorCode> {
  return new Set(
    ENGINE_ERRORS.filter(({ traits }) => (traits as readonly ErrorTrait[]).includes(trait)).map(
      ({ code }) => code,
    ),
  );
}

const traitCodes: { readonly [Trait in ErrorTrait]: ReadonlySet<EngineErrorCode> } = {
  'model-gone': codesWith('model-gone'),
  'load-again': codesWith('load-again'),
  'host-file': codesWith('host-file'),
  'folder-helps': codesWith('folder-helps'),
  memory: codesWith('memory'),
};

/** Whether a failure with `code` has `trait` (see {@link ErrorTrait}). */
export function hasTrait(code: EngineErrorCode, trait: ErrorTrait): boolean {
  return traitCodes[trait].has(code);
}
