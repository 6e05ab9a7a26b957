// @ts-check
// A plain static file server: what a static host does, no more. Missing files get a real 404 (no
// index.html fallback), so tests see the same failures a deployment would. Like a real host, it compresses
// text (brotli or gzip, as the browser's Accept-Encoding asks; each file compressed once and kept), sends
// validators (ETag) and caches hashed assets for a year.
//
//   node scripts/serve.mjs <dir> [--port 4173] [--host 127.0.0.1] [--base /sub/path/] [--models DIR] [--quiet]
//
// --models serves <base>models/ from DIR instead of <dir>/models (model files kept outside the build).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const types = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
});

/** What is worth compressing: text, and WebAssembly. Images and model weights are compressed already. */
const compressible = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.svg',
  '.txt',
  '.map',
  '.wasm',
]);

/** Larger files are not compressed (model weights kept beside the build): a host serves them as they are. */
const COMPRESS_AT_MOST = 32 * 1024 * 1024;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Each file compressed once, per encoding, and kept while it is unchanged. The page's own files get brotli's
 * best; the big worker chunks (megabytes of web-llm) a quicker level, as hosts compress on the fly.
 * @type {Map<string, Promise<Buffer>>}
 */
const compressed = new Map();

/**
 * @param {string} file
 * @param {number} mtimeMs
 * @param {'br' | 'gzip'} encoding
 */
function compressedFile(file, mtimeMs, encoding) {
  const key = `${encoding} ${mtimeMs} ${file}`;
  let body = compressed.get(key);
  if (!body) {
    body = readFile(file).then((data) =>
      encoding === 'br'
        ? brotli(data, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: data.length <= 1024 * 1024 ? 11 : 5,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          })
        : gzipped(data, { level: 9 }),
    );
    compressed.set(key, body);
    // A failed compression is not kept: the next request tries again.
    body.catch(() => compressed.delete(key));
  }
  return body;
}

/**
 * The encoding to send, from the request's Accept-Encoding (brotli first, as browsers prefer it).
 * @param {string | undefined} header
 * @returns {'br' | 'gzip' | undefined}
 */
function encodingFor(header) {
  const accepted = new Map(
    (header ?? '').split(',').map((part) => {
      const [name = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return [name.trim().toLowerCase(), q === undefined ? 1 : Number(q)];
    }),
  );
  const wanted = (/** @type {string} */ name) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (wanted('br')) return 'br';
  if (wanted('gzip')) return 'gzip';
  return undefined;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '4173' },
    host: { type: 'string', default: '127.0.0.1' },
    base: { type: 'string', default: '/' },
    models: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const root = resolve(positionals[0] ?? 'dist');
const modelsRoot = values.models === undefined ? undefined : resolve(values.models);
const base = `/${values.base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');

/** @param {string} pathname */
async function findFile(pathname) {
  if (!pathname.startsWith(base)) return undefined;
  let relative = normalize(decodeURIComponent(pathname.slice(base.length)));
  let folder = root;
  if (modelsRoot !== undefined && relative.startsWith(`models${sep}`)) {
    folder = modelsRoot;
    relative = relative.slice(`models${sep}`.length);
  }
  const file = join(folder, relative);
  if (file !== folder && !file.startsWith(folder + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile()) return { file, size: info.size, mtimeMs: info.mtimeMs };
  if (info?.isDirectory()) {
    const index = join(file, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (indexInfo?.isFile()) return { file: index, size: indexInfo.size, mtimeMs: indexInfo.mtimeMs };
  }
  return undefined;
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
async function handle(request, response) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === base.slice(0, -1) && base !== '/') {
    response.writeHead(301, { location: base + url.search }).end();
    return;
  }
  const found = await findFile(url.pathname).catch(() => undefined);
  if (!found || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(found ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const type = extname(found.file);
  const etag = `"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}"`;
  const encoding =
    compressible.has(type) && found.size <= COMPRESS_AT_MOST
      ? encodingFor(request.headers['accept-encoding'])
      : undefined;
  /** @type {Record<string, string | number>} */
  const headers = {
    'content-type': types[type] ?? 'application/octet-stream',
    // Hashed assets never change; everything else is revalidated so a new deployment shows at once.
    'cache-control': found.file.includes(`${sep}assets${sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
    etag: encoding ? `${etag.slice(0, -1)}-${encoding}"` : etag,
    ...(compressible.has(type) ? { vary: 'Accept-Encoding' } : {}),
  };
  if (request.headers['if-none-match'] === headers['etag']) {
    response.writeHead(304, headers).end();
    return;
  }
  if (encoding) {
    const body = await compressedFile(found.file, found.mtimeMs, encoding);
    response.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': found.size });
  if (request.method === 'HEAD') response.end();
  else createReadStream(found.file).pipe(response);
}

const server = createServer((request, response) => {
  handle(request, response).catch((/** @type {unknown} */ error) => {
    // A file that vanished or could not be read mid-request: a host answers 500, and the server goes on.
    console.error(`Could not serve ${request.url ?? ''}:`, error);
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Server error');
  });
});

const explicitPort = process.argv.includes('--port');
let port = Number(values.port);

server.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
  // `npm start` on a laptop where the default port is taken moves on to the next free one.
  if (error.code === 'EADDRINUSE' && !explicitPort && port < Number(values.port) + 20) {
    port += 1;
    server.listen(port, values.host);
    return;
  }
  console.error(`Could not serve ${root} on port ${port}: ${error.message}`);
  process.exit(1);
});

server.on('listening', () => {
  if (values.quiet) return;
  const host = values.host === '127.0.0.1' ? 'localhost' : values.host;
  console.log(
    `Serving ${root}\nOpen http://${host}:${port}${base} in Chrome (WebGPU). Press Ctrl+C to stop.`,
  );
});

server.listen(port, values.host);
