import { isEngineErrorCode, type ScriptedScenario } from '../engine/protocol';

function positiveNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * Reads the scripted engine's behaviour from the page's query string (end-to-end builds only):
 * `tokenDelayMs`, `loadMs`, `loadError=<code>`, `generateError=<code>:<afterPieces>`.
 */
export function scenarioFromUrl(search: string): ScriptedScenario {
  const params = new URLSearchParams(search);
  const tokenDelayMs = positiveNumber(params.get('tokenDelayMs'));
  const loadMs = positiveNumber(params.get('loadMs'));
  const loadError = params.get('loadError');
  const [generateCode, afterPieces] = (params.get('generateError') ?? '').split(':');
  return {
    ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }),
    ...(loadMs === undefined ? {} : { loadMs }),
    ...(isEngineErrorCode(loadError) ? { loadError } : {}),
    ...(isEngineErrorCode(generateCode)
      ? { generateError: { code: generateCode, afterPieces: positiveNumber(afterPieces ?? null) ?? 0 } }
      : {}),
  };
}
