import { describe, expect, it } from 'vitest';
import { errorKey } from '../ui/i18n/messages';
import { en } from '../ui/i18n/messages-en';
import { ko } from '../ui/i18n/messages-ko';
import { ENGINE_ERROR_CODES, ENGINE_ERRORS, hasTrait, isEngineErrorCode } from './error-codes';
import { isEngineErrorCode as fromProtocol } from './protocol';

describe('engine error codes', () => {
  it('are one list of distinct codes, which the protocol checks against', () => {
    expect(new Set(ENGINE_ERROR_CODES).size).toBe(ENGINE_ERROR_CODES.length);
    expect(ENGINE_ERROR_CODES).toEqual(ENGINE_ERRORS.map(({ code }) => code));
    for (const code of ENGINE_ERROR_CODES) expect(fromProtocol(code)).toBe(true);
    expect(fromProtocol).toBe(isEngineErrorCode);
    expect(isEngineErrorCode('Device-Lost')).toBe(false);
    expect(isEngineErrorCode(undefined)).toBe(false);
  });

  // In the first screens' Korean: a shared conversation can hold a failed answer, shown before the app's texts.
  it('each have an explanation in Korean and in English', () => {
    for (const code of ENGINE_ERROR_CODES) {
      expect((ko as Record<string, string>)[errorKey(code)]).toMatch(/[가-힣]/);
      expect(en[errorKey(code)]).toMatch(/[a-z]/);
    }
  });

  it('carry the policies the store, the engine and the model panel follow', () => {
    const withTrait = (trait: Parameters<typeof hasTrait>[1]) =>
      ENGINE_ERROR_CODES.filter((code) => hasTrait(code, trait));
    expect(withTrait('model-gone')).toEqual(['device-lost', 'not-loaded', 'worker-failed']);
    expect(withTrait('load-again')).toEqual(['device-lost', 'not-loaded']);
    expect(withTrait('host-file')).toEqual([
      'network',
      'model-files-missing',
      'model-files-corrupt',
      'unknown',
    ]);
    expect(withTrait('folder-helps')).toEqual([
      'network',
      'model-files-missing',
      'model-files-corrupt',
      'model-lib-mismatch',
    ]);
    expect(withTrait('memory')).toEqual(['device-lost', 'out-of-memory']);
  });
});
