import { describe, expect, it } from 'vitest';
import { modelCatalog } from '../model-records';
import { diagnoseModelFiles, modelFileUrls } from './model-files';

const record = modelCatalog.models[1] ?? modelCatalog.models[0];
if (!record) throw new Error('no model records');
const urls = modelFileUrls(record, 'https://host.example/app/models/');
const wasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** A static host, the network edge: path → body, anything else 404. */
function host(files: Record<string, BodyInit>, calls: string[] = []) {
  return (url: string): Promise<Response> => {
    calls.push(url);
    const body = files[url];
    return Promise.resolve(
      body === undefined ? new Response('Not found', { status: 404 }) : new Response(body),
    );
  };
}

const good = {
  [urls.config]: '{"conv_template":{}}',
  [urls.library]: wasm,
  [urls.tokenizer]: '{}',
  [urls.tensorCache]: '{"records":[]}',
};

describe('modelFileUrls', () => {
  it('lays the files out under <base><id>/resolve/main/', () => {
    expect(urls.base).toBe(`https://host.example/app/models/${record.id}/resolve/main/`);
    expect(urls.library).toBe(`${urls.base}${record.modelLib}`);
    expect(urls.tensorCache).toBe(`${urls.base}tensor-cache.json`);
  });
});

describe('diagnoseModelFiles', () => {
  it('finds nothing wrong with good files', async () => {
    await expect(diagnoseModelFiles(urls, host(good))).resolves.toBeUndefined();
  });

  it('names the first missing file and its status, in load order', async () => {
    const calls: string[] = [];
    const error = await diagnoseModelFiles(
      urls,
      host({ ...good, [urls.library]: undefined as never }, calls),
    );
    expect(error).toMatchObject({ code: 'model-files-missing' });
    expect(error?.message).toContain(`${record.modelLib}: HTTP 404`);
    expect(calls).toEqual([urls.config, urls.library]);
  });

  it('calls a config that is not JSON corrupt', async () => {
    const error = await diagnoseModelFiles(urls, host({ ...good, [urls.config]: '<!doctype html>' }));
    expect(error).toMatchObject({ code: 'model-files-corrupt' });
    expect(error?.message).toContain('mlc-chat-config.json is not valid JSON');
  });

  it('calls a library without the wasm magic corrupt', async () => {
    const error = await diagnoseModelFiles(urls, host({ ...good, [urls.library]: 'garbage bytes' }));
    expect(error).toMatchObject({ code: 'model-files-corrupt' });
  });

  it('reports an unreachable host as a network failure', async () => {
    const error = await diagnoseModelFiles(urls, () => Promise.reject(new TypeError('Failed to fetch')));
    expect(error).toMatchObject({ code: 'network' });
  });
});
