// @ts-check
// A plain static file server: what a static host does, no more. Missing files get a real 404 (no
// index.html fallback), so tests see the same failures a deployment would.
//
//   node scripts/serve.mjs <dir> [--port 4173] [--host 127.0.0.1] [--base /sub/path/] [--models DIR] [--quiet]
//
// --models serves <base>models/ from DIR instead of <dir>/models (model files kept outside the build).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

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
  if (info?.isFile()) return { file, size: info.size };
  if (info?.isDirectory()) {
    const index = join(file, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (indexInfo?.isFile()) return { file: index, size: indexInfo.size };
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
  response.writeHead(200, {
    'content-type': types[extname(found.file)] ?? 'application/octet-stream',
    'content-length': found.size,
    // Hashed assets never change; everything else is revalidated so a new deployment shows at once.
    'cache-control': found.file.includes(`${sep}assets${sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(found.file).pipe(response);
}

const server = createServer((request, response) => void handle(request, response));

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
