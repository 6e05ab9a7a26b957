import { isEngineErrorCode, type ScriptedScenario } from '../engine/protocol';

function positiveNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * Reads the scripted engine's behaviour from the page's query string (end-to-end builds only):
 * `tokenDelayMs`, `loadMs`, `loadError=<code>`, `generateError=<code>:<afterPieces>`,
 * `gpu=none|no-adapter|no-f16|f16`, `contextWindow` (tokens, one per code point), `gpuMemoryMB` (the
 * scripted GPU's memory: a load whose estimate is larger is lost with its device).
 */
export function scenarioFromUrl(search: string): ScriptedScenario {
  const params = new URLSearchParams(search);
  const tokenDelayMs = positiveNumber(params.get('tokenDelayMs'));
  const loadMs = positiveNumber(params.get('loadMs'));
  const loadError = params.get('loadError');
  const [generateCode, afterPieces] = (params.get('generateError') ?? '').split(':');
  const gpu = params.get('gpu');
  const contextWindow = positiveNumber(params.get('contextWindow'));
  const gpuMemoryMB = positiveNumber(params.get('gpuMemoryMB'));
  return {
    ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }),
    ...(loadMs === undefined ? {} : { loadMs }),
    ...(isEngineErrorCode(loadError) ? { loadError } : {}),
    ...(contextWindow === undefined ? {} : { contextWindow }),
    ...(gpuMemoryMB === undefined ? {} : { gpuMemoryMB }),
    ...(gpu === 'none' || gpu === 'no-adapter' || gpu === 'no-f16' || gpu === 'f16' ? { gpu } : {}),
    ...(isEngineErrorCode(generateCode)
      ? { generateError: { code: generateCode, afterPieces: positiveNumber(afterPieces ?? null) ?? 0 } }
      : {}),
  };
}
