import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { findChromium, QUIET_CHROMIUM_ARGS } from '../../e2e/browser';

/** BENCH_PORT moves the benchmark's server, when another checkout runs its own beside it. */
const PORT = Number(process.env['BENCH_PORT'] ?? 4195);
const BASE_URL = `http://localhost:${PORT}/`;
/** The stream: 2,000 tokens at 100 tokens/s; the scripted engine sends pieces of 3 code points. */
const TOKENS = 2_000;
const CODE_POINTS_PER_TOKEN = 3;
const TOKEN_DELAY_MS = 10;
/** The target: no main-thread task over 50 ms while the answer streams (the Long Tasks threshold). */
const TASK_BUDGET_MS = 50;
/** The target for the main thread's time per token, at the 95th percentile of tokens. */
const TOKEN_BUDGET_MS = 1.5;

const chromiumFlags = [...QUIET_CHROMIUM_ARGS];

const sections = [
  (n: number) =>
    `## ${n}. 브라우저에서 모델 불러오기\n\n` +
    '한국어 챗봇을 브라우저 안에서 돌리려면 **WebGPU**가 필요합니다. 모델 파일은 처음 한 번만 내려받고, ' +
    '그다음부터는 브라우저의 `Cache Storage`에서 읽습니다. 자세한 설명은 ' +
    '[WebGPU 문서](https://developer.mozilla.org/ko/docs/Web/API/WebGPU_API)를 보세요.\n\n',
  () =>
    '준비할 것은 다음과 같습니다.\n\n' +
    '1. 최신 Chrome 또는 Edge\n' +
    '2. 그래픽 메모리 4GB 이상\n' +
    '   - 노트북이라면 전원을 연결해 두세요.\n' +
    '   - 다른 탭의 무거운 작업은 잠시 멈춥니다.\n' +
    '3. 저장 공간 5GB 이상\n\n',
  () =>
    '```typescript\n' +
    "import { CreateMLCEngine } from '@mlc-ai/web-llm';\n\n" +
    'export async function loadModel(onProgress: (text: string) => void) {\n' +
    "  const engine = await CreateMLCEngine('Llama-2-ko-7b-chat-q4f16_1', {\n" +
    '    initProgressCallback: (report) => onProgress(report.text),\n' +
    '  });\n' +
    '  return engine;\n' +
    '}\n' +
    '```\n\n',
  () =>
    '| 빌드 | 내려받기 | GPU 메모리 | 속도 (토큰/초) |\n' +
    '| --- | ---: | ---: | ---: |\n' +
    '| q4f16_1 | 3.9 GB | 약 5.1 GB | 18 |\n' +
    '| q4f32_1 | 4.1 GB | 약 6.3 GB | 11 |\n' +
    '| q0f16 | 13.5 GB | 약 14 GB | 6 |\n\n',
  () =>
    '> **참고:** `shader-f16`이 없는 GPU에서는 32비트 빌드를 씁니다. 속도는 느리지만 답은 같습니다.\n\n' +
    '답변은 토큰이 나오는 대로 화면에 보입니다. 긴 답변도 끊기지 않고 부드럽게 이어져야 합니다.\n\n',
  () =>
    '```python\n' +
    'from transformers import AutoTokenizer\n\n' +
    'tokenizer = AutoTokenizer.from_pretrained("kfkas/Llama-2-ko-7b-Chat")\n' +
    'ids = tokenizer("안녕하세요, 자기소개를 해 주세요.")["input_ids"]\n' +
    'for token_id in ids:\n' +
    '    print(token_id, tokenizer.decode([token_id]))\n' +
    '```\n\n',
  () =>
    '- [x] 모델 파일 내려받기\n' +
    '- [x] 토크나이저 확인\n' +
    '- [ ] 긴 답변 스트리밍 점검\n\n' +
    '설정은 `JSON`으로 저장됩니다:\n\n' +
    '```json\n' +
    '{ "temperature": 1.0, "topK": 20, "topP": 0.92, "repetitionPenalty": 1.2, "maxNewTokens": 1024 }\n' +
    '```\n\n',
  () =>
    '생성 속도는 GPU에 따라 크게 다릅니다. 같은 질문이라도 ~~매번 같은 답~~ 시드를 정하지 않으면 답이 ' +
    '조금씩 달라집니다. 시드를 정하면 같은 대화에서 같은 답을 다시 얻을 수 있습니다.\n\n' +
    '```bash\n' +
    'npm run build\n' +
    'node scripts/serve.mjs dist --port 4173\n' +
    '```\n\n',
];

const filler =
  '마지막으로, 답변이 길어질수록 화면을 다시 그리는 비용도 커집니다. 이미 끝난 문단과 표와 코드는 ' +
  '그대로 두고, 자라나는 마지막 블록만 다시 그리면 토큰마다 드는 시간이 답변 길이와 상관없이 일정합니다. ';

/**
 * A realistic Korean answer with code: headings, paragraphs with inline Markdown, lists, a task list, tables,
 * a quote and fenced code blocks, cut to exactly {@link TOKENS} pieces of three code points.
 */
export function benchDocument(): string {
  const target = TOKENS * CODE_POINTS_PER_TOKEN;
  let text = '# 한국어 라마 챗봇 안내서\n\n';
  for (let index = 0; ; index += 1) {
    const next = sections[index % sections.length]?.(Math.floor(index / sections.length) + 1) ?? '';
    if (Array.from(text + next).length > target - 100) break;
    text += next;
  }
  const fill = Array.from(filler.repeat(10));
  return text + fill.slice(0, target - Array.from(text).length - 1).join('') + '.';
}

interface Task {
  readonly start: number;
  /** Wall-clock and thread (CPU) time, in microseconds, as the trace gives them. */
  readonly wall: number;
  readonly cpu: number;
}

interface TraceTimes {
  /** Main-thread CPU milliseconds of each update, in stream order. */
  readonly perUpdate: readonly number[];
  readonly cpuMs: number;
  readonly longestWallMs: number;
  /** The CPU time of the task with the longest wall-clock time. */
  readonly longestWallCpuMs: number;
  readonly longestCpuMs: number;
  readonly overBudgetWall: number;
  readonly overBudgetCpu: number;
}

export interface Measurement extends TraceTimes {
  /** Tokens shown by each update, in stream order (the engine's pieces that arrived before it). */
  readonly tokensPerUpdate: readonly number[];
  readonly longTasks: readonly number[];
  readonly streamMs: number;
  readonly codeBlocks: number;
  readonly tables: number;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * Main-thread time per update from a Chromium trace: every top-level task of the page's main thread, from the
 * task in which one update reached the DOM up to the task of the next, is charged to that update. So the
 * message from the worker, React's render and commit, style, layout and paint of a token all count, and
 * every task of the stream is counted once. Time is the thread's CPU time: on a busy machine the wall-clock
 * time of a task also holds the time the thread waited for a CPU.
 */
function analyseTrace(trace: { traceEvents: TraceEvent[] }, updateTimes: readonly number[]): TraceTimes {
  const first = trace.traceEvents.find((event) => event.name === 'bench-first-update');
  const lastMark = trace.traceEvents.find((event) => event.name === 'bench-last-update');
  const [firstTime = 0, lastTime = 0] = [updateTimes[0], updateTimes.at(-1)];
  if (first === undefined || lastMark === undefined) throw new Error('The trace holds no update marks.');
  // The marks were put at the first and the last update's `performance.now()`: the two clocks differ by
  // an offset, which they give (and check).
  const drift = (lastMark.ts - first.ts) / 1000 - (lastTime - firstTime);
  if (Math.abs(drift) > 1) throw new Error(`The page's clock and the trace's differ by ${drift} ms.`);
  const marks = updateTimes.map((time) => ({ ...first, ts: first.ts + (time - firstTime) * 1000 }));
  const onMain = (event: TraceEvent): boolean => event.pid === first.pid && event.tid === first.tid;
  const tasks: Task[] = [];
  for (const event of trace.traceEvents
    .filter((candidate) => candidate.name === 'RunTask' && candidate.ph === 'X' && onMain(candidate))
    .sort((a, b) => a.ts - b.ts)) {
    const last = tasks.at(-1);
    // Nested run loops report tasks inside tasks; only the outermost one is the main thread's time.
    if (last !== undefined && event.ts < last.start + last.wall) continue;
    const wall = event.dur ?? 0;
    tasks.push({ start: event.ts, wall, cpu: event.tdur ?? wall });
  }
  // Each update's window starts with the task its mark fell in.
  const starts: number[] = [];
  let cursor = 0;
  for (const time of marks
    .filter(onMain)
    .map((mark) => mark.ts)
    .sort((a, b) => a - b)) {
    while (cursor < tasks.length && (tasks[cursor]?.start ?? 0) + (tasks[cursor]?.wall ?? 0) < time)
      cursor += 1;
    const task = tasks[cursor];
    starts.push(task !== undefined && task.start <= time ? task.start : time);
  }
  const perUpdate: number[] = [];
  let cpu = 0;
  let longestWall: Task | undefined;
  let longestCpu = 0;
  let overBudgetWall = 0;
  let overBudgetCpu = 0;
  let index = tasks.findIndex((task) => task.start >= (starts[0] ?? 0));
  for (let update = 0; update + 1 < starts.length && index >= 0; update += 1) {
    const end = starts[update + 1] ?? Number.POSITIVE_INFINITY;
    let sum = 0;
    for (let task = tasks[index]; task !== undefined && task.start < end; task = tasks[++index]) {
      sum += task.cpu;
      if (longestWall === undefined || task.wall > longestWall.wall) longestWall = task;
      longestCpu = Math.max(longestCpu, task.cpu);
      if (task.wall > TASK_BUDGET_MS * 1000) overBudgetWall += 1;
      if (task.cpu > TASK_BUDGET_MS * 1000) overBudgetCpu += 1;
    }
    perUpdate.push(sum / 1000);
    cpu += sum;
  }
  return {
    perUpdate,
    cpuMs: cpu / 1000,
    longestWallMs: (longestWall?.wall ?? 0) / 1000,
    longestWallCpuMs: (longestWall?.cpu ?? 0) / 1000,
    longestCpuMs: longestCpu / 1000,
    overBudgetWall,
    overBudgetCpu,
  };
}

export async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}.`);
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Nothing answered at ${url}.`);
}

async function openChat(
  page: Page,
  variant: 'incremental' | 'naive',
  baseUrl: string,
  restored: boolean,
): Promise<void> {
  const query = new URLSearchParams({
    tokenDelayMs: String(TOKEN_DELAY_MS),
    loadMs: '50',
    // One token per code point in the scripted engine: room for the 6,000-point question and the answer.
    contextWindow: '16384',
    ...(variant === 'naive' ? { markdown: 'naive' } : {}),
  });
  await page.goto(`${baseUrl}?${query.toString()}`);
  // A conversation of its own, once the app has shown the one it restores.
  if (restored) await page.locator('li[data-role="assistant"]').first().waitFor({ timeout: 300_000 });
  await page.getByRole('button', { name: '새 대화' }).first().click();
  await page.getByRole('button', { name: /모델 불러오기/ }).click();
  await page.getByTestId('model-status').filter({ hasText: '준비됨' }).waitFor();
  // The answer is 2,000 tokens; the model card's 1,024 would cut it.
  await page.getByRole('button', { name: '설정', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: '설정' });
  await dialog.getByLabel('최대 답변 길이 (토큰)').fill('2048');
  await dialog.getByRole('button', { name: '닫기' }).click();
}

async function ask(page: Page, text: string, answers: number): Promise<void> {
  await page.getByRole('textbox', { name: '메시지 입력' }).fill(`/echo ${text}`);
  await page.getByRole('textbox', { name: '메시지 입력' }).press('Enter');
  await page
    .locator('li[data-role="assistant"]')
    .nth(answers - 1)
    .and(page.locator('[data-status="complete"]'))
    .waitFor({ timeout: 300_000 });
}

/**
 * Counts the tokens in the engine worker's `delta` events (3 code points each from the scripted engine) as
 * the page receives them, so each update can be charged to the tokens it showed.
 */
function countTokens(codePointsPerToken: number): void {
  const counter = { tokens: 0 };
  Object.assign(window, { benchTokens: counter });
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      if (options?.name !== 'engine') return;
      this.addEventListener('message', (event: MessageEvent<{ type?: string; text?: string }>) => {
        // The worker sends a message per few tokens: their text tells how many.
        if (event.data.type === 'delta')
          counter.tokens += Array.from(event.data.text ?? '').length / codePointsPerToken;
      });
    }
  };
}

export interface StreamingTarget {
  readonly baseUrl: string;
  /** Runs before the app is opened, in the same browser context (storing conversations, say). */
  readonly prepare?: (context: BrowserContext) => Promise<void>;
  /** Names the trace file kept in BENCH_TRACE_DIR. */
  readonly label?: string;
  /** Conversations are stored: the app opens the latest, which the stream must not go into. */
  readonly restored?: boolean;
}

export async function measure(
  browser: Browser,
  variant: 'incremental' | 'naive',
  markdown: string,
  { baseUrl, prepare, label = variant, restored = false }: StreamingTarget = { baseUrl: BASE_URL },
): Promise<Measurement> {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1280, height: 900 } });
  try {
    await prepare?.(context);
    const page = await context.newPage();
    await page.addInitScript(countTokens, CODE_POINTS_PER_TOKEN);
    await openChat(page, variant, baseUrl, restored);
    // A first answer of the same kind loads the Markdown chunk, warms the code up and draws the fonts once, so
    // that one-off costs stay out of the measured stream.
    await ask(page, sections.map((section) => section(0)).join(''), 1);
    await page.evaluate(() => {
      const state = {
        longTasks: [] as { start: number; end: number }[],
        first: Infinity,
        last: Infinity,
        updateTimes: [] as number[],
        tokensAtUpdate: [] as number[],
        done: undefined as Promise<void> | undefined,
      };
      const counter = (window as unknown as { benchTokens: { tokens: number } }).benchTokens;
      const tokensBefore = counter.tokens;
      (window as unknown as { bench: typeof state }).bench = state;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          state.longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
        }
      }).observe({ type: 'longtask', buffered: true });
      const log = document.querySelector('li[data-role="assistant"]')?.parentElement;
      if (!log) throw new Error('No chat log.');
      let answer: Element | undefined;
      state.done = new Promise((resolve) => {
        // One entry per task that changed the streaming answer (the callback runs once, after that task), from
        // its first text to its completion; the question appearing is not part of the stream. Only the first
        // and the last put a mark into the trace, which ties this clock to the trace's: a mark per update
        // costs the page more than the update's own script.
        const observer = new MutationObserver(() => {
          answer ??= log.querySelectorAll('li[data-role="assistant"]')[1];
          if (!answer?.querySelector('[data-testid="message-text"]')) return;
          const now = performance.now();
          state.updateTimes.push(now);
          state.tokensAtUpdate.push(counter.tokens - tokensBefore);
          if (state.first === Infinity) {
            state.first = now;
            performance.mark('bench-first-update', { startTime: now });
          }
          if (answer.getAttribute('data-status') === 'complete') {
            state.last = now;
            performance.mark('bench-last-update', { startTime: now });
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    });
    await browser.startTracing(page, {
      categories: [
        'disabled-by-default-devtools.timeline',
        'devtools.timeline',
        'blink.user_timing',
        // BENCH_PROFILE=1 adds JavaScript samples, to see where a kept trace's script time goes.
        ...(process.env['BENCH_PROFILE'] ? ['disabled-by-default-v8.cpu_profiler'] : []),
      ],
    });
    const started = Date.now();
    // Waits in the page for the observer above: Playwright's own waiting would query the page all along.
    await page.getByRole('textbox', { name: '메시지 입력' }).fill(`/echo ${markdown}`);
    await page.getByRole('textbox', { name: '메시지 입력' }).press('Enter');
    await page.evaluate(() => (window as unknown as { bench: { done: Promise<void> } }).bench.done);
    const streamMs = Date.now() - started;
    // The frame that paints the last token.
    await page.waitForTimeout(200);
    const traceText = (await browser.stopTracing()).toString('utf8');
    // BENCH_TRACE_DIR=… keeps the traces, to open in DevTools' Performance panel.
    const traceDir = process.env['BENCH_TRACE_DIR'];
    if (traceDir) writeFileSync(join(traceDir, `streaming-${label}.json`), traceText);
    const trace = JSON.parse(traceText) as { traceEvents: TraceEvent[] };
    const { updateTimes, tokensAtUpdate, longTasks } = await page.evaluate(() => {
      const bench = (
        window as unknown as {
          bench: {
            longTasks: { start: number; end: number }[];
            first: number;
            last: number;
            updateTimes: number[];
            tokensAtUpdate: number[];
          };
        }
      ).bench;
      // A long task is the stream's when it ends after the first update and starts before the last.
      return {
        updateTimes: bench.updateTimes,
        tokensAtUpdate: bench.tokensAtUpdate,
        longTasks: bench.longTasks
          .filter((task) => task.end >= bench.first && task.start <= bench.last)
          .map((task) => task.end - task.start),
      };
    });
    // Update i's window runs from it to the next one: it handles the tokens shown at the next update.
    // A page that showed the answer only at its end measured nothing (as when a view stopped following it).
    if (updateTimes.length < 10) {
      throw new Error(
        `The ${variant} page showed the answer in ${updateTimes.length} updates: it did not stream.`,
      );
    }
    const tokensPerUpdate = tokensAtUpdate
      .slice(1)
      .map((count, index) => Math.round(count) - Math.round(tokensAtUpdate[index] ?? 0));
    const answer = page.locator('li[data-role="assistant"]').nth(1);
    const codeBlocks = await answer.locator('.code-block').count();
    const tables = await answer.locator('table').count();
    return { ...analyseTrace(trace, updateTimes), tokensPerUpdate, longTasks, streamMs, codeBlocks, tables };
  } finally {
    await context.close();
  }
}

/**
 * Streams a 2,000-token Markdown answer through the scripted engine into the page in Chromium, rendered
 * block by block and, for comparison, whole on every token; returns a Markdown section.
 */
export async function benchStreaming(): Promise<string> {
  // `npm run bench` builds the production app; this needs the end-to-end build, and a fresh one.
  try {
    execFileSync('./node_modules/.bin/vite', ['build', '--mode', 'e2e'], { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const output = (error as { stderr?: string; stdout?: string }).stderr ?? '';
    throw new Error(`vite build --mode e2e failed:\n${output}`, { cause: error });
  }
  const found = findChromium();
  if ('problem' in found) throw new Error(found.problem);
  const server = spawn(
    process.execPath,
    ['scripts/serve.mjs', 'dist-e2e', '--port', String(PORT), '--quiet'],
    {
      stdio: 'ignore',
    },
  );
  let browser: Browser | undefined;
  try {
    await waitForServer(BASE_URL, server);
    browser = await chromium.launch({ executablePath: found.path, args: chromiumFlags });
    const markdown = benchDocument();
    const loadBefore = loadavg()[0] ?? 0;
    const incremental = await measure(browser, 'incremental', markdown);
    const naive = await measure(browser, 'naive', markdown);
    const load = [loadBefore, loadavg()[0] ?? 0] as const;
    return report(markdown, { incremental, naive }, { chromium: browser.version(), load });
  } finally {
    await browser?.close();
    server.kill();
  }
}

/**
 * Main-thread time per token: each update's time shared among the tokens it showed (an update that showed
 * none, the answer's last status change, goes to the update before), one value per token.
 */
export function perTokenTimes(perUpdate: readonly number[], tokensPerUpdate: readonly number[]): number[] {
  const windows: { cpu: number; tokens: number }[] = [];
  perUpdate.forEach((cpu, index) => {
    const tokens = tokensPerUpdate[index] ?? 0;
    const last = windows.at(-1);
    if (tokens === 0 && last !== undefined) last.cpu += cpu;
    else windows.push({ cpu, tokens });
  });
  return windows.flatMap(({ cpu, tokens }) => Array.from({ length: tokens }, () => cpu / tokens));
}

function report(
  markdown: string,
  results: { incremental: Measurement; naive: Measurement },
  context: { chromium: string; load: readonly [number, number] },
): string {
  const ms = (value: number): string => `${value.toFixed(2)} ms`;
  const median = (values: readonly number[]): number =>
    quantile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
  const tokenP95 = (m: Measurement): number =>
    quantile(
      perTokenTimes(m.perUpdate, m.tokensPerUpdate).sort((a, b) => a - b),
      0.95,
    );
  const row = (label: string, m: Measurement): string => {
    const sorted = [...m.perUpdate].sort((a, b) => a - b);
    const quarter = Math.floor(m.perUpdate.length / 4);
    const tokens = m.tokensPerUpdate.reduce((sum, count) => sum + count, 0);
    return (
      `| ${label} | ${m.perUpdate.length + 1} | ${(tokens / Math.max(1, m.perUpdate.length)).toFixed(2)} | ` +
      `${ms(quantile(sorted, 0.5))} | ${ms(quantile(sorted, 0.95))} | ` +
      `${ms(median(m.perUpdate.slice(0, quarter)))} → ${ms(median(m.perUpdate.slice(-quarter)))} | ` +
      `${ms(m.cpuMs / TOKENS)} | ${ms(tokenP95(m))} | ${ms(m.longestWallMs)} (${ms(m.longestWallCpuMs)}) | ` +
      `${ms(m.longestCpuMs)} | ${m.longTasks.length} / ${m.overBudgetCpu} |`
    );
  };
  const { incremental, naive } = results;
  const tokenPass = tokenP95(incremental) <= TOKEN_BUDGET_MS;
  const pass = incremental.longestWallMs <= TASK_BUDGET_MS && incremental.longTasks.length === 0;
  const cpuPass = incremental.overBudgetCpu === 0;
  const contended = !pass && cpuPass;
  return [
    '## Streaming Markdown into the page',
    '',
    `A ${Array.from(markdown).length.toLocaleString('en')}-code-point Korean answer with ${incremental.codeBlocks} ` +
      `code blocks, ${incremental.tables} tables, lists, a task list and quotes, echoed by the scripted engine in ` +
      `${TOKENS.toLocaleString('en')} pieces of ${CODE_POINTS_PER_TOKEN} code points, one every ${TOKEN_DELAY_MS} ms ` +
      `(100 tokens/s), into the end-to-end build in Chromium ${context.chromium} (headless, 1280 × 900), after a ` +
      `warm-up answer of the same kind. The stream took ${(incremental.streamMs / 1000).toFixed(1)} s ` +
      `(incremental) and ${(naive.streamMs / 1000).toFixed(1)} s (naive); the load average was ` +
      `${context.load[0].toFixed(1)} before and ${context.load[1].toFixed(1)} after, on ${cpus().length} CPUs.`,
    '',
    '| Rendering | Updates | Tokens per update | Main thread per update, median | p95 | Median, first → last quarter | Per token, mean | Per token, p95 | Longest task, wall (its CPU) | Longest task, CPU | Tasks over 50 ms: wall / CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('Incremental: finished blocks kept, only the last one rendered again', incremental),
    row('Naive (`?markdown=naive`): the whole answer rendered again per token', naive),
    '',
    'Method: a Chromium trace (`devtools.timeline`) of the page’s main thread while the answer streams. A ' +
      '`MutationObserver` on the chat log notes the time (`performance.now()`) after every task that changed ' +
      'the answer, from its first text to its completion (an update; tokens that arrive together may share ' +
      'one); a `performance.mark` at the first and the last ties those times to the trace’s clock (a mark per ' +
      'update cost the page about as much as the update’s own script), and the harness waits for the end in ' +
      'the page rather than by querying it. The app shows a streaming answer at most ten times a second. ' +
      'Every top-level main-thread task from the task of one update up to the task of the next is charged ' +
      'to that update, so the worker’s message, the store, React’s render and commit, style, layout and paint ' +
      'all count, and each task of the stream counts once. Times per update are the thread’s CPU time ' +
      '(`tdur`), which waiting for a CPU does not inflate. Per token, mean, is their total divided by ' +
      `${TOKENS.toLocaleString('en')}; per token, p95, shares each update’s time among the tokens it showed (the ` +
      'engine worker’s `delta` events the page received, counted in the page) and takes the 95th percentile ' +
      'over tokens. Tracing adds some overhead to both rows alike. Tasks over 50 ms (wall) are ' +
      'the `longtask` entries of a `PerformanceObserver` (buffered) that overlap the stream, which is what a ' +
      'user would feel; the longest tasks are from the trace. The time includes the whole chat screen ' +
      '(following the answer’s scroll position, its footer, saving the conversation), not only the Markdown.',
    '',
    `Target: main-thread time per token at most ${TOKEN_BUDGET_MS} ms at the 95th percentile, with incremental ` +
      `rendering: **${tokenPass ? 'PASS' : 'FAIL'}** (${ms(tokenP95(incremental))}; naive: ${ms(tokenP95(naive))}).`,
    '',
    `Target: no main-thread task over ${TASK_BUDGET_MS} ms while the answer streams, with incremental ` +
      `rendering: **${pass ? 'PASS' : 'FAIL'}** (longest ${ms(incremental.longestWallMs)} wall, ` +
      `${incremental.longTasks.length} long tasks; naive: longest ${ms(naive.longestWallMs)}, ` +
      `${naive.longTasks.length} long tasks).` +
      (contended
        ? ` No task used more than ${ms(incremental.longestCpuMs)} of CPU: the long ones waited for a CPU that ` +
          'other processes held, so run it again on an idle machine.'
        : ''),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchStreaming());
}
