import { describe, expect, it } from 'vitest';
import manifest from '../../test/fixtures/tensor-cache.json';
import { LoadProgressRelay, shardBytesOf, toLoadProgress, type DownloadTotal } from './progress-report';
import type { LoadProgress } from '../protocol';

const total: DownloadTotal = { shardBytes: 4e9, libraryBytes: 6e6 };

describe('toLoadProgress', () => {
  it('reads web-llm’s download report into bytes of the shards’ total, the library counted as fetched', () => {
    const text =
      'Fetching param cache[12/108]: 420MB fetched. 10% completed, 31 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.';
    expect(toLoadProgress({ progress: 0.105, text }, total)).toEqual({
      phase: 'download',
      fraction: 426e6 / 4006e6,
      loadedBytes: 426_000_000,
      totalBytes: 4_006_000_000,
      text,
    });
    expect(toLoadProgress({ progress: 1, text }, total)).toMatchObject({
      fraction: 1,
      loadedBytes: 4_006_000_000,
      totalBytes: 4_006_000_000,
    });
  });

  it('gives no bytes without the real total, rather than an estimate', () => {
    expect(toLoadProgress({ progress: 0.5, text: 'Fetching param cache[1/2]' }, undefined)).toEqual({
      phase: 'download',
      fraction: 0.5,
      text: 'Fetching param cache[1/2]',
    });
  });

  it('tells the cache, shader and finishing phases apart; the cache phase reads the shards only', () => {
    expect(
      toLoadProgress(
        {
          progress: 0.5,
          text: 'Loading model from cache[54/108]: 2000MB loaded. 50% completed, 3 secs elapsed.',
        },
        total,
      ),
    ).toMatchObject({ phase: 'cache', fraction: 0.5, loadedBytes: 2e9, totalBytes: 4e9 });
    expect(
      toLoadProgress(
        { progress: 0.25, text: 'Loading GPU shader modules[20/80]: 25% completed, 1 secs elapsed.' },
        total,
      ),
    ).toEqual({
      phase: 'compile',
      fraction: 0.25,
      text: 'Loading GPU shader modules[20/80]: 25% completed, 1 secs elapsed.',
    });
    expect(toLoadProgress({ progress: 1, text: 'Finish loading on WebGPU - google' }, total)).toMatchObject({
      phase: 'finishing',
      fraction: 1,
    });
    expect(toLoadProgress({ progress: 0, text: 'Start to fetch params' }, total)).toMatchObject({
      phase: 'preparing',
    });
  });

  it('clamps a fraction outside 0..1 and ignores NaN', () => {
    expect(toLoadProgress({ progress: 1.2, text: 'Loading model from cache[1/1]' }, total).fraction).toBe(1);
    expect(
      toLoadProgress({ progress: Number.NaN, text: 'Loading model from cache[1/1]' }, total).fraction,
    ).toBe(0);
  });
});

describe('shardBytesOf', () => {
  it('sums the shards’ nbytes of a tensor-cache.json, as web-llm does', () => {
    expect(shardBytesOf(manifest)).toBe(3072 + 2048 + 1056);
  });

  it('gives up on a file that is not a weights index with sizes', () => {
    expect(shardBytesOf(null)).toBeUndefined();
    expect(shardBytesOf({ records: 'x' })).toBeUndefined();
    expect(shardBytesOf({ records: [{ dataPath: 'a.bin' }] })).toBeUndefined();
    expect(shardBytesOf({ records: [{ nbytes: -1 }] })).toBeUndefined();
  });
});

describe('LoadProgressRelay', () => {
  it('passes every report on in order, each with the total it waited for', async () => {
    let resolve!: (total: DownloadTotal) => void;
    let reads = 0;
    const seen: LoadProgress[] = [];
    const relay = new LoadProgressRelay(
      () => {
        reads += 1;
        return new Promise((done) => (resolve = done));
      },
      (progress) => seen.push(progress),
    );
    relay.report({ progress: 0, text: 'Start to fetch params' });
    relay.report({ progress: 0.5, text: 'Fetching param cache[1/2]' });
    relay.report({ progress: 1, text: 'Fetching param cache[2/2]' });
    await Promise.resolve();
    expect(seen).toEqual([]);
    resolve({ shardBytes: 100, libraryBytes: 10 });
    await relay.flushed();
    expect(reads).toBe(1);
    expect(seen.map((progress) => [progress.phase, progress.loadedBytes, progress.totalBytes])).toEqual([
      ['preparing', undefined, undefined],
      ['download', 60, 110],
      ['download', 110, 110],
    ]);
  });

  it('reports without bytes when the total cannot be read', async () => {
    const seen: LoadProgress[] = [];
    const relay = new LoadProgressRelay(
      () => Promise.reject(new Error('cache gone')),
      (progress) => seen.push(progress),
    );
    relay.report({ progress: 0.5, text: 'Fetching param cache[1/2]' });
    await relay.flushed();
    expect(seen).toEqual([{ phase: 'download', fraction: 0.5, text: 'Fetching param cache[1/2]' }]);
  });
});
