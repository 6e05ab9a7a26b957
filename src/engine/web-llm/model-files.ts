import { EngineError } from '../chat-engine';
import type { ModelRecord } from '../model-records';

export interface ModelFileUrls {
  /** web-llm's `model` field: the folder every other file is resolved against. */
  readonly base: string;
  readonly config: string;
  readonly library: string;
  readonly tokenizer: string;
  readonly tensorCache: string;
}

/** The files of a model under an artifacts base, laid out as web-llm expects (`<id>/resolve/main/…`). */
export function modelFileUrls(record: ModelRecord, artifactsBaseUrl: string): ModelFileUrls {
  const base = new URL(`${encodeURIComponent(record.id)}/resolve/main/`, artifactsBaseUrl).href;
  return {
    base,
    config: new URL('mlc-chat-config.json', base).href,
    library: new URL(record.modelLib, base).href,
    tokenizer: new URL('tokenizer.json', base).href,
    tensorCache: new URL('tensor-cache.json', base).href,
  };
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

async function firstBytes(response: Response, count: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer()).slice(0, count);
  const { value } = await reader.read();
  await reader.cancel();
  return (value ?? new Uint8Array()).slice(0, count);
}

type Check = (response: Response) => Promise<string | undefined>;

const isJson: Check = async (response) => {
  try {
    JSON.parse(await response.text());
    return undefined;
  } catch {
    return 'is not valid JSON';
  }
};

const isWasm: Check = async (response) => {
  const head = await firstBytes(response, 4);
  return WASM_MAGIC.every((byte, index) => head[index] === byte) ? undefined : 'is not a WebAssembly module';
};

const exists: Check = async (response) => {
  await response.body?.cancel();
  return undefined;
};

/**
 * Finds out which model file made a load fail. web-llm reports a missing file as a failed Cache.add, a JSON
 * SyntaxError or a wasm CompileError, so the engine asks the host itself, file by file in load order.
 * Returns undefined when every file looks right (the failure lies elsewhere).
 */
export async function diagnoseModelFiles(
  urls: ModelFileUrls,
  fetcher: (url: string, init: RequestInit) => Promise<Response>,
): Promise<EngineError | undefined> {
  const checks: readonly (readonly [name: string, url: string, check: Check])[] = [
    ['mlc-chat-config.json', urls.config, isJson],
    [urls.library.slice(urls.library.lastIndexOf('/') + 1), urls.library, isWasm],
    ['tokenizer.json', urls.tokenizer, exists],
    ['tensor-cache.json', urls.tensorCache, isJson],
  ];
  for (const [name, url, check] of checks) {
    let response: Response;
    try {
      response = await fetcher(url, { cache: 'no-store' });
    } catch (error) {
      return new EngineError('network', `Could not reach ${url}: ${String(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      return new EngineError('model-files-missing', `${name}: HTTP ${response.status} at ${url}`);
    }
    const problem = await check(response);
    if (problem) return new EngineError('model-files-corrupt', `${name} ${problem} (${url})`);
  }
  return undefined;
}
