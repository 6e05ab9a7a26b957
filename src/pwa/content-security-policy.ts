/**
 * Hosts that a Hugging Face `resolve/main/…` download redirects to: LFS and Xet storage and their regional
 * CDNs (`cdn-lfs.huggingface.co`, `cdn-lfs-us-1.hf.co`, `cas-bridge.xethub.hf.co`, `us.aws.cdn.hf.co`, …).
 * Hugging Face has renamed them more than once, so they are allowed by wildcard. CSP checks every redirect
 * hop, so without these a download from huggingface.co fails at its first redirect.
 */
export const HUGGING_FACE_DOWNLOAD_HOSTS: readonly string[] = ['https://*.huggingface.co', 'https://*.hf.co'];

/** What a deployer may add to `connect-src`: a scheme and host with an optional `*.` and port, nothing else. */
const SOURCE = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/**
 * The origins the app fetches model files from, for `connect-src`, besides its own: the origin of an absolute
 * `VITE_MODEL_BASE_URL` (a relative one is the app's own origin), Hugging Face's download hosts when that is
 * Hugging Face, and the deployer's extra sources (`VITE_MODEL_CONNECT_SRC`, space-separated) for a host that
 * redirects elsewhere.
 */
export function modelConnectSources(modelBaseUrl: string | undefined, extra: string | undefined): string[] {
  const sources: string[] = [];
  const setting = modelBaseUrl?.trim();
  if (setting) {
    // Resolved against a stand-in for the app's own origin: whatever stays on it needs no source.
    const own = 'https://app.invalid/';
    const url = new URL(setting, own);
    if (url.origin !== new URL(own).origin) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new TypeError(`VITE_MODEL_BASE_URL must be an http(s) URL or a relative path, not ${setting}`);
      }
      sources.push(url.origin);
      if (/(^|\.)(huggingface\.co|hf\.co)$/.test(url.hostname)) sources.push(...HUGGING_FACE_DOWNLOAD_HOSTS);
    }
  }
  for (const source of extra?.trim().split(/\s+/).filter(Boolean) ?? []) {
    if (!SOURCE.test(source)) {
      throw new TypeError(`VITE_MODEL_CONNECT_SRC: ${source} is not a source like https://cdn.example.com`);
    }
    sources.push(source);
  }
  return [...new Set(sources)];
}

/**
 * The app's Content-Security-Policy. A `<meta>` element carries it for the page; the `_headers` file
 * carries it as a header, which is the only way it reaches the workers (a worker's policy comes with its
 * own script's response, never from the page's `<meta>`), and which alone may say `frame-ancestors`.
 */
export function contentSecurityPolicy(options: {
  readonly connectSources: readonly string[];
  readonly delivery: 'meta' | 'header';
  /** The hashes (`'sha256-…'`) of the page's inline scripts: the first screen's preload, nothing else. */
  readonly scriptHashes?: readonly string[];
}): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // web-llm compiles the model library and the tokenizer as WebAssembly (in the worker); nothing else.
    ['script-src', "'self'", "'wasm-unsafe-eval'", ...(options.scriptHashes ?? [])],
    // The engine worker and the service worker, both files of the app.
    ['worker-src', "'self'"],
    // blob: a model library imported from a folder is handed to web-llm as a blob URL; data: emscripten
    // runtimes keep their own wasm as a data URL. Neither can reach a host.
    ['connect-src', "'self'", 'blob:', 'data:', ...options.connectSources],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['style-src', "'self'"],
    ['font-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'none'"],
  ];
  if (options.delivery === 'header') directives.push(['frame-ancestors', "'none'"]);
  return directives.map((directive) => directive.join(' ')).join('; ');
}
