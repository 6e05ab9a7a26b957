import { EngineError } from '../chat-engine';
import type { EngineErrorCode } from '../protocol';

/**
 * web-llm exports only `IntegrityError`; the others are told apart by `name` or by the message
 * (its own worker handler flattens errors to "Name: message"). First match wins.
 */
const patterns: readonly (readonly [pattern: RegExp, code: EngineErrorCode])[] = [
  [/WebGPUNotAvailableError|WebGPU is not supported|navigator\.gpu/i, 'webgpu-unavailable'],
  [/ShaderF16SupportError|shader-f16/i, 'shader-f16-unsupported'],
  // Chrome's own text for GPU work on a lost device is "Device is lost".
  [/DeviceLostError|device (is |was )?lost/i, 'device-lost'],
  // The reason web-llm's unload() aborts a load's fetches with. The engine tells a cancel apart before it
  // maps anything, so here the unload came from web-llm's device-lost handler.
  [/Engine\.unload\(\) is called/, 'device-lost'],
  [/ContextWindowSizeExceededError/, 'context-window-exceeded'],
  [/ModelNotLoadedError/, 'not-loaded'],
  [/QuotaExceededError|quota/i, 'quota-exceeded'],
  [/out of memory|OutOfMemory|allocation failed|Failed to allocate/i, 'out-of-memory'],
  [/IntegrityError/, 'model-files-corrupt'],
  // A library built for another TVM runtime fails to link, or misses runtime functions it expects.
  [/LinkError|Cannot find global function|version mismatch|MissingModelWasmError/i, 'model-lib-mismatch'],
  [/CompileError/, 'model-files-corrupt'],
  [/ModelNotFoundError|HTTP 404/, 'model-files-missing'],
  [/Failed to fetch|NetworkError|network|Request failed/i, 'network'],
];

export function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const code = patterns.find(([pattern]) => pattern.test(text))?.[1] ?? 'unknown';
  return new EngineError(code, text);
}
