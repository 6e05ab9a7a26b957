import { describe, expect, it } from 'vitest';
import type { FolderFile, LoadProgress } from '../protocol';
import { modelCatalog } from '../model-records';
import { importModelFolder, WEB_LLM_CACHES, type CacheStorageLike } from './folder-import';
import { modelFileUrls } from './model-files';

const record = modelCatalog.models[1] ?? modelCatalog.models[0];
if (!record) throw new Error('no model records');
const urls = modelFileUrls(record, 'https://app.example/models/');

/** Cache Storage, the platform edge: cache name → URL → body text. */
function fakeCaches() {
  const stored = new Map<string, Map<string, Response>>();
  const caches: CacheStorageLike = {
    open: (name) => {
      const cache = stored.get(name) ?? new Map<string, Response>();
      stored.set(name, cache);
      return Promise.resolve({
        put: (url: string, response: Response) => {
          cache.set(url, response);
          return Promise.resolve();
        },
      });
    },
  };
  return { caches, stored };
}

const folder = (prefix: string, overrides: Record<string, string | undefined> = {}): FolderFile[] =>
  Object.entries({
    'mlc-chat-config.json': '{"vocab_size":46336}',
    'tokenizer.json': '{"model":{}}',
    'tensor-cache.json': '{"records":[{"dataPath":"params_shard_0.bin"},{"dataPath":"params_shard_1.bin"}]}',
    'params_shard_0.bin': 'AAAA',
    'params_shard_1.bin': 'BBBBBB',
    [record.modelLib]: '\0asm',
    ...overrides,
  })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([path, body]) => ({ path: `${prefix}${path}`, file: new Blob([body]) }));

describe('importModelFolder', () => {
  it('puts every file under the URL a normal load asks for, in web-llm’s caches', async () => {
    const { caches, stored } = fakeCaches();
    const progress: LoadProgress[] = [];
    await importModelFolder(folder('my-model/resolve/main/'), record, urls, caches, (p) => progress.push(p));
    expect([...(stored.get(WEB_LLM_CACHES.config)?.keys() ?? [])]).toEqual([urls.config]);
    expect([...(stored.get(WEB_LLM_CACHES.wasm)?.keys() ?? [])]).toEqual([urls.library]);
    expect([...(stored.get(WEB_LLM_CACHES.model)?.keys() ?? [])]).toEqual([
      urls.tokenizer,
      urls.tensorCache,
      `${urls.base}params_shard_0.bin`,
      `${urls.base}params_shard_1.bin`,
    ]);
    expect(await stored.get(WEB_LLM_CACHES.model)?.get(`${urls.base}params_shard_1.bin`)?.text()).toBe(
      'BBBBBB',
    );
    expect(progress.at(-1)).toMatchObject({ phase: 'import', fraction: 1 });
    expect(progress.map((p) => p.loadedBytes)).toEqual(
      [...progress.map((p) => p.loadedBytes)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
  });

  it('takes the shallowest folder with a chat config as the model root', async () => {
    const { caches, stored } = fakeCaches();
    const files = [...folder('a/'), { path: 'a/old/mlc-chat-config.json', file: new Blob(['{}']) }];
    await importModelFolder(files, record, urls, caches, () => undefined);
    expect(await stored.get(WEB_LLM_CACHES.config)?.get(urls.config)?.text()).toBe('{"vocab_size":46336}');
  });

  it('names a missing file and writes nothing', async () => {
    const { caches, stored } = fakeCaches();
    const error = await importModelFolder(
      folder('', { 'params_shard_1.bin': undefined }),
      record,
      urls,
      caches,
      () => undefined,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'model-files-missing',
      message: 'The folder has no params_shard_1.bin.',
    });
    expect(stored.size).toBe(0);
  });

  it('rejects a folder without a chat config, and configs or indexes that do not parse', async () => {
    const { caches } = fakeCaches();
    await expect(importModelFolder([], record, urls, caches, () => undefined)).rejects.toMatchObject({
      code: 'model-files-missing',
    });
    await expect(
      importModelFolder(
        folder('', { 'mlc-chat-config.json': 'nope' }),
        record,
        urls,
        caches,
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: 'model-files-corrupt' });
    await expect(
      importModelFolder(
        folder('', { 'tensor-cache.json': '{"records":[{}]}' }),
        record,
        urls,
        caches,
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: 'model-files-corrupt' });
  });
});
