import { EngineError } from '../chat-engine';
import type { ModelRecord } from '../model-records';
import { WEB_LLM_CACHES } from './folder-import';
import { INTEGRITY_MANIFEST, parseIntegrityManifest, type IntegrityManifest } from './integrity';
import type { ModelFileUrls } from './model-files';
import { shardBytesOf } from './progress-report';

/** The slice of `CacheStorage` the download uses; the same caches and keys as web-llm's. */
export interface DownloadCaches {
  open(name: string): Promise<{
    match(request: string): Promise<Response | undefined>;
    put(request: string, response: Response): Promise<void>;
    delete(request: string): Promise<boolean>;
  }>;
}

export interface DownloadDependencies {
  readonly caches: DownloadCaches;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The SHA-256 of a file's bytes in SRI form (`sha256Sri`). */
  readonly digest: (data: ArrayBuffer) => Promise<string>;
}

export interface DownloadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Bytes in the cache and checked so far, of all the files' (whose total grows when a size was unknown). */
  readonly onProgress: (loadedBytes: number, totalBytes: number) => void;
  /** A file arrived damaged, or was found damaged in the cache, and is fetched again. */
  readonly onRepair: (file: string) => void;
}

export interface DownloadOutcome {
  /** The build's manifest, when it has one: its hashes also go to web-llm for the files it reads. */
  readonly manifest: IntegrityManifest | undefined;
  /** The files fetched again because they were damaged. */
  readonly repaired: readonly string[];
}

/**
 * The header a cached file carries once its bytes passed their check: the SRI hash (or the size, when the
 * build has no manifest). A file replaced in the cache (a damaged copy, another download) carries none and
 * is checked again; a file that carries it is not read again, so a load from the cache stays fast.
 */
export const VERIFIED_HEADER = 'x-hangul-llama-verified';

/** A file arrives damaged at most this many times before the host is blamed (fetched again twice). */
const ATTEMPTS = 3;
/** Files fetched at once: as web-llm fetches shards, four at a time. */
const PARALLEL = 4;

interface ModelFile {
  /** Its path below `resolve/main/`, as the manifest and the messages name it. */
  readonly name: string;
  readonly url: string;
  readonly cache: string;
  readonly bytes: number | undefined;
  readonly integrity: string | undefined;
  /** A check of its content beyond size and hash (the config parses, the library is WebAssembly). */
  readonly content?: (data: ArrayBuffer) => Promise<string | undefined>;
}

const cancelled = (): EngineError => new EngineError('load-cancelled', 'The load was cancelled.');

const parsesAsJson = (data: ArrayBuffer): Promise<string | undefined> => {
  try {
    JSON.parse(new TextDecoder().decode(data));
    return Promise.resolve(undefined);
  } catch {
    return Promise.resolve('is not valid JSON');
  }
};

/** A library that does not compile is damaged or not a library; one built for another runtime compiles. */
const compilesAsWasm = async (data: ArrayBuffer): Promise<string | undefined> => {
  try {
    await WebAssembly.compile(data);
    return undefined;
  } catch (error) {
    // Not the file's fault: a host whose policy leaves out 'wasm-unsafe-eval' stops every library.
    if (String(error).includes('Content Security Policy')) {
      throw new EngineError(
        'unknown',
        `The worker's Content-Security-Policy does not allow compiling WebAssembly ('wasm-unsafe-eval'): ${String(error)}`,
      );
    }
    return `is not a WebAssembly module (${String(error)})`;
  }
};

/** Runs `task` for each item, `PARALLEL` at a time, in order of start; the first failure ends the rest. */
async function eachInParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/**
 * Puts every file of a model into web-llm's caches, checked, before web-llm's `reload` reads them from
 * there: the app owns the download, so Cancel stops it at once (its own fetches, its own signal), the
 * progress counts real bytes, and nothing damaged stays in the cache. web-llm 0.2.86 never verifies weight
 * shards (`integrity` covers only the config, the library and the tokenizer), and a shard stored damaged
 * stays damaged until the cache is cleared by hand (mlc-ai/web-llm#289).
 *
 * With the build's `integrity.json` each file must have its size and SHA-256 (hashed here, in the worker,
 * one file at a time); without it, each shard its size in `tensor-cache.json`. The config must parse and
 * the library compile, so a broken one is found before gigabytes of weights. A file that fails its check
 * is dropped and fetched again, at most twice, and the user is told; a file the host keeps serving damaged
 * ends the load with its name. When every file is already cached and checked, the host is not asked for
 * anything (the manifest included): the model loads offline.
 */
export async function downloadModel(
  record: ModelRecord,
  urls: ModelFileUrls,
  { caches, fetch, digest }: DownloadDependencies,
  { signal, onProgress, onRepair }: DownloadOptions,
): Promise<DownloadOutcome> {
  const repaired: string[] = [];
  let loadedBytes = 0;
  let totalBytes = 0;
  /** Whether the total is set; a file of unknown size that comes after it adds itself to it. */
  let totalSet = false;
  /** Counts a file's bytes; only what came from the host is reported (a cached model shows no download). */
  const progress = (bytes: number, fetched: boolean, sizeWasKnown = true): void => {
    loadedBytes += bytes;
    if (totalSet && !sizeWasKnown) totalBytes += bytes;
    if (fetched) onProgress(loadedBytes, Math.max(totalBytes, loadedBytes));
  };
  // One hash at a time: each holds a whole shard in memory, and the worker has one thread to share.
  let hashing: Promise<unknown> = Promise.resolve();
  const hash = (data: ArrayBuffer): Promise<string> => {
    const result = hashing.then(() => digest(data));
    hashing = result.catch(() => undefined); // Only the queue: `result` rejects to its own caller.
    return result;
  };

  const problemWith = async (file: ModelFile, data: ArrayBuffer): Promise<string | undefined> => {
    if (file.bytes !== undefined && data.byteLength !== file.bytes)
      return `${file.bytes} bytes expected, ${data.byteLength} found`;
    if (file.integrity !== undefined) {
      const actual = await hash(data);
      if (actual !== file.integrity) return `SHA-256 ${actual}, expected ${file.integrity}`;
    }
    return file.content ? file.content(data) : undefined;
  };
  // What a file's check was: its hash, else its size, else its content (or nothing to check).
  const tagOf = (file: ModelFile): string =>
    file.integrity ?? (file.bytes === undefined ? 'checked' : `bytes-${file.bytes}`);

  /** Puts `file` in its cache, checked; returns its bytes. */
  const ensure = async (file: ModelFile): Promise<ArrayBuffer | undefined> => {
    const cache = await caches.open(file.cache);
    const tag = tagOf(file);
    const cached = await cache.match(file.url);
    if (cached) {
      if (cached.headers.get(VERIFIED_HEADER) === tag) {
        // Not read: not awaited either (a cancelled branch of a teed body waits for its twin).
        void cached.body?.cancel().catch(() => undefined); // An unread body: nothing is lost if it does not cancel.
        // A trusted file of unknown size is not read for its size: the total leaves it out.
        progress(file.bytes ?? 0, false);
        return undefined;
      }
      const data = await cached.arrayBuffer();
      const problem = await problemWith(file, data);
      if (problem === undefined) {
        await cache.put(file.url, verified(cached, data, tag));
        progress(data.byteLength, false, file.bytes !== undefined);
        return data;
      }
      await cache.delete(file.url);
      repaired.push(file.name);
      onRepair(file.name);
    }
    let last = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      if (signal?.aborted) throw cancelled();
      let response: Response;
      try {
        response = await fetch(file.url, signal ? { signal } : {});
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        throw new EngineError('network', `${file.name}: ${String(error)} (${file.url})`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new EngineError('model-files-missing', `${file.name}: HTTP ${response.status} at ${file.url}`);
      }
      const data = await response.arrayBuffer().catch((error: unknown) => {
        throw signal?.aborted ? cancelled() : new EngineError('network', `${file.name}: ${String(error)}`);
      });
      const problem = await problemWith(file, data);
      if (problem === undefined) {
        await cache.put(file.url, verified(response, data, tag));
        progress(data.byteLength, true, file.bytes !== undefined);
        return data;
      }
      last = problem;
      // Content that is wrong in itself (not JSON, not WebAssembly) comes the same every time.
      if (file.content && (await file.content(data)) !== undefined) break;
      if (attempt < ATTEMPTS) {
        repaired.push(file.name);
        onRepair(file.name);
      }
    }
    throw new EngineError(
      'model-files-corrupt',
      `${file.name} ${last.startsWith('is ') ? last : `arrived damaged ${ATTEMPTS} times (${last})`} at ${file.url}. The host may be serving a damaged copy: build and publish the model again, or load it from a folder.`,
    );
  };

  const manifestFile: ModelFile = {
    name: INTEGRITY_MANIFEST,
    url: new URL(INTEGRITY_MANIFEST, urls.base).href,
    cache: WEB_LLM_CACHES.model,
    bytes: undefined,
    integrity: undefined,
  };
  const manifest = await readManifest(caches, fetch, manifestFile, urls, signal);
  const described = (
    name: string,
    url: string,
    cache: string,
    content?: ModelFile['content'],
  ): ModelFile => ({
    name,
    url,
    cache,
    bytes: manifest?.files[name]?.bytes,
    integrity: manifest?.files[name]?.integrity,
    ...(content ? { content } : {}),
  });
  // In web-llm's order: the config (the cheapest sign of a wrong host), then the library, which must
  // compile, then the index, whose shards' sizes give the total, all before gigabytes of weights.
  const config = described('mlc-chat-config.json', urls.config, WEB_LLM_CACHES.config, parsesAsJson);
  const indexFile = described('tensor-cache.json', urls.tensorCache, WEB_LLM_CACHES.model, parsesAsJson);
  totalBytes = manifest ? Object.values(manifest.files).reduce((sum, { bytes }) => sum + bytes, 0) : 0;
  // With a manifest every size is known from the start.
  totalSet = manifest !== undefined;
  await ensure(config);
  await ensure(described(record.modelLib, urls.library, WEB_LLM_CACHES.wasm, compilesAsWasm));
  const indexData =
    (await ensure(indexFile)) ??
    (await (await (await caches.open(indexFile.cache)).match(indexFile.url))?.arrayBuffer());
  let index: unknown;
  try {
    index = indexData === undefined ? undefined : JSON.parse(new TextDecoder().decode(indexData));
  } catch {
    index = undefined;
  }
  const shards = shardsOf(index);
  if (!shards) {
    throw new EngineError(
      'model-files-corrupt',
      `tensor-cache.json is not a weights index (${urls.tensorCache}).`,
    );
  }
  if (!manifest) totalBytes = loadedBytes + shards.reduce((sum, { nbytes }) => sum + nbytes, 0);
  totalSet = true;
  await ensure(described('tokenizer.json', urls.tokenizer, WEB_LLM_CACHES.model));
  await eachInParallel(shards, async ({ dataPath, nbytes }) => {
    const file = described(dataPath, new URL(dataPath, urls.base).href, WEB_LLM_CACHES.model);
    await ensure({ ...file, bytes: file.bytes ?? nbytes });
  });
  return { manifest, repaired };
}

/** The same response, its bytes checked, marked with the check it passed. */
function verified(source: Response, data: ArrayBuffer, tag: string): Response {
  const headers = new Headers(source.headers);
  headers.set(VERIFIED_HEADER, tag);
  headers.set('content-length', String(data.byteLength));
  return new Response(data, { status: 200, headers });
}

/** The shards `tensor-cache.json` lists, with their sizes; undefined when it is not such an index. */
function shardsOf(index: unknown): { readonly dataPath: string; readonly nbytes: number }[] | undefined {
  if (shardBytesOf(index) === undefined) return undefined;
  const records = (index as { records: unknown[] }).records;
  const shards = records.map((record) => record as { dataPath?: unknown; nbytes: number });
  return shards.every(({ dataPath }) => typeof dataPath === 'string')
    ? shards.map(({ dataPath, nbytes }) => ({ dataPath: dataPath as string, nbytes }))
    : undefined;
}

/**
 * The build's manifest: from the host, so that a new build is noticed, and kept in the cache for loads
 * with no network. A host without one (a build from before the manifest) gives none: shards are then
 * checked by size alone. When every file is cached already, the cached manifest (if any) is used and the
 * host is not asked: a load from the cache needs no network.
 */
async function readManifest(
  caches: DownloadCaches,
  fetch: DownloadDependencies['fetch'],
  file: ModelFile,
  urls: ModelFileUrls,
  signal: AbortSignal | undefined,
): Promise<IntegrityManifest | undefined> {
  const cache = await caches.open(file.cache);
  const cached = await cache.match(file.url);
  const parse = (text: string): IntegrityManifest => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new EngineError('model-files-corrupt', `${INTEGRITY_MANIFEST} is not valid JSON (${file.url}).`);
    }
    const result = parseIntegrityManifest(value);
    if (!result.ok) throw new EngineError('model-files-corrupt', `${result.reason} (${file.url})`);
    return result.value;
  };
  if (await everyFileCached(caches, urls)) return cached ? parse(await cached.text()) : undefined;
  let response: Response;
  try {
    response = await fetch(file.url, signal ? { signal } : {});
  } catch {
    if (signal?.aborted) throw cancelled();
    // No network: the download below reports it for the files it needs; the cached manifest still holds.
    return cached ? parse(await cached.text()) : undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    await cache.delete(file.url);
    return undefined;
  }
  const text = await response.text();
  const manifest = parse(text);
  await cache.put(file.url, new Response(text, { headers: { 'content-type': 'application/json' } }));
  return manifest;
}

/** Whether the config, the library, the tokenizer, the index and every shard it lists are in the cache. */
async function everyFileCached(caches: DownloadCaches, urls: ModelFileUrls): Promise<boolean> {
  const has = async (cacheName: string, url: string): Promise<boolean> =>
    (await (await caches.open(cacheName)).match(url)) !== undefined;
  if (
    !(await has(WEB_LLM_CACHES.config, urls.config)) ||
    !(await has(WEB_LLM_CACHES.wasm, urls.library)) ||
    !(await has(WEB_LLM_CACHES.model, urls.tokenizer))
  )
    return false;
  const index = await (await caches.open(WEB_LLM_CACHES.model)).match(urls.tensorCache);
  const shards = shardsOf(index ? await index.json().catch(() => undefined) : undefined); // Unreadable: not cached.
  if (!shards) return false;
  for (const { dataPath } of shards) {
    if (!(await has(WEB_LLM_CACHES.model, new URL(dataPath, urls.base).href))) return false;
  }
  return true;
}
