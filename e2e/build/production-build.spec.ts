import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SCRIPTED_ENGINE_MARKER } from '../../src/engine/scripted/marker';
import { pageScripts, screenScripts } from '../../scripts/build-output';
import { FIRST_SCREENS } from '../../scripts/first-screen-preload';

const assets = (dist: string) =>
  readdirSync(join(dist, 'assets'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, text: readFileSync(join(dist, 'assets', file), 'utf8') }));

// A string of web-llm's own code that survives minification.
const WEB_LLM_MARKER = 'It can take a while when we first visit this page to populate the cache';

test('the scripted engine is in the end-to-end build only', () => {
  expect(assets('dist-e2e').some(({ text }) => text.includes(SCRIPTED_ENGINE_MARKER))).toBe(true);
  const production = assets('dist');
  expect(production.length).toBeGreaterThan(0);
  for (const { file, text } of production) {
    expect(text.includes(SCRIPTED_ENGINE_MARKER), `${file} holds the scripted engine`).toBe(false);
  }
});

test('web-llm is in the production worker only, never in what the page loads', () => {
  const production = assets('dist');
  expect(production.some(({ text }) => text.includes(WEB_LLM_MARKER))).toBe(true);
  const page = [
    ...pageScripts('dist'),
    ...screenScripts('dist', ...FIRST_SCREENS.chat, ...FIRST_SCREENS.shared),
  ];
  expect(page.length).toBeGreaterThan(0);
  for (const file of page) {
    expect(readFileSync(join('dist', file), 'utf8').includes(WEB_LLM_MARKER), `${file} holds web-llm`).toBe(
      false,
    );
  }
});

test('every URL in index.html is relative, so the build works under any path', () => {
  const html = readFileSync(join('dist', 'index.html'), 'utf8');
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
  expect(urls.length).toBeGreaterThan(1);
  for (const url of urls) expect(url).toMatch(/^\.\//);
});

// Strings of highlight.js's core and of its Python grammar that survive minification.
const HIGHLIGHT_CORE_MARKER = 'Could not find the language';
const PYTHON_GRAMMAR_MARKER = 'nonlocal';

test('the Markdown worker loads highlight.js and each grammar as chunks of their own, all precached', () => {
  const production = assets('dist');
  const holding = (marker: string) =>
    production.filter(({ text }) => text.includes(marker)).map(({ file }) => file);
  const core = holding(HIGHLIGHT_CORE_MARKER);
  const python = holding(PYTHON_GRAMMAR_MARKER);
  expect(core).toHaveLength(1);
  expect(python).toHaveLength(1);
  expect(core).not.toEqual(python);
  for (const file of [...core, ...python]) expect(file).not.toMatch(/^markdown-worker-/);
  // Offline, a grammar first needed then must already be in the service worker's cache.
  const serviceWorker = readFileSync(join('dist', 'sw.js'), 'utf8');
  for (const file of [...core, ...python]) expect(serviceWorker).toContain(`assets/${file}`);
});
