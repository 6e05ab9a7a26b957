import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file of the model, or why it could not be had (missing, unreachable): a problem to report, not a crash. */
export type Fetched<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A model folder as the app loads it: on disk, or under an http(s) URL. */
export interface ModelSource {
  /** The folder or URL, as the user gave it. */
  readonly location: string;
  /** The model id the location names: its last folder, or the one above `resolve/main/`. */
  readonly nameHint: string | undefined;
  /** Where a file of the folder is, for messages. */
  where(file: string): string;
  read(file: string): Promise<Fetched<Uint8Array>>;
  /** The file's size, without reading it where that can be avoided (the shards are gigabytes). */
  size(file: string): Promise<Fetched<number>>;
}

/** `…/<id>/resolve/main` (how the app lays models out) names `<id>`; any other folder names itself. */
function nameFromSegments(segments: readonly string[]): string | undefined {
  const parts = segments.filter((segment) => segment !== '');
  const last = parts.at(-1);
  if (last === 'main' && parts.at(-2) === 'resolve') return parts.at(-3);
  return last;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function folderSource(folder: string): ModelSource {
  const root = path.resolve(folder);
  const where = (file: string): string => path.join(root, file);
  const missing = (file: string, error: unknown): { ok: false; reason: string } => ({
    ok: false,
    reason:
      (error as { code?: unknown }).code === 'ENOENT'
        ? `not found at ${where(file)}`
        : `cannot be read at ${where(file)}: ${message(error)}`,
  });
  return {
    location: folder,
    nameHint: nameFromSegments(root.split(path.sep)),
    where,
    async read(file) {
      try {
        return { ok: true, value: new Uint8Array(await readFile(where(file))) };
      } catch (error) {
        return missing(file, error);
      }
    },
    async size(file) {
      try {
        const found = await stat(where(file));
        return found.isFile()
          ? { ok: true, value: found.size }
          : { ok: false, reason: `${where(file)} is not a file` };
      } catch (error) {
        return missing(file, error);
      }
    },
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

async function countBytes(response: Response): Promise<number> {
  const reader = response.body?.getReader();
  if (!reader) return (await response.arrayBuffer()).byteLength;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

export function urlSource(url: string, fetcher: Fetcher = fetch): ModelSource {
  const base = new URL(url.endsWith('/') ? url : `${url}/`);
  const where = (file: string): string => new URL(file, base).href;
  const request = async (file: string, method: 'GET' | 'HEAD'): Promise<Fetched<Response>> => {
    try {
      const response = await fetcher(where(file), { method, redirect: 'follow' });
      if (response.ok) return { ok: true, value: response };
      await response.body?.cancel();
      return { ok: false, reason: `HTTP ${response.status} at ${where(file)}` };
    } catch (error) {
      return { ok: false, reason: `could not fetch ${where(file)}: ${message(error)}` };
    }
  };
  return {
    location: url,
    nameHint: nameFromSegments(base.pathname.split('/').map(decodeSegment)),
    where,
    async read(file) {
      const response = await request(file, 'GET');
      if (!response.ok) return response;
      return { ok: true, value: new Uint8Array(await response.value.arrayBuffer()) };
    },
    async size(file) {
      // A HEAD's Content-Length is the size unless the body is encoded (then it is the encoded size), and some
      // hosts answer HEAD badly (405, no length): then the file is downloaded and counted.
      const head = await request(file, 'HEAD');
      if (head.ok) {
        const length = head.value.headers.get('content-length');
        const encoding = head.value.headers.get('content-encoding');
        if (length !== null && /^\d+$/.test(length) && (encoding === null || encoding === 'identity')) {
          return { ok: true, value: Number(length) };
        }
      }
      const response = await request(file, 'GET');
      if (!response.ok) return response;
      return { ok: true, value: await countBytes(response.value) };
    },
  };
}

/** A folder path, or an http(s) URL of one. */
export function openModelSource(location: string, fetcher?: Fetcher): ModelSource {
  return /^https?:\/\//i.test(location) ? urlSource(location, fetcher) : folderSource(location);
}

/** One file given by path or http(s) URL (the `--source-config` option). */
export async function readLocation(location: string, fetcher: Fetcher = fetch): Promise<Fetched<Uint8Array>> {
  if (!/^https?:\/\//i.test(location)) {
    try {
      return { ok: true, value: new Uint8Array(await readFile(location)) };
    } catch (error) {
      return { ok: false, reason: `cannot read ${location}: ${message(error)}` };
    }
  }
  try {
    const response = await fetcher(location, { method: 'GET', redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `HTTP ${response.status} at ${location}` };
    }
    return { ok: true, value: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    return { ok: false, reason: `could not fetch ${location}: ${message(error)}` };
  }
}
