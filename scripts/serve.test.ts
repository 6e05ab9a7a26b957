import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start`'s server, run as `npm start` runs it, against a folder laid out as a build is.

const script = `const greeting = '${'안녕하세요, 한글 라마입니다. '.repeat(200)}';\nconsole.log(greeting);\n`;
const page = `<!doctype html><html lang="ko"><title>한글 라마</title>${'<p>본문</p>'.repeat(100)}</html>`;
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(2000).fill(0)]);

let folder: string;
let server: ChildProcess;
let port = 0;

/** A port nothing listens on now: a fixed or random one may be another server's, which would answer instead. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'serve-'));
  mkdirSync(join(folder, 'assets'));
  writeFileSync(join(folder, 'assets', 'index-AbC123.js'), script);
  writeFileSync(join(folder, 'index.html'), page);
  writeFileSync(join(folder, 'icon.png'), png);
  port = await freePort();
  server = spawn(process.execPath, ['scripts/serve.mjs', folder, '--port', String(port), '--quiet']);
  for (let tries = 0; ; tries += 1) {
    try {
      await get('/');
      return;
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});

afterAll(() => {
  server.kill();
  rmSync(folder, { recursive: true, force: true });
});

describe('npm start’s server', () => {
  it('sends brotli to a browser that takes it, as Chromium asks, with the right type', async () => {
    const reply = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe('br');
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['vary']).toBe('Accept-Encoding');
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    expect(reply.body.length).toBeLessThan(Buffer.byteLength(script) / 10);
    expect(brotliDecompressSync(reply.body).toString()).toBe(script);
  });

  it('sends gzip where brotli is not taken, and the file as it is where nothing is', async () => {
    const gzipped = await get('/index.html', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(gunzipSync(gzipped.body).toString()).toBe(page);

    const plain = await get('/index.html');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(page);
    expect(plain.headers['etag']).not.toBe(gzipped.headers['etag']);
  });

  it('leaves images as they are', async () => {
    const reply = await get('/icon.png', { 'accept-encoding': 'gzip, br' });
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.body.equals(png)).toBe(true);
  });

  it('caches hashed assets for a year and has the page revalidated, answering 304 when unchanged', async () => {
    const asset = await get('/assets/index-AbC123.js', { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const first = await get('/', { 'accept-encoding': 'br' });
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers['etag']);
    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers 404 for what is not there, with no page in its place', async () => {
    expect((await get('/nothing.js')).status).toBe(404);
    expect((await get('/../package.json')).status).toBe(404);
  });
});
