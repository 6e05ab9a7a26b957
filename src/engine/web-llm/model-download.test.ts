import { describe, expect, it, vi } from 'vitest';
import { FakeCacheStorage, FakeHost } from '../../test/fake-web-llm';
import tensorCache from '../../test/fixtures/tensor-cache.json';
import { modelCatalog } from '../model-records';
import { WEB_LLM_CACHES } from './folder-import';
import { INTEGRITY_MANIFEST, sha256Sri } from './integrity';
import { downloadModel, VERIFIED_HEADER } from './model-download';
import { modelFileUrls } from './model-files';

function firstRecord() {
  const [first] = modelCatalog.models;
  if (!first) throw new Error('model-config/models.json has no model');
  return first;
}
const record = firstRecord();
const urls = modelFileUrls(record, 'https://host.example/models/');
const shardUrl = (index: number) => new URL(tensorCache.records[index]?.dataPath ?? '', urls.base).href;

/** The smallest valid WebAssembly module. */
const LIBRARY = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(text));

/** A model's files on a host, with or without the build's manifest. */
async function modelOnHost({ manifest = true }: { manifest?: boolean } = {}) {
  const files = new Map<string, Uint8Array<ArrayBuffer>>([
    [urls.config, utf8(JSON.stringify({ context_window_size: 4096 }))],
    [urls.library, LIBRARY],
    [urls.tokenizer, utf8('{"model":{}}')],
    [urls.tensorCache, utf8(JSON.stringify(tensorCache))],
    ...tensorCache.records.map(({ nbytes }, index): [string, Uint8Array<ArrayBuffer>] => [
      shardUrl(index),
      Uint8Array.from({ length: nbytes }, (_, i) => (i * 7 + index) % 251),
    ]),
  ]);
  const entries: [string, BodyInit][] = [...files];
  if (manifest) {
    const described = await Promise.all(
      [...files].map(async ([url, data]): Promise<[string, { bytes: number; integrity: string }]> => [
        url.slice(urls.base.length),
        { bytes: data.byteLength, integrity: await sha256Sri(data.slice().buffer) },
      ]),
    );
    entries.push([
      new URL(INTEGRITY_MANIFEST, urls.base).href,
      JSON.stringify({ version: 1, files: Object.fromEntries(described) }),
    ]);
  }
  const host = new FakeHost(new Map(entries));
  const caches = new FakeCacheStorage();
  const digest = vi.fn(sha256Sri);
  const repaired: string[] = [];
  const reports: { loaded: number; total: number }[] = [];
  const run = (options: { signal?: AbortSignal; fetch?: typeof host.fetch } = {}) =>
    downloadModel(
      record,
      urls,
      { caches, fetch: options.fetch ?? host.fetch, digest },
      {
        signal: options.signal,
        onProgress: (loaded, total) => reports.push({ loaded, total }),
        onRepair: (file) => repaired.push(file),
      },
    );
  const all = [...files.values()].reduce((sum, data) => sum + data.byteLength, 0);
  return { host, caches, files, digest, repaired, reports, run, all };
}

/** A fetch that serves `url` damaged (its first byte changed, or cut short) `times` times, then as it is. */
function damaging(host: FakeHost, url: string, times: number, how: 'flip' | 'cut' = 'flip') {
  let served = 0;
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await host.fetch(input, init);
    if (new Request(input).url !== url || served++ >= times) return response;
    const data = new Uint8Array(await response.arrayBuffer());
    if (how === 'cut') return new Response(data.slice(0, data.length - 1));
    data[0] = (data[0] ?? 0) ^ 0xff;
    return new Response(data);
  };
}

const cachedShard = async (caches: FakeCacheStorage, index: number) =>
  (await caches.open(WEB_LLM_CACHES.model)).match(shardUrl(index));

describe('downloadModel', () => {
  it('puts every file in web-llm’s caches, checked against the manifest, with exact progress', async () => {
    const { run, caches, files, reports, all, repaired } = await modelOnHost();
    const outcome = await run();
    expect(outcome.manifest?.files['params_shard_0.bin']?.bytes).toBe(tensorCache.records[0]?.nbytes);
    expect(repaired).toEqual([]);
    expect(reports.at(-1)).toEqual({ loaded: all, total: all });
    expect(reports.every(({ total }) => total === all)).toBe(true);
    const shard = await cachedShard(caches, 1);
    expect(new Uint8Array((await shard?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
      files.get(shardUrl(1)),
    );
    expect(shard?.headers.get(VERIFIED_HEADER)).toMatch(/^sha256-/);
    expect(await (await caches.open(WEB_LLM_CACHES.config)).match(urls.config)).toBeDefined();
    expect(await (await caches.open(WEB_LLM_CACHES.wasm)).match(urls.library)).toBeDefined();
  });

  it('fetches a shard that arrives damaged again, says so, and keeps only the good copy', async () => {
    const { run, host, caches, files, repaired } = await modelOnHost();
    await run({ fetch: damaging(host, shardUrl(2), 1) });
    expect(repaired).toEqual(['params_shard_2.bin']);
    expect(host.requested.filter((url) => url === shardUrl(2))).toHaveLength(2);
    const shard = await cachedShard(caches, 2);
    expect(new Uint8Array((await shard?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
      files.get(shardUrl(2)),
    );
  });

  it('ends with the shard’s name when the host keeps serving it damaged, after fetching it three times', async () => {
    const { run, host, caches } = await modelOnHost();
    await expect(run({ fetch: damaging(host, shardUrl(1), 10) })).rejects.toMatchObject({
      code: 'model-files-corrupt',
      message: expect.stringMatching(
        /^params_shard_1\.bin arrived damaged 3 times .*the host may be serving a damaged copy/i,
      ) as string,
    });
    expect(host.requested.filter((url) => url === shardUrl(1))).toHaveLength(3);
    expect(await cachedShard(caches, 1)).toBeUndefined();
  });

  it('checks each file once: a second load reads no file again, hashes nothing and asks the host nothing', async () => {
    const { run, host, digest } = await modelOnHost();
    await run();
    const requested = host.requested.length;
    digest.mockClear();
    await run();
    expect(digest).not.toHaveBeenCalled();
    expect(host.requested.length).toBe(requested);
  });

  it('finds a shard damaged in the cache after a good load, and repairs it from the host', async () => {
    const { run, host, caches, files, repaired } = await modelOnHost();
    await run();
    // Replaced under its URL by something else (bytes on disk gone bad, another writer): no mark of a check.
    const damaged = new Uint8Array(files.get(shardUrl(0)) ?? []);
    damaged[3] = (damaged[3] ?? 0) ^ 1;
    await (await caches.open(WEB_LLM_CACHES.model)).put(shardUrl(0), new Response(damaged));
    await run();
    expect(repaired).toEqual(['params_shard_0.bin']);
    const shard = await cachedShard(caches, 0);
    expect(new Uint8Array((await shard?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
      files.get(shardUrl(0)),
    );
    expect(host.requested.filter((url) => url === shardUrl(0))).toHaveLength(2);
  });

  it('checks shards by their size in tensor-cache.json when the build has no manifest', async () => {
    const { run, host, repaired, reports, all } = await modelOnHost({ manifest: false });
    await expect(run({ fetch: damaging(host, shardUrl(1), 1, 'cut') })).resolves.toMatchObject({
      manifest: undefined,
    });
    expect(repaired).toEqual(['params_shard_1.bin']);
    expect(reports.at(-1)).toEqual({ loaded: all, total: all });
  });

  it('stops fetching at once when cancelled', async () => {
    const { run, host } = await modelOnHost();
    host.slow.add(shardUrl(1));
    const controller = new AbortController();
    const running = run({ signal: controller.signal });
    await vi.waitFor(() => expect(host.waiting(shardUrl(1))).toBe(true));
    controller.abort();
    const requested = host.requested.length;
    await expect(running).rejects.toMatchObject({ code: 'load-cancelled' });
    expect(host.requested.length).toBeLessThanOrEqual(requested);
  });

  it('finds a library that does not compile before it fetches any weights', async () => {
    const { run, host } = await modelOnHost({ manifest: false });
    host.files.set(urls.library, new Uint8Array([1, 2, 3]));
    await expect(run()).rejects.toMatchObject({
      code: 'model-files-corrupt',
      message: expect.stringContaining(`${record.modelLib} is not a WebAssembly module`) as string,
    });
    expect(host.requested.some((url) => url.includes('params_shard'))).toBe(false);
  });

  it('refuses a manifest that is not one, naming its first problem', async () => {
    const { run, host } = await modelOnHost();
    host.files.set(
      new URL(INTEGRITY_MANIFEST, urls.base).href,
      JSON.stringify({ version: 1, files: { 'a.bin': { bytes: 1, integrity: 'md5-x' } } }),
    );
    await expect(run()).rejects.toMatchObject({
      code: 'model-files-corrupt',
      message: expect.stringContaining('integrity.json.files.a.bin.integrity: expected "sha256-"') as string,
    });
  });
});
