import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../engine/protocol';
import { LoadSpeedMeter, LoadTimer } from './load-progress';

const GB = 1e9;
const download = (loadedBytes: number): LoadProgress => ({
  phase: 'download',
  fraction: loadedBytes / (4 * GB),
  loadedBytes,
  totalBytes: 4 * GB,
  text: '',
});

function meterAt(times: number[]) {
  let index = 0;
  return new LoadSpeedMeter(() => times[index++] ?? 0);
}

describe('LoadSpeedMeter', () => {
  it('says nothing until it has a second of samples', () => {
    const meter = meterAt([0, 500]);
    expect(meter.update(download(0))).not.toHaveProperty('bytesPerSecond');
    expect(meter.update(download(10e6))).not.toHaveProperty('bytesPerSecond');
  });

  it('measures speed over the window and the time left from it', () => {
    const meter = meterAt([0, 1000, 2000]);
    meter.update(download(0));
    meter.update(download(20e6));
    const view = meter.update(download(40e6));
    expect(view.bytesPerSecond).toBeCloseTo(20e6);
    expect(view.secondsLeft).toBeCloseTo((4 * GB - 40e6) / 20e6);
  });

  it('forgets samples older than the window', () => {
    const meter = meterAt([0, 1000, 20_000, 21_000]);
    meter.update(download(0));
    meter.update(download(100e6));
    meter.update(download(110e6));
    const view = meter.update(download(120e6));
    expect(view.bytesPerSecond).toBeCloseTo(10e6);
  });

  it('starts over on a new phase and when the bytes go back (a reload counting again)', () => {
    const meter = meterAt([0, 2000, 3000, 3500, 5000]);
    meter.update(download(0));
    meter.update(download(100e6));
    const cache = meter.update({ ...download(10e6), phase: 'cache' });
    expect(cache).not.toHaveProperty('bytesPerSecond');
    meter.update(download(5e6));
    const view = meter.update(download(20e6));
    expect(view.bytesPerSecond).toBeCloseTo(10e6);
  });

  it('reports zero speed, and no time left, when nothing moves', () => {
    const meter = meterAt([0, 2000]);
    meter.update(download(50e6));
    const view = meter.update(download(50e6));
    expect(view.bytesPerSecond).toBe(0);
    expect(view).not.toHaveProperty('secondsLeft');
  });

  it('passes phases without bytes through unchanged', () => {
    const meter = meterAt([0]);
    const compile: LoadProgress = {
      phase: 'compile',
      fraction: 0.5,
      text: 'Loading GPU shader modules[5/10]',
    };
    expect(meter.update(compile)).toEqual(compile);
  });
});

describe('LoadTimer', () => {
  it('times each phase from its first report to the next phase’s, and the whole load', () => {
    // Read at the start, at each new phase and at the end.
    const times = [0, 100, 150, 2_100, 2_500, 9_000, 9_400];
    let index = 0;
    const timer = new LoadTimer(() => times[index++] ?? 0);
    for (const phase of [
      'preparing',
      'download',
      'download',
      'cache',
      'compile',
      'compile',
      'finishing',
    ] as const)
      timer.update({ phase, fraction: 0, text: '' });
    expect(timer.finish()).toEqual({
      totalMs: 9_400,
      phases: { preparing: 50, download: 1_950, cache: 400, compile: 6_500, finishing: 400 },
    });
  });
});
