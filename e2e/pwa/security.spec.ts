import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadEnv } from 'vite';
import { brokenModelServers, PWA_REAL_URL, PWA_URL } from '../../playwright.config';
import { scriptHash } from '../../scripts/first-screen-preload';
import { contentSecurityPolicy, modelConnectSources } from '../../src/pwa/content-security-policy';
import { ChatPage } from '../scripted/chat-page';
import { recordAllRequests, recordCspViolations, waitForServiceWorker } from './pwa-helpers';

const env = loadEnv('production', process.cwd(), 'VITE_');
const connectSources = modelConnectSources(env['VITE_MODEL_BASE_URL'], env['VITE_MODEL_CONNECT_SRC']);

function metaPolicy(dist: string): string | undefined {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  return /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
}

function headerPolicy(dist: string): string | undefined {
  return /^[ \t]+Content-Security-Policy: (.*)$/m.exec(readFileSync(join(dist, '_headers'), 'utf8'))?.[1];
}

test('both builds carry the policy in a <meta> before any script, and in _headers', () => {
  for (const dist of ['dist', 'dist-e2e']) {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    // One inline script, the first screen's preload (it only adds <link rel="modulepreload">), allowed by
    // its hash and nothing else; every other script is a file.
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
    expect(inline).toEqual([expect.stringContaining('"modulepreload"')]);
    const scriptHashes = inline.map(scriptHash);
    expect(metaPolicy(dist)).toBe(contentSecurityPolicy({ connectSources, delivery: 'meta', scriptHashes }));
    expect(headerPolicy(dist)).toBe(
      contentSecurityPolicy({ connectSources, delivery: 'header', scriptHashes }),
    );
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    for (const script of html.match(/<script\b[^>]*>/g) ?? []) {
      if (script !== '<script>') expect(script).toMatch(/\ssrc="\.\//);
    }
    expect(metaPolicy(dist)).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\s\*(;|\s|$)/);
  }
});

/** Opens the settings and the conversation list, and switches the language there and back. */
async function visitTheRest(page: Page): Promise<void> {
  await page.getByRole('button', { name: '설정' }).click();
  await page.getByRole('dialog', { name: '설정' }).getByLabel('언어').selectOption('en');
  await page.getByRole('dialog', { name: 'Settings' }).getByLabel('Language').selectOption('ko');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: '새 대화' }).click();
}

test('the production build runs without a CSP violation: device check, settings, a load that finds no model files, offline', async ({
  page,
  context,
}) => {
  const violations = await recordCspViolations(page);
  await page.goto(PWA_REAL_URL);
  await expect(page.getByTestId('preflight-facts')).toContainText('swiftshader');
  await visitTheRest(page);
  await page.getByRole('button', { name: /모델 불러오기/ }).click();
  // web-llm starts in the worker and meets the 404: the app's error, not a policy's.
  await expect(page.getByRole('alert')).toContainText('모델 파일을 찾을 수 없습니다', { timeout: 20_000 });
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('preflight-facts')).toContainText('swiftshader');
  expect(violations).toEqual([]);
});

test('the app runs without a CSP violation: chat with Markdown, stop, share, conversations', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: PWA_URL });
  const violations = await recordCspViolations(page);
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 50, tokenDelayMs: 2 });
  await chat.ask(
    '/echo **굵게**, `코드`, [링크](https://example.com)\n\n```js\nconst a = 1;\n```\n\n| 가 | 나 |\n|---|---|\n| 1 | 2 |',
  );
  await expect(chat.lastAnswer().locator('strong')).toHaveText('굵게');
  await page.goto('./?tokenDelayMs=40&loadMs=50');
  await page.getByRole('button', { name: /모델 불러오기/ }).click();
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await chat.ask('천천히 길게 답해 주세요');
  await chat.stop.click();
  await page.getByRole('button', { name: '공유', exact: true }).click();
  await visitTheRest(page);
  expect(violations).toEqual([]);
});

test('every request of the page, its worker and its service worker stays on the app’s origin', async ({
  page,
  context,
}) => {
  const requests = recordAllRequests(context);
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 50, tokenDelayMs: 2 });
  await waitForServiceWorker(page);
  await chat.ask('/echo 아무 데도 보내지 않습니다');
  await expect(chat.lastAnswerText()).toHaveText('아무 데도 보내지 않습니다');
  await page.getByRole('button', { name: '공유', exact: true }).click();
  await page.reload();
  await expect(page.getByTestId('model-status')).toBeVisible();

  expect(requests.fromServiceWorker.length, 'the service worker’s precaching is recorded').toBeGreaterThan(0);
  expect(requests.urls.some((url) => /\/assets\/worker-[\w-]+\.js$/.test(url))).toBe(true);
  const elsewhere = requests.urls.filter((url) => new URL(url).origin !== new URL(PWA_URL).origin);
  expect(elsewhere).toEqual([]);
});

test.describe('with the _headers policy on the worker too', () => {
  // Routes see only what no service worker answers.
  test.use({ serviceWorkers: 'block' });

  /** Serves the production build's engine worker with a Content-Security-Policy header, as a host reading _headers would. */
  async function workerWithPolicy(page: Page, policy: string): Promise<void> {
    await page.route(/\/assets\/worker-[\w-]+\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy': policy },
      });
    });
  }

  const shipped = headerPolicy('dist') ?? '';
  const mismatched = `http://localhost:${brokenModelServers['mismatched-library']}/`;

  test('web-llm still compiles its WebAssembly, and the worker may not reach another host', async ({
    page,
  }) => {
    await workerWithPolicy(page, shipped);
    await page.goto(mismatched);
    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    const alert = page.getByRole('alert');
    // A library built for another runtime fails at linking, so it was compiled: 'wasm-unsafe-eval' works.
    await expect(alert).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', {
      timeout: 20_000,
    });
    await alert.getByText('자세한 내용').click();
    await expect(alert).toContainText('LinkError');

    const worker = page.workers().find((candidate) => /\/assets\/worker-/.test(candidate.url()));
    const elsewhere = await worker?.evaluate(
      (url) =>
        fetch(url, { mode: 'no-cors' }).then(
          () => 'fetched',
          (error: unknown) => String(error),
        ),
      PWA_URL,
    );
    expect(elsewhere, 'connect-src holds in the worker').toMatch(/TypeError/);
  });

  test('without wasm-unsafe-eval the same load fails before linking: the policy needs it', async ({
    page,
  }) => {
    await workerWithPolicy(page, shipped.replace(" 'wasm-unsafe-eval'", ''));
    await page.goto(mismatched);
    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible({ timeout: 20_000 });
    await alert.getByText('자세한 내용').click();
    await expect(alert).not.toContainText('LinkError');
    await expect(alert).toContainText("does not allow compiling WebAssembly ('wasm-unsafe-eval')");
  });
});
