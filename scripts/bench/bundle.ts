import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pageScripts, screenScripts, workerScripts } from '../build-output';
import { FIRST_SCREENS } from '../first-screen-preload';

/** Target from the foundation issue: the page's JavaScript before a model is requested (its first screen). */
const PAGE_BUDGET_KB = 150;

const gzipKb = (dist: string, files: readonly string[]): number =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length, 0) / 1024;

const rawKb = (dist: string, files: readonly string[]): number =>
  files.reduce((sum, file) => sum + readFileSync(join(dist, file)).length, 0) / 1024;

/** Sizes of the production build in `dist`, as a Markdown section. */
export function benchBundle(dist = 'dist'): string {
  const shell = pageScripts(dist);
  const chat = screenScripts(dist, ...FIRST_SCREENS.chat);
  const shared = screenScripts(dist, ...FIRST_SCREENS.shared);
  const page = [...shell, ...chat];
  const worker = workerScripts(dist);
  const rows: [string, readonly string[]][] = [
    ['The page’s own script (the shell every address loads)', shell],
    [
      'The app (its store, storage, engine client) and its chat screen, asked for with it at the app’s address',
      chat,
    ],
    [
      'The page a shared link opens on and its Markdown view, asked for with it instead (no store, no chat)',
      shared,
    ],
    ['Page JavaScript before a model is requested (the shell, the app and the chat screen)', page],
    ['Engine worker chunk (started with the page)', [worker.entry]],
    ['Loaded by the worker on the first model load (web-llm, the tokenizer)', worker.onDemand],
  ];
  const pageKb = gzipKb(dist, page);
  return [
    '## Bundle size (production build)',
    '',
    '| What | Files | Raw KB | Gzip KB |',
    '| --- | --- | ---: | ---: |',
    ...rows.map(
      ([label, files]) =>
        `| ${label} | ${files.map((file) => `\`${file.replace(/^assets\//, '')}\``).join(', ')} | ${rawKb(dist, files).toFixed(1)} | ${gzipKb(dist, files).toFixed(1)} |`,
    ),
    '',
    `Target: page JavaScript at most ${PAGE_BUDGET_KB} KB gzip: **${pageKb <= PAGE_BUDGET_KB ? 'PASS' : 'FAIL'}** (${pageKb.toFixed(1)} KB).`,
    'Gzip level 9 with Node’s zlib; CSS is not counted.',
  ].join('\n');
}
