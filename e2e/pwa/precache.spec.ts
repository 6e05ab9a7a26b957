import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { getManifest } from 'workbox-build';
import { pageScripts, workerScripts } from '../../scripts/build-output';
import { precacheFiles } from '../../vite.config';

/** The URLs (relative to the build) that a generated sw.js precaches. */
function precached(dist: string): string[] {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const list = /precacheAndRoute\((\[.*?\])/s.exec(sw)?.[1] ?? '';
  return [...list.matchAll(/url:"([^"]+)"/g)].map((match) => match[1] ?? '');
}

const WORKBOX_DEFAULT_LIMIT = 2 * 1024 * 1024;

test('the production service worker precaches the shell, the worker with web-llm and the tokenizer, and the icons', () => {
  const urls = precached('dist');
  for (const file of ['index.html', 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png']) {
    expect(urls).toContain(file);
  }
  expect(urls).toContain('icons/icon-512.png');
  expect(urls).toContain('icons/icon-maskable-512.png');
  expect(urls).toContain('icons/apple-touch-icon.png');
  for (const file of pageScripts('dist')) expect(urls).toContain(file);
  const worker = workerScripts('dist');
  expect(urls).toContain(worker.entry);
  for (const file of worker.onDemand) expect(urls).toContain(file);
  // web-llm (~6 MB) and the tokenizer (~4.7 MB) are over Workbox's default limit, and still in.
  const large = worker.onDemand.filter((file) => statSync(join('dist', file)).size > WORKBOX_DEFAULT_LIMIT);
  expect(large.length).toBeGreaterThanOrEqual(2);
  // Every asset, whichever chunk needs it (CSS of lazy components included).
  for (const file of readdirSync(join('dist', 'assets'))) expect(urls).toContain(`assets/${file}`);
  expect(urls.filter((url) => url.startsWith('models/') || url.startsWith('.vite/'))).toEqual([]);
  expect(new Set(urls).size).toBe(urls.length);
});

test('the end-to-end build precaches its worker and the scripted engine it runs offline', () => {
  const urls = precached('dist-e2e');
  const worker = workerScripts('dist-e2e');
  for (const file of [worker.entry, ...worker.onDemand, ...pageScripts('dist-e2e'), 'index.html']) {
    expect(urls).toContain(file);
  }
});

test('model files a deployer puts in models/ never enter the precache', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'hangul-llama-precache-'));
  try {
    cpSync('dist', folder, { recursive: true });
    const model = join(folder, 'models', 'Llama-2-ko-7b-Chat-q4f32_1-MLC', 'resolve', 'main');
    mkdirSync(model, { recursive: true });
    for (const file of [
      'mlc-chat-config.json',
      'tokenizer.json',
      'params_shard_0.bin',
      'model-webgpu.wasm',
    ]) {
      writeFileSync(join(model, file), 'x');
    }
    const withModels = await getManifest({ globDirectory: folder, ...precacheFiles });
    const urls = withModels.manifestEntries.map((entry) => entry.url);
    expect(urls).toContain('index.html');
    expect(urls.filter((url) => url.startsWith('models/'))).toEqual([]);
    // The library would match the patterns: it is the ignore rule that keeps it out.
    const unguarded = await getManifest({ ...precacheFiles, globDirectory: folder, globIgnores: [] });
    expect(unguarded.manifestEntries.map((entry) => entry.url)).toContain(
      'models/Llama-2-ko-7b-Chat-q4f32_1-MLC/resolve/main/model-webgpu.wasm',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the service worker caches no model file at run time and falls back to index.html except under models/', () => {
  const sw = readFileSync(join('dist', 'sw.js'), 'utf8');
  // One route only besides the precache: navigations, bound to index.html, with models/ denied.
  expect(sw.match(/registerRoute\(/g)).toHaveLength(1);
  expect(sw).toMatch(
    /registerRoute\(new \w+\.NavigationRoute\(\w+\.createHandlerBoundToURL\("index\.html"\),\{denylist:\[\/\\\/models\\\/\/\]\}\)\)/,
  );
  expect(sw).toContain('ignoreURLParametersMatching:[/.*/]');
  // A new version waits for the user: no skipWaiting() outside the prompt's message.
  expect(sw).not.toMatch(/\bskipWaiting\(\)(?!\})/);
  expect(sw).toMatch(/"SKIP_WAITING"===\w+\.data\.type&&self\.skipWaiting\(\)/);
});
