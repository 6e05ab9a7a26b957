import { describe, expect, it } from 'vitest';
import { toLoadProgress } from './progress-report';

const GB = 4e9;

describe('toLoadProgress', () => {
  it('reads web-llm’s download report into bytes of the known download size', () => {
    const text =
      'Fetching param cache[12/108]: 420MB fetched. 10% completed, 31 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.';
    expect(toLoadProgress({ progress: 0.105, text }, GB)).toEqual({
      phase: 'download',
      fraction: 0.105,
      loadedBytes: 420_000_000,
      totalBytes: GB,
      text,
    });
  });

  it('tells the cache, shader and finishing phases apart', () => {
    expect(
      toLoadProgress(
        {
          progress: 0.5,
          text: 'Loading model from cache[54/108]: 2000MB loaded. 50% completed, 3 secs elapsed.',
        },
        GB,
      ),
    ).toMatchObject({
      phase: 'cache',
      fraction: 0.5,
      loadedBytes: 2e9,
    });
    expect(
      toLoadProgress(
        { progress: 0.25, text: 'Loading GPU shader modules[20/80]: 25% completed, 1 secs elapsed.' },
        GB,
      ),
    ).toEqual({
      phase: 'compile',
      fraction: 0.25,
      text: 'Loading GPU shader modules[20/80]: 25% completed, 1 secs elapsed.',
    });
    expect(toLoadProgress({ progress: 1, text: 'Finish loading on WebGPU - google' }, GB)).toMatchObject({
      phase: 'finishing',
      fraction: 1,
    });
    expect(toLoadProgress({ progress: 0, text: 'Start to fetch params' }, GB)).toMatchObject({
      phase: 'preparing',
    });
  });

  it('clamps a fraction outside 0..1 and ignores NaN', () => {
    expect(toLoadProgress({ progress: 1.2, text: 'Fetching param cache[1/1]' }, GB).fraction).toBe(1);
    expect(toLoadProgress({ progress: Number.NaN, text: 'Fetching param cache[1/1]' }, GB).fraction).toBe(0);
  });
});
