import { describe, expect, it } from 'vitest';
import { EngineError } from '../chat-engine';
import { toEngineError } from './web-llm-errors';

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('toEngineError', () => {
  it.each([
    [
      named('WebGPUNotAvailableError', 'WebGPU is not supported in your current environment'),
      'webgpu-unavailable',
    ],
    [
      named('ShaderF16SupportError', 'This model requires WebGPU extension shader-f16'),
      'shader-f16-unsupported',
    ],
    ['DeviceLostError: The WebGPU device was lost while loading the model.', 'device-lost'],
    ['OperationError: Device is lost', 'device-lost'],
    [named('QuotaExceededError', 'The quota has been exceeded.'), 'quota-exceeded'],
    [named('TypeError', 'Failed to fetch'), 'network'],
    [named('CompileError', 'WebAssembly.instantiate(): expected magic word'), 'model-files-corrupt'],
    [
      named(
        'LinkError',
        'WebAssembly.instantiate(): Import #0 "env" "foo": function import requires a callable',
      ),
      'model-lib-mismatch',
    ],
    [named('TypeError', "Failed to execute 'add' on 'Cache': Request failed"), 'network'],
    [named('ModelNotLoadedError', 'Model not loaded before trying to complete'), 'not-loaded'],
    [named('RangeError', 'something else entirely'), 'unknown'],
  ])('maps %s to %s', (error, code) => {
    const mapped = toEngineError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(error instanceof Error ? error.message : error);
  });

  it('passes an EngineError through', () => {
    const error = new EngineError('busy', 'busy');
    expect(toEngineError(error)).toBe(error);
  });
});
