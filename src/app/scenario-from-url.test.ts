import { describe, expect, it } from 'vitest';
import { scenarioFromUrl } from './scenario-from-url';

describe('scenarioFromUrl', () => {
  it('reads every setting', () => {
    expect(
      scenarioFromUrl(
        '?tokenDelayMs=40&loadMs=0&loadError=network&generateError=device-lost:5&gpuMemoryMB=6000',
      ),
    ).toEqual({
      tokenDelayMs: 40,
      loadMs: 0,
      gpuMemoryMB: 6000,
      loadError: 'network',
      generateError: { code: 'device-lost', afterPieces: 5 },
    });
  });

  it('ignores what it does not know', () => {
    expect(
      scenarioFromUrl('?tokenDelayMs=-3&loadMs=abc&loadError=kaboom&generateError=nope:1&gpu=tpu&x=1'),
    ).toEqual({});
    expect(scenarioFromUrl('')).toEqual({});
  });
});
