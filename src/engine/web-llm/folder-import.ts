import { EngineError } from '../chat-engine';
import type { ModelRecord } from '../model-records';
import type { FolderFile, LoadProgress } from '../protocol';
import type { ModelFileUrls } from './model-files';

/** The slice of `CacheStorage` the import writes to; a fake stands in for it in unit tests. */
export interface CacheStorageLike {
  open(name: string): Promise<{ put(request: string, response: Response): Promise<void> }>;
}

/** web-llm's Cache API scopes (see its `reload`): where it looks before it fetches anything. */
export const WEB_LLM_CACHES = {
  config: 'webllm/config',
  wasm: 'webllm/wasm',
  model: 'webllm/model',
} as const;

interface TensorCacheManifest {
  readonly records: readonly { readonly dataPath: string }[];
}

function parseManifest(text: string): TensorCacheManifest {
  const value: unknown = JSON.parse(text);
  const records = (value as { records?: unknown } | null)?.records;
  if (
    !Array.isArray(records) ||
    !records.every((record) => typeof (record as { dataPath?: unknown }).dataPath === 'string')
  ) {
    throw new Error('no records with a dataPath');
  }
  return value as TensorCacheManifest;
}

/**
 * Finds files by their path below the folder's model root: the folder the user chose may be the
 * `resolve/main` folder itself or any folder above it, so the root is where `mlc-chat-config.json` is.
 */
function indexFolder(files: readonly FolderFile[]): Map<string, Blob> {
  const configs = files.filter((entry) => entry.path.split('/').at(-1) === 'mlc-chat-config.json');
  const shallowest = configs.sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
  if (!shallowest) throw new EngineError('model-files-missing', 'The folder has no mlc-chat-config.json.');
  const root = shallowest.path.slice(0, shallowest.path.length - 'mlc-chat-config.json'.length);
  return new Map(
    files
      .filter((entry) => entry.path.startsWith(root))
      .map((entry) => [entry.path.slice(root.length), entry.file]),
  );
}

/**
 * Puts a model folder from disk into web-llm's caches under the URLs a normal load asks for, so the load
 * that follows finds every file cached and fetches nothing (and the model is then ready offline).
 * Checks that every file is there before writing any.
 */
export async function importModelFolder(
  files: readonly FolderFile[],
  record: ModelRecord,
  urls: ModelFileUrls,
  caches: CacheStorageLike,
  onProgress: (progress: LoadProgress) => void,
): Promise<void> {
  const byPath = indexFolder(files);
  const take = (path: string): Blob => {
    const file = byPath.get(path);
    if (!file) throw new EngineError('model-files-missing', `The folder has no ${path}.`);
    return file;
  };
  const config = take('mlc-chat-config.json');
  try {
    JSON.parse(await config.text());
  } catch {
    throw new EngineError('model-files-corrupt', 'mlc-chat-config.json in the folder is not valid JSON.');
  }
  const manifestFile = take('tensor-cache.json');
  let manifest: TensorCacheManifest;
  try {
    manifest = parseManifest(await manifestFile.text());
  } catch (error) {
    throw new EngineError(
      'model-files-corrupt',
      `tensor-cache.json in the folder is not a weights index: ${String(error)}`,
    );
  }
  const entries: (readonly [cache: string, url: string, file: Blob, type: string])[] = [
    [WEB_LLM_CACHES.config, urls.config, config, 'application/json'],
    [WEB_LLM_CACHES.wasm, urls.library, take(record.modelLib), 'application/wasm'],
    [WEB_LLM_CACHES.model, urls.tokenizer, take('tokenizer.json'), 'application/json'],
    [WEB_LLM_CACHES.model, urls.tensorCache, manifestFile, 'application/json'],
    ...manifest.records.map(
      ({ dataPath }) =>
        [
          WEB_LLM_CACHES.model,
          new URL(dataPath, urls.base).href,
          take(dataPath),
          'application/octet-stream',
        ] as const,
    ),
  ];
  // The build's manifest, when the folder has it: the load checks every file against it.
  const integrity = byPath.get('integrity.json');
  if (integrity)
    entries.push([
      WEB_LLM_CACHES.model,
      new URL('integrity.json', urls.base).href,
      integrity,
      'application/json',
    ]);
  const totalBytes = entries.reduce((sum, [, , file]) => sum + file.size, 0);
  let loadedBytes = 0;
  for (const [cacheName, url, file, type] of entries) {
    const cache = await caches.open(cacheName);
    await cache.put(
      url,
      new Response(file, { headers: { 'content-type': type, 'content-length': String(file.size) } }),
    );
    loadedBytes += file.size;
    onProgress({
      phase: 'import',
      fraction: totalBytes === 0 ? 1 : loadedBytes / totalBytes,
      loadedBytes,
      totalBytes,
      text: `Imported ${url}`,
    });
  }
}
