import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { findChromium, QUIET_CHROMIUM_ARGS } from '../../e2e/browser';
import { benchDocument, measure, waitForServer, type Measurement } from './streaming';

/**
 * The code to compare with: the last commit before conversations were stored per version, with summaries and
 * a search index (`BENCH_BASELINE=<commit>` picks another). It is built from git into a temporary folder.
 */
const BASELINE = process.env['BENCH_BASELINE'] ?? '1509b8b';
/**
 * For the conversation of many exchanges: the last commit before only the messages near the viewport were put
 * in the page (`BENCH_LONG_BASELINE=<commit>` picks another).
 */
const LONG_BASELINE = process.env['BENCH_LONG_BASELINE'] ?? '3d7e88c';
const CURRENT_PORT = 4196;
const BASELINE_PORT = 4197;
const LONG_BASELINE_PORT = 4198;
const CONVERSATIONS = 1000;
/** Ten exchanges: twenty messages, each about 500 characters. */
const EXCHANGES = 10;
const MESSAGE_CHARACTERS = 500;
/** Conversations that hold the rare word searched for. */
const RARE_EVERY = 100;
const RARE_WORD = '한라산';
const COMMON_WORD = '니다';
const REPEATS = 5;
/** The list shows the 50 newest at first (the baseline all); switching picks among those. */
const LISTED = 50;

const TARGETS = { openMs: 500, switchMs: 50, searchMs: 50, taskMs: 50 } as const;
/** One conversation of this many exchanges, of messages of {@link MESSAGE_CHARACTERS}. */
const LONG_EXCHANGES = 1000;
const LONG_TARGETS = { openMs: 500, openTaskMs: 200, typingTaskMs: 50 } as const;
/** Typed, a key every {@link TYPING_DELAY_MS}, while an answer streams at the end of that conversation. */
const TYPED = '답변을 기다리는 동안 다음 질문을 천천히 적어 봅니다';
const TYPING_DELAY_MS = 80;
/** How long after the conversation showed its tasks still count as opening it. */
const SETTLE_MS = 1000;

interface Variant {
  readonly name: string;
  readonly baseUrl: string;
}

interface Figures {
  /** Migrating the stored conversations on the first visit (the current code only). */
  readonly firstOpenMs: number;
  readonly openMs: readonly number[];
  readonly switchMs: readonly number[];
  readonly rareSearchMs: readonly number[];
  readonly rareHits: number;
  readonly commonSearchMs: readonly number[];
  readonly commonHits: number;
  readonly streaming: Measurement;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Stores conversations as database version 1 holds them (one record each, the tree flattened), as the app
 * left them before this change: both the old code and the new (which migrates them) start from the same data.
 * Runs in the page.
 */
async function seed(page: Page, count: number, exchanges: number, characters: number): Promise<void> {
  await page.evaluate(
    async ({ count, exchanges, characters, rareEvery, rareWord }) => {
      const syllables =
        '가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후그느드르므브스으즈츠크트프흐기니디리미비시이지치키티피히';
      const endings = ['습니다.', '입니다.', '어요.', '네요.', '죠?', '습니까?'];
      let seedValue = 12345;
      const random = (): number => {
        seedValue = (seedValue * 1103515245 + 12345) % 2147483648;
        return seedValue / 2147483648;
      };
      const text = (length: number, extra: string): string => {
        let out = extra;
        while (out.length < length) {
          const words = 3 + Math.floor(random() * 5);
          for (let w = 0; w < words; w += 1) {
            const size = 1 + Math.floor(random() * 3);
            for (let c = 0; c < size; c += 1)
              out += syllables.charAt(Math.floor(random() * syllables.length));
            out += ' ';
          }
          out += `${endings[Math.floor(random() * endings.length)] ?? '.'} `;
        }
        return out.slice(0, length);
      };
      const usage = {
        promptTokens: 300,
        completionTokens: 250,
        prefillTokensPerSecond: 200,
        decodeTokensPerSecond: 15,
        timeToFirstTokenMs: 300,
        totalMs: 17000,
      };
      const sampling = {
        temperature: 1,
        topK: 20,
        topP: 0.92,
        repetitionPenalty: 1.2,
        noRepeatNgramSize: 3,
        maxNewTokens: 1024,
      };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('hangul-llama', 1);
        request.onupgradeneeded = () => {
          request.result
            .createObjectStore('conversations', { keyPath: 'id' })
            .createIndex('updatedAt', 'updatedAt');
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
      const transaction = db.transaction('conversations', 'readwrite');
      for (let index = 0; index < count; index += 1) {
        const id = `bench-${String(index).padStart(4, '0')}`;
        const list = [];
        for (let level = 0; level < exchanges; level += 1) {
          const rare = index % rareEvery === 0 && level === exchanges - 1 ? `${rareWord} ` : '';
          list.push({
            id: `${id}-x${level}`,
            selected: 0,
            versions: [
              {
                question: `${index}번 대화 ${level}번째 질문: ${text(characters - 20, '')}`,
                askedAt: 1_700_000_000_000 + index * 1000 + level,
                answer: {
                  content: text(characters, rare),
                  createdAt: 1_700_000_000_000 + index * 1000 + level,
                  status: 'complete',
                  truncated: false,
                  usage,
                  droppedTurns: 0,
                },
                next: level + 1 < exchanges ? `${id}-x${level + 1}` : null,
              },
            ],
          });
        }
        transaction.objectStore('conversations').put({
          schema: 1,
          id,
          title: `벤치마크 ${String(index).padStart(4, '0')}`,
          createdAt: 1_700_000_000_000 + index * 1000,
          updatedAt: 1_700_000_000_000 + index * 1000 + exchanges,
          sampling,
          first: `${id}-x0`,
          exchanges: list,
        });
      }
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
      });
      db.close();
    },
    { count, exchanges, characters, rareEvery: RARE_EVERY, rareWord: RARE_WORD },
  );
}

/** A fresh browser context whose IndexedDB holds the benchmark's conversations, written by a blank page. */
export async function seeded(
  context: BrowserContext,
  baseUrl: string,
  { count = CONVERSATIONS, exchanges = EXCHANGES }: { count?: number; exchanges?: number } = {},
): Promise<void> {
  // tsx keeps function names with a `__name` helper that the functions sent to the page would miss.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const blank = `${baseUrl}bench-seed`;
  await context.route(blank, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>seed</title>' }),
  );
  const page = await context.newPage();
  await page.goto(blank);
  await seed(page, count, exchanges, MESSAGE_CHARACTERS);
  await page.close();
  await context.unroute(blank);
}

/**
 * Installed before the app's scripts: when the restored conversation's last question and an enabled message
 * box are shown (a long conversation has only the messages near its end in the page).
 */
export function watchOpening(lastQuestion: string): void {
  const state = window as unknown as { openedAt?: number };
  const check = (): void => {
    if (state.openedAt !== undefined) return;
    const box = document.querySelector('textarea');
    const questions = document.querySelectorAll('li[data-role="user"] [data-testid="message-text"]');
    const last = questions[questions.length - 1];
    if (box && !box.disabled && last?.textContent.startsWith(lastQuestion) === true) {
      state.openedAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
}

/** Clicks the list entry of `title` and resolves with the time until its last question is shown (in the page). */
export function switchTo([title, question]: readonly [string, string]): Promise<number> {
  const entry = [...document.querySelectorAll('aside nav ul li button')].find((button) =>
    button.textContent.includes(title),
  );
  if (!(entry instanceof HTMLElement)) throw new Error(`No list entry for ${title}.`);
  return new Promise((resolve) => {
    const started = performance.now();
    const done = (): boolean => {
      const questions = document.querySelectorAll('li[data-role="user"] [data-testid="message-text"]');
      return questions[questions.length - 1]?.textContent.startsWith(question) === true;
    };
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      // The frame that lays it out.
      requestAnimationFrame(() => resolve(performance.now() - started));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    entry.click();
  });
}

/** Types `query` into the search box and resolves with the time until the list shows only hits (in the page). */
export function searchFor(query: string): Promise<{ ms: number; hits: number }> {
  const input = document.querySelector('aside input[type="search"]');
  if (!(input instanceof HTMLInputElement)) throw new Error('No search box.');
  const nav = input.closest('nav');
  if (!nav) throw new Error('No list.');
  return new Promise((resolve) => {
    const hits = (): Element[] => [...nav.querySelectorAll('ul li')];
    const observer = new MutationObserver(() => {
      const items = hits();
      if (items.length === 0 || !items.every((item) => item.textContent.includes(query))) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve({ ms: performance.now() - started, hits: items.length }));
    });
    observer.observe(nav, { subtree: true, childList: true, characterData: true });
    // React tracks the value it set; the prototype's setter goes around that, as typing does.
    const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
    const started = performance.now();
    descriptor?.set?.call(input, query);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function clearSearch(page: Page): Promise<void> {
  await page.locator('aside').getByPlaceholder('대화 검색').fill('');
  await page
    .locator('nav ul li')
    .nth(LISTED - 1)
    .waitFor();
}

async function measureVariant(browser: Browser, variant: Variant): Promise<Figures> {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1280, height: 900 } });
  try {
    await seeded(context, variant.baseUrl);
    // The latest conversation is restored: the last one stored.
    await context.addInitScript(watchOpening, `${CONVERSATIONS - 1}번 대화 ${EXCHANGES - 1}번째 질문`);
    const page = await context.newPage();
    const opened = async (): Promise<number> => {
      await page.waitForFunction(() => (window as { openedAt?: number }).openedAt !== undefined, undefined, {
        timeout: 300_000,
      });
      return page.evaluate(() => (window as unknown as { openedAt: number }).openedAt);
    };
    await page.goto(`${variant.baseUrl}?loadMs=50`);
    const firstOpenMs = await opened();
    const openMs: number[] = [];
    for (let run = 0; run < REPEATS; run += 1) {
      await page.reload();
      openMs.push(await opened());
    }
    await page
      .locator('nav ul li')
      .nth(LISTED - 1)
      .waitFor();

    const switchMs: number[] = [];
    for (let run = 0; run < REPEATS; run += 1) {
      const index = CONVERSATIONS - 2 - run * 9;
      const label = String(index).padStart(4, '0');
      switchMs.push(
        await page.evaluate(switchTo, [
          `벤치마크 ${label}`,
          `${index}번 대화 ${EXCHANGES - 1}번째 질문`,
        ] as const),
      );
    }

    const rare = [];
    const common = [];
    for (let run = 0; run < REPEATS; run += 1) {
      await clearSearch(page);
      rare.push(await page.evaluate(searchFor, RARE_WORD));
      await clearSearch(page);
      common.push(await page.evaluate(searchFor, COMMON_WORD));
    }
    await page.close();

    const streaming = await measure(browser, 'incremental', benchDocument(), {
      baseUrl: variant.baseUrl,
      label: `${variant.name}-${CONVERSATIONS}`,
      restored: true,
      prepare: async (streamingContext) => {
        await seeded(streamingContext, variant.baseUrl);
        // The first visit migrates the stored conversations: done before the measured visit.
        const first = await streamingContext.newPage();
        await first.goto(`${variant.baseUrl}?loadMs=50`);
        await first.locator('li[data-role="assistant"]').first().waitFor({ timeout: 300_000 });
        await first.close();
      },
    });
    return {
      firstOpenMs,
      openMs,
      switchMs,
      rareSearchMs: rare.map(({ ms }) => ms),
      rareHits: rare[0]?.hits ?? 0,
      commonSearchMs: common.map(({ ms }) => ms),
      commonHits: common[0]?.hits ?? 0,
      streaming,
    };
  } finally {
    await context.close();
  }
}

/** Builds a commit's end-to-end app from git into a temporary folder; returns its output folder. */
function buildBaseline(commit: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${root}`], { stdio: 'pipe' });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--mode', 'e2e', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'pipe',
  });
  return { dir: join(root, 'dist-e2e'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function serve(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['scripts/serve.mjs', dir, '--port', String(port), '--quiet'], {
    stdio: 'ignore',
  });
}

/** Installed before the app's scripts: the page's long tasks, with their start, in `benchLongTasks`. */
export function watchLongTasks(): void {
  const tasks: { start: number; duration: number }[] = [];
  Object.assign(window, { benchLongTasks: tasks });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** The durations of the page's long tasks that overlap `from` to `to` (its `performance.now()`). */
function longTasksBetween(page: Page, from: number, to: number): Promise<number[]> {
  return page.evaluate(
    ([start, end]) =>
      (window as unknown as { benchLongTasks: { start: number; duration: number }[] }).benchLongTasks
        .filter((task) => task.start + task.duration >= start && task.start <= end)
        .map((task) => task.duration),
    [from, to] as const,
  );
}

interface LongFigures {
  readonly openMs: readonly number[];
  /** The longest task of each opening, from the navigation to {@link SETTLE_MS} after it showed; 0 if none was long. */
  readonly openLongestMs: readonly number[];
  /** Messages in the page once it opened (the conversation has twice {@link LONG_EXCHANGES}). */
  readonly messagesInPage: number;
  /** The long tasks (over 50 ms) while typing as the answer streamed. */
  readonly typingLongTasks: readonly number[];
  readonly typingMs: number;
}

/**
 * One stored conversation of {@link LONG_EXCHANGES} exchanges: opening it (a reload restores it), then typing
 * while an answer streams at its end.
 */
async function measureLong(browser: Browser, baseUrl: string): Promise<LongFigures> {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1280, height: 900 } });
  try {
    await seeded(context, baseUrl, { count: 1, exchanges: LONG_EXCHANGES });
    await context.addInitScript(watchOpening, `0번 대화 ${LONG_EXCHANGES - 1}번째 질문`);
    await context.addInitScript(watchLongTasks);
    const page = await context.newPage();
    const opened = async (): Promise<number> => {
      await page.waitForFunction(() => (window as { openedAt?: number }).openedAt !== undefined, undefined, {
        timeout: 300_000,
      });
      return page.evaluate(() => (window as unknown as { openedAt: number }).openedAt);
    };
    const url = `${baseUrl}?loadMs=50&tokenDelayMs=25`;
    // The first visit migrates the stored conversation.
    await page.goto(url);
    await opened();
    const openMs: number[] = [];
    const openLongestMs: number[] = [];
    for (let run = 0; run < REPEATS; run += 1) {
      await page.reload();
      const at = await opened();
      await page.waitForTimeout(SETTLE_MS);
      openMs.push(at);
      openLongestMs.push(Math.max(0, ...(await longTasksBetween(page, 0, at + SETTLE_MS))));
    }
    const messagesInPage = await page.locator('li[data-role]').count();

    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    await page.getByTestId('model-status').filter({ hasText: '준비됨' }).waitFor();
    const box = page.getByRole('textbox', { name: '메시지 입력' });
    // 900 code points in pieces of 3, one every 25 ms: longer than the typing.
    await box.fill(`/echo ${'한 줄씩 자라는 긴 답변입니다.\n'.repeat(50)}`);
    await box.press('Enter');
    const answer = page.locator('li[data-role="assistant"]').last();
    // The scripted engine fits the thousand exchanges into its window first, slowly on a busy machine.
    await answer.and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 300_000 });
    const since = await page.evaluate(() => performance.now());
    await page.keyboard.type(TYPED, { delay: TYPING_DELAY_MS });
    const until = await page.evaluate(() => performance.now());
    if ((await answer.getAttribute('data-status')) !== 'streaming') {
      throw new Error('The answer ended before the typing did: it measured typing without a stream.');
    }
    const typingLongTasks = await longTasksBetween(page, since, until);
    return { openMs, openLongestMs, messagesInPage, typingLongTasks, typingMs: until - since };
  } finally {
    await context.close();
  }
}

/**
 * With 1,000 stored conversations of 20 messages of about 500 characters: opening the app, switching
 * conversations, searching and streaming an answer, for the current code and the baseline, in Chromium; then
 * one conversation of 1,000 exchanges, for the current code and the code before it was windowed.
 */
export async function benchConversations(only?: 'long'): Promise<string> {
  if (!existsSync('dist-e2e/index.html')) {
    execFileSync('./node_modules/.bin/vite', ['build', '--mode', 'e2e', '--logLevel', 'error'], {
      stdio: 'pipe',
    });
  }
  const baseline = only === 'long' ? undefined : buildBaseline(BASELINE);
  const longBaseline = buildBaseline(LONG_BASELINE);
  const found = findChromium();
  if ('problem' in found) throw new Error(found.problem);
  const servers = [
    serve('dist-e2e', CURRENT_PORT),
    serve(longBaseline.dir, LONG_BASELINE_PORT),
    ...(baseline ? [serve(baseline.dir, BASELINE_PORT)] : []),
  ];
  let browser: Browser | undefined;
  try {
    const current: Variant = { name: 'current', baseUrl: `http://localhost:${CURRENT_PORT}/` };
    const before: Variant = { name: 'baseline', baseUrl: `http://localhost:${BASELINE_PORT}/` };
    const longBefore = `http://localhost:${LONG_BASELINE_PORT}/`;
    await waitForServer(current.baseUrl, servers[0] as ChildProcess);
    await waitForServer(longBefore, servers[1] as ChildProcess);
    if (baseline) await waitForServer(before.baseUrl, servers[2] as ChildProcess);
    browser = await chromium.launch({ executablePath: found.path, args: [...QUIET_CHROMIUM_ARGS] });
    const loadBefore = loadavg()[0] ?? 0;
    const stored = baseline
      ? { now: await measureVariant(browser, current), then: await measureVariant(browser, before) }
      : undefined;
    const long = {
      now: await measureLong(browser, current.baseUrl),
      then: await measureLong(browser, longBefore),
    };
    const context = { chromium: browser.version(), load: [loadBefore, loadavg()[0] ?? 0] as const };
    return [...(stored ? [report(stored, context)] : []), longReport(long, context)].join('\n\n');
  } finally {
    await browser?.close();
    for (const server of servers) server.kill();
    baseline?.cleanup();
    longBaseline.cleanup();
  }
}

function longReport(
  { now, then }: { now: LongFigures; then: LongFigures },
  context: { chromium: string; load: readonly [number, number] },
): string {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const spread = (values: readonly number[]): string =>
    `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
  const tasks = (values: readonly number[]): string =>
    values.length === 0 ? 'none' : `${values.length}, the longest ${ms(Math.max(...values))}`;
  const verdict = (pass: boolean): string => (pass ? '**PASS**' : '**FAIL**');
  const openPass =
    median(now.openMs) <= LONG_TARGETS.openMs && Math.max(...now.openLongestMs) <= LONG_TARGETS.openTaskMs;
  const typingPass = now.typingLongTasks.every((duration) => duration <= LONG_TARGETS.typingTaskMs);
  return [
    `### One conversation of ${LONG_EXCHANGES.toLocaleString('en')} exchanges`,
    '',
    `One stored conversation of ${LONG_EXCHANGES.toLocaleString('en')} exchanges (${(LONG_EXCHANGES * 2).toLocaleString('en')} ` +
      `messages of about ${MESSAGE_CHARACTERS} characters, the same text as above), opened by the current ` +
      `end-to-end build and by the code before only the messages near the viewport were put in the page ` +
      `(\`${LONG_BASELINE}\`, built from git in the same run), in Chromium ${context.chromium} (headless, 1280 × 900), ` +
      `after the same runs as above. Opening: medians of ${REPEATS} reloads (fastest–slowest).`,
    '',
    '| What | Before | Current | Target |',
    '| --- | ---: | ---: | ---: |',
    `| Opening (a reload) to the conversation’s last question and an enabled message box | ${spread(then.openMs)} | ${spread(now.openMs)} | ≤ ${LONG_TARGETS.openMs} ms |`,
    `| Opening: longest task, the slowest of the ${REPEATS} reloads (0: none over 50 ms) | ${ms(Math.max(...then.openLongestMs))} | ${ms(Math.max(...now.openLongestMs))} | ≤ ${LONG_TARGETS.openTaskMs} ms |`,
    `| Messages in the page once opened | ${then.messagesInPage.toLocaleString('en')} | ${now.messagesInPage.toLocaleString('en')} | — |`,
    `| Typing ${Array.from(TYPED).length} characters (one every ${TYPING_DELAY_MS} ms) while an answer streams at its end: tasks over 50 ms | ${tasks(then.typingLongTasks)} | ${tasks(now.typingLongTasks)} | none over ${LONG_TARGETS.typingTaskMs} ms |`,
    '',
    'Method: opening as above, from the navigation of a reload (which restores the conversation) to the ' +
      'conversation’s last question and an enabled message box in the page; its longest task is the longest ' +
      `\`longtask\` entry of a \`PerformanceObserver\` installed before the app’s scripts, from the navigation to ` +
      `${SETTLE_MS} ms after that. Then the model is loaded, an answer of 900 code points is echoed in pieces of 3 ` +
      'every 25 ms at the end of the conversation, and Playwright types into the message box while it streams; ' +
      'the long tasks are those that overlap the typing.',
    '',
    `Targets, current code: opening ${verdict(openPass)}, no task over ${LONG_TARGETS.typingTaskMs} ms while ` +
      `typing during a stream ${verdict(typingPass)}.`,
  ].join('\n');
}

function report(
  { now, then }: { now: Figures; then: Figures },
  context: { chromium: string; load: readonly [number, number] },
): string {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const spread = (values: readonly number[]): string =>
    `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
  const longest = (m: Measurement): string => `${ms(m.longestWallMs)} (${ms(m.longestWallCpuMs)} CPU)`;
  const p95 = (m: Measurement): number => {
    const sorted = [...m.perUpdate].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? Number.NaN;
  };
  const verdict = (pass: boolean): string => (pass ? '**PASS**' : '**FAIL**');
  const openPass = median(now.openMs) <= TARGETS.openMs;
  const switchPass = median(now.switchMs) <= TARGETS.switchMs;
  const searchPass =
    median(now.rareSearchMs) <= TARGETS.searchMs && median(now.commonSearchMs) <= TARGETS.searchMs;
  const streamPass = now.streaming.longTasks.length === 0 && now.streaming.longestWallMs <= TARGETS.taskMs;
  return [
    `## ${CONVERSATIONS.toLocaleString('en')} stored conversations`,
    '',
    `${CONVERSATIONS.toLocaleString('en')} conversations of ${EXCHANGES * 2} messages of about ` +
      `${MESSAGE_CHARACTERS} characters (Korean text, ${((CONVERSATIONS * EXCHANGES * 2 * MESSAGE_CHARACTERS) / 1e6).toFixed(0)} ` +
      `million characters), stored as database version 1 holds them, then opened by the current end-to-end build ` +
      `and by the baseline (\`${BASELINE}\`, built from git in the same run), each in a fresh Chromium ` +
      `${context.chromium} context (headless, 1280 × 900). The load average was ${context.load[0].toFixed(1)} before ` +
      `and ${context.load[1].toFixed(1)} after, on ${cpus().length} CPUs. Times are medians of ${REPEATS} runs ` +
      '(fastest–slowest).',
    '',
    '| What | Baseline | Current | Target |',
    '| --- | ---: | ---: | ---: |',
    `| First visit: the stored conversations migrated, then shown | ${ms(then.firstOpenMs)} | ${ms(now.firstOpenMs)} | — |`,
    `| Opening (a reload) to the restored conversation and an enabled message box | ${spread(then.openMs)} | ${spread(now.openMs)} | ≤ ${TARGETS.openMs} ms |`,
    `| Switching conversations (click to its messages laid out) | ${spread(then.switchMs)} | ${spread(now.switchMs)} | ≤ ${TARGETS.switchMs} ms |`,
    `| Search for a rare word (“${RARE_WORD}”, in ${CONVERSATIONS / RARE_EVERY} conversations): typed to hits shown | ${spread(then.rareSearchMs)} (${then.rareHits} hits) | ${spread(now.rareSearchMs)} (${now.rareHits} hits) | ≤ ${TARGETS.searchMs} ms |`,
    `| Search for a common ending (“${COMMON_WORD}”, in every conversation) | ${spread(then.commonSearchMs)} (${then.commonHits} hits) | ${spread(now.commonSearchMs)} (${now.commonHits} hits, the newest) | ≤ ${TARGETS.searchMs} ms |`,
    `| Streaming the 2,000-token answer: main thread per update, median / p95 | ${ms(median(then.streaming.perUpdate))} / ${ms(p95(then.streaming))} | ${ms(median(now.streaming.perUpdate))} / ${ms(p95(now.streaming))} | — |`,
    `| Streaming: longest main-thread task, wall (its CPU) | ${longest(then.streaming)} | ${longest(now.streaming)} | ≤ ${TARGETS.taskMs} ms |`,
    `| Streaming: tasks over 50 ms (long tasks, wall / CPU) | ${then.streaming.longTasks.length} / ${then.streaming.overBudgetCpu} | ${now.streaming.longTasks.length} / ${now.streaming.overBudgetCpu} | 0 |`,
    `| Streaming: the answer took | ${(then.streaming.streamMs / 1000).toFixed(1)} s | ${(now.streaming.streamMs / 1000).toFixed(1)} s | — |`,
    '',
    'Method: opening is `performance.now()` (from the navigation) when the restored conversation’s last question ' +
      'and an enabled message box are in the page, seen by a `MutationObserver` installed before the app’s scripts. ' +
      'Switching and search start at the click or the input event and end at the first animation frame after ' +
      'the page shows the conversation’s last question, or only entries holding the searched text. The ' +
      'current code lists at most the 50 newest hits (and says there may be more); the baseline lists all. ' +
      'Streaming is the streaming section’s measurement (incremental Markdown) in a new conversation, with the ' +
      '1,000 conversations stored; each save of the baseline reads and checks all of them.',
    '',
    `Targets, current code: opening ${verdict(openPass)}, switching ${verdict(switchPass)}, search ` +
      `${verdict(searchPass)}, no task over 50 ms while streaming ${verdict(streamPass)}.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `tsx scripts/bench/conversations.ts long` measures the conversation of many exchanges alone.
  console.log(await benchConversations(process.argv.includes('long') ? 'long' : undefined));
}
