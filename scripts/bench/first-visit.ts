import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import lighthouse from 'lighthouse';
import { findChromium, QUIET_CHROMIUM_ARGS } from '../../e2e/browser';
import { encodeSharedConversation } from '../../src/conversation/formats/shared-link';
import { conversationOf, version } from '../../src/test/conversations';
import { waitForServer } from './streaming';

/**
 * The first visit on a phone, as Lighthouse's mobile preset measures it (simulated slow 4G, a 4× slower CPU):
 * the app's address, and a shared link to a conversation, for the current production build and a baseline
 * (`BENCH_FIRST_VISIT_BASELINE=<commit>`: by default the last commit before this work), each served by its own
 * `npm start` server. Lighthouse 12 (Node 20; Lighthouse 13 needs Node 22) runs against the tests' Chromium.
 */
const BASELINE = process.env['BENCH_FIRST_VISIT_BASELINE'] ?? '3d7e88c';
const CURRENT_PORT = 4186;
const BASELINE_PORT = 4187;
const DEBUG_PORT = 9323;

const TARGETS = {
  performance: 95,
  lcpMs: 2000,
  tbtMs: 150,
  cls: 0.05,
  sharedJsKb: 70,
  appJsKb: 119,
} as const;

interface Visit {
  readonly performance: number;
  readonly fcpMs: number;
  readonly lcpMs: number;
  readonly tbtMs: number;
  readonly cls: number;
  readonly speedIndexMs: number;
  /** Gzip (level 9) sizes of what the page loaded, JavaScript (workers included) and CSS. */
  readonly jsKb: number;
  readonly cssKb: number;
}

interface NetworkRequest {
  readonly url: string;
  readonly resourceType?: string;
}

/** One exchange: a question and an answer of about 1,000 characters with a code block and a table. */
async function sharedFragment(): Promise<string> {
  const answer = [
    '한국어 문장을 토큰으로 나누는 방법은 여러 가지가 있습니다. 아래는 파이썬으로 간단히 해 보는 예입니다.',
    '',
    '```python',
    'from transformers import AutoTokenizer',
    'tokenizer = AutoTokenizer.from_pretrained("kfkas/Llama-2-ko-7b-Chat")',
    'print(tokenizer.tokenize("안녕하세요, 반갑습니다."))',
    '```',
    '',
    '| 방법 | 장점 | 단점 |',
    '| --- | --- | --- |',
    '| 형태소 분석 | 뜻 단위로 나뉩니다 | 사전이 필요합니다 |',
    '| BPE | 사전 없이 배웁니다 | 단어가 잘게 쪼개집니다 |',
    '| 글자 단위 | 단순합니다 | 문장이 길어집니다 |',
    '',
    '형태소 분석은 조사와 어미를 떼어 내므로 검색에 좋고, BPE는 모델이 처음 보는 단어도 다룰 수 있어 언어 모델에 널리 쓰입니다. '.repeat(
      4,
    ),
    '어느 쪽을 고를지는 무엇을 하려는지에 달려 있습니다. 검색이라면 형태소 분석을, 생성이라면 모델이 쓰는 토크나이저를 그대로 쓰는 편이 낫습니다.',
  ].join('\n');
  const conversation = conversationOf(
    'shared-bench',
    [version('v1', '한국어 문장은 어떻게 토큰으로 나누나요? 예시와 함께 알려 주세요.', answer)],
    { title: '토큰 나누기' },
  );
  return encodeSharedConversation({ conversation, modelId: 'Llama-2-ko-7b-Chat-q4f16_1-MLC' });
}

function buildBaseline(): { dir: string; root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-first-visit-'));
  execFileSync('sh', ['-c', `git archive ${BASELINE} | tar -x -C ${root}`], { stdio: 'pipe' });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'pipe',
  });
  return { dir: join(root, 'dist'), root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Each variant is served by its own server script, as `npm start` served it then. */
function serve(root: string, dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [join(root, 'scripts/serve.mjs'), dir, '--port', String(port), '--quiet'], {
    stdio: 'ignore',
  });
}

const gzipKb = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

async function visit(url: string, dist: string, origin: string): Promise<Visit> {
  const result = await lighthouse(url, {
    port: DEBUG_PORT,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance'],
  });
  if (!result) throw new Error(`Lighthouse gave no result for ${url}.`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.message}`);
  const metric = (id: string): number => lhr.audits[id]?.numericValue ?? Number.NaN;
  const requests = (lhr.audits['network-requests']?.details as { items?: NetworkRequest[] } | undefined)
    ?.items;
  let jsKb = 0;
  let cssKb = 0;
  for (const { url: requested } of requests ?? []) {
    if (!requested.startsWith(origin)) continue;
    const path = new URL(requested).pathname.slice(1);
    const file = join(dist, path);
    if (!existsSync(file)) continue;
    if (path.endsWith('.js')) jsKb += gzipKb(file);
    else if (path.endsWith('.css')) cssKb += gzipKb(file);
  }
  return {
    performance: Math.round((lhr.categories['performance']?.score ?? Number.NaN) * 100),
    fcpMs: metric('first-contentful-paint'),
    lcpMs: metric('largest-contentful-paint'),
    tbtMs: metric('total-blocking-time'),
    cls: metric('cumulative-layout-shift'),
    speedIndexMs: metric('speed-index'),
    jsKb,
    cssKb,
  };
}

/** Lighthouse's figures vary from run to run by a tenth of a second or more: each is the median of these. */
const RUNS = 5;

/** Each figure's median over the runs (the bytes are the same in every run). */
function medianOf(runs: readonly Visit[]): Visit {
  const median = (pick: (visit: Visit) => number): number => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  return {
    performance: median((visit) => visit.performance),
    fcpMs: median((visit) => visit.fcpMs),
    lcpMs: median((visit) => visit.lcpMs),
    tbtMs: median((visit) => visit.tbtMs),
    cls: median((visit) => visit.cls),
    speedIndexMs: median((visit) => visit.speedIndexMs),
    jsKb: median((visit) => visit.jsKb),
    cssKb: median((visit) => visit.cssKb),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function row(page: string, variant: string, figures: Visit): string {
  return `| ${page} | ${variant} | ${figures.performance} | ${seconds(figures.fcpMs)} | ${seconds(figures.lcpMs)} | ${Math.round(figures.tbtMs)} ms | ${figures.cls.toFixed(3)} | ${seconds(figures.speedIndexMs)} | ${figures.jsKb.toFixed(1)} | ${figures.cssKb.toFixed(1)} |`;
}

/** Lighthouse's mobile figures and the bytes loaded, for the app's address and a shared link, before and after. */
export async function benchFirstVisit(): Promise<string> {
  if (!existsSync('dist/index.html')) throw new Error('Build first: npm run build.');
  const baseline = buildBaseline();
  const found = findChromium();
  if ('problem' in found) throw new Error(found.problem);
  const current = serve('.', 'dist', CURRENT_PORT);
  const before = serve(baseline.root, baseline.dir, BASELINE_PORT);
  const servers = [current, before];
  let browser: Browser | undefined;
  try {
    await Promise.all([
      waitForServer(`http://localhost:${CURRENT_PORT}/`, current),
      waitForServer(`http://localhost:${BASELINE_PORT}/`, before),
    ]);
    browser = await chromium.launch({
      executablePath: found.path,
      args: [...QUIET_CHROMIUM_ARGS, `--remote-debugging-port=${DEBUG_PORT}`],
    });
    const fragment = await sharedFragment();
    const variants = [
      { name: 'before', port: BASELINE_PORT, dist: baseline.dir },
      { name: 'after', port: CURRENT_PORT, dist: 'dist' },
    ];
    const figures = new Map<string, Visit>();
    for (const page of ['app', 'shared'] as const) {
      for (const { name, port, dist } of variants) {
        const origin = `http://localhost:${port}`;
        const url = page === 'app' ? `${origin}/` : `${origin}/#${fragment}`;
        const runs: Visit[] = [];
        for (let run = 0; run < RUNS; run += 1) runs.push(await visit(url, dist, origin));
        figures.set(`${page} ${name}`, medianOf(runs));
      }
    }
    const get = (key: string): Visit => {
      const found = figures.get(key);
      if (!found) throw new Error(`No figures for ${key}.`);
      return found;
    };
    const app = get('app after');
    const shared = get('shared after');
    const pass = (ok: boolean): string => (ok ? '**PASS**' : '**FAIL**');
    return [
      '## First visit on a phone (Lighthouse, mobile)',
      '',
      `Lighthouse 12's mobile preset (simulated slow 4G, 4× CPU slowdown, Moto G Power screen) against the production build served by \`npm start\`'s server, in the Chromium the tests use; each figure is the median of ${RUNS} runs. “Before” is commit \`${BASELINE}\` with its own server; “after” is the current code. The shared link holds one exchange (a question and an answer of about 1,000 characters with a code block and a table). JavaScript and CSS are what the page loaded (workers included), counted at gzip level 9.`,
      '',
      '| Page | Code | Performance | FCP | LCP | TBT | CLS | Speed Index | JS KB (gzip) | CSS KB (gzip) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('The app’s address', 'before', get('app before')),
      row('The app’s address', 'after', app),
      row('A shared link', 'before', get('shared before')),
      row('A shared link', 'after', shared),
      '',
      `Targets, current code: performance ≥ ${TARGETS.performance} on both ${pass(app.performance >= TARGETS.performance && shared.performance >= TARGETS.performance)} (${app.performance}, ${shared.performance}); LCP ≤ ${seconds(TARGETS.lcpMs)} ${pass(Math.max(app.lcpMs, shared.lcpMs) <= TARGETS.lcpMs)} (${Math.round(app.lcpMs)} ms, ${Math.round(shared.lcpMs)} ms); TBT ≤ ${TARGETS.tbtMs} ms ${pass(Math.max(app.tbtMs, shared.tbtMs) <= TARGETS.tbtMs)}; CLS ≤ ${TARGETS.cls} ${pass(Math.max(app.cls, shared.cls) <= TARGETS.cls)}; a shared link's JavaScript ≤ ${TARGETS.sharedJsKb} KB ${pass(shared.jsKb <= TARGETS.sharedJsKb)} (${shared.jsKb.toFixed(1)} KB); the app's first-screen JavaScript ≤ ${TARGETS.appJsKb} KB ${pass(app.jsKb <= TARGETS.appJsKb)} (${app.jsKb.toFixed(1)} KB).`,
    ].join('\n');
  } finally {
    await browser?.close();
    for (const server of servers) server.kill();
    baseline.cleanup();
  }
}
