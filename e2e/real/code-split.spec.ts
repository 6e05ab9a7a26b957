import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { sharedFragment } from '../shared-link-fixture';
import { recordRequests } from './local-only';

// Each page loads what its first screen shows: a shared link neither the chat screen nor anything opened now
// and then, the app's address not the shared view; the rest comes when it is used. The service worker still
// precaches every chunk (offline, a part opened for the first time is there).

interface ManifestChunk {
  readonly file: string;
}
const manifest = JSON.parse(readFileSync('dist/.vite/manifest.json', 'utf8')) as Record<
  string,
  ManifestChunk
>;

/** The file of the chunk that a source module is the entry of (what its dynamic import fetches). */
function chunkOf(source: string): string {
  const chunk = manifest[source];
  if (!chunk) throw new Error(`${source} is no chunk of the build: the test's list is out of date.`);
  return chunk.file;
}

const parts = {
  // The app itself (its store, storage, engine client and the rest of its Korean texts), and its chat screen.
  app: chunkOf('src/app/app-page.tsx'),
  chat: chunkOf('src/ui/chat/chat-screen.tsx'),
  // The page a shared link opens on.
  shared: chunkOf('src/app/shared-page.tsx'),
  // DOMPurify: only for a browser without a sanitizer of its own.
  purifier: chunkOf('node_modules/dompurify/dist/purify.es.mjs'),
  settings: chunkOf('src/ui/settings/sampling-settings.tsx'),
  measure: chunkOf('src/ui/model/measure-panel.tsx'),
  sharePanel: chunkOf('src/ui/share/share-panel.tsx'),
  backup: chunkOf('src/conversation/formats/backup.ts'),
  files: chunkOf('src/ui/conversations/conversation-files.ts'),
  english: chunkOf('src/ui/i18n/messages-en.ts'),
  markdown: chunkOf('src/ui/markdown/markdown-view.tsx'),
};

/** The parts neither first screen loads: each comes when it is used (DOMPurify: in a browser without `setHTML`). */
const occasional = ['purifier', 'settings', 'measure', 'sharePanel', 'backup', 'files', 'english'] as const;

const fetched = (urls: readonly string[]) => (file: string) => urls.some((url) => url.endsWith(`/${file}`));

/** None of these parts among what the page asked for. */
function expectNoneOf(urls: readonly string[], names: readonly (keyof typeof parts)[]): void {
  for (const name of names)
    expect(fetched(urls)(parts[name]), `${name} (${parts[name]}) was loaded`).toBe(false);
}

/** The engine worker's script among what the page and its workers asked for. */
const engineWorker = (urls: readonly string[]): string[] =>
  urls.filter((url) => /\/worker-[\w-]+\.js$/.test(url));

/** The chunks the page's `<head>` asked for before its script ran, and the policy's complaints, if any. */
async function watchHead(page: Page): Promise<() => Promise<{ preloaded: string[]; violations: string[] }>> {
  await page.addInitScript(() => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
    Object.assign(window, { violations });
  });
  return () =>
    page.evaluate(() => ({
      preloaded: [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')].map(
        (link) => link.href,
      ),
      violations: (window as unknown as { violations: string[] }).violations,
    }));
}

test('a shared link loads the shared view and none of the app, its chat screen, the engine or the parts opened now and then', async ({
  page,
}) => {
  const requests = recordRequests(page);
  const head = await watchHead(page);
  const fragment = await sharedFragment('받은 대화', [{ question: '질문', answer: '**답**입니다.' }]);
  await page.goto(`./${fragment}`);
  await expect(page.getByRole('region', { name: /공유받은 대화/ }).locator('strong')).toHaveText('답');
  await page.waitForLoadState('networkidle');
  expect(fetched(requests.urls)(parts.shared)).toBe(true);
  // Asked for by the page's <head> with the page's script, not a round trip after it ran.
  const { preloaded, violations } = await head();
  expect(fetched(preloaded)(parts.shared)).toBe(true);
  expect(fetched(preloaded)(parts.markdown)).toBe(true);
  expect(fetched(preloaded)(parts.chat)).toBe(false);
  expect(fetched(preloaded)(parts.app)).toBe(false);
  expect(violations).toEqual([]);
  expectNoneOf(requests.urls, ['app', 'chat', ...occasional]);
  // Nor does it start the engine's worker: reading needs no model, and the header names none.
  expect(engineWorker(requests.urls)).toEqual([]);
  await expect(page.getByTestId('model-status')).toHaveCount(0);
  // Another link pasted into the tab is read in its place, still without the app.
  const another = await sharedFragment('다음 대화', [{ question: '또 질문', answer: '_다음_ 답' }]);
  await page.evaluate((hash) => (location.hash = hash), another);
  await expect(page.getByRole('region', { name: /다음 대화/ }).locator('em')).toHaveText('다음');
  expect(new URL(page.url()).hash).toBe('');
  expectNoneOf(requests.urls, ['app', 'chat']);
  // Closed, the user's own conversation comes with the app's chunks, and the device check with the worker.
  await page.getByRole('button', { name: '닫기' }).click();
  await expect(page.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  expect(fetched(requests.urls)(parts.app)).toBe(true);
  expect(fetched(requests.urls)(parts.chat)).toBe(true);
  await expect(page.getByRole('heading', { name: '이 기기에서는 모델을 실행할 수 없습니다' })).toBeVisible();
  await expect(page.getByTestId('model-status')).toBeVisible();
  expect(engineWorker(requests.urls)).toHaveLength(1);
});

test('the app loads the chat screen, and settings, English and backups only when they are used', async ({
  page,
}) => {
  const requests = recordRequests(page);
  const head = await watchHead(page);
  await page.goto('./');
  await expect(page.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(fetched(requests.urls)(parts.chat)).toBe(true);
  const { preloaded, violations } = await head();
  expect(fetched(preloaded)(parts.chat)).toBe(true);
  expect(fetched(preloaded)(parts.app)).toBe(true);
  expect(fetched(preloaded)(parts.shared)).toBe(false);
  expect(violations).toEqual([]);
  expectNoneOf(requests.urls, ['shared', ...occasional]);

  await page.getByRole('button', { name: '설정' }).click();
  const settings = page.getByRole('dialog', { name: '설정' });
  await expect(settings.getByRole('spinbutton').first()).toBeVisible();
  expect(fetched(requests.urls)(parts.settings)).toBe(true);
  await settings.getByRole('button', { name: '닫기' }).click();

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  expect(fetched(requests.urls)(parts.english)).toBe(true);
  expectNoneOf(requests.urls, ['backup']);
});

test('a shared conversation whose Save cannot fetch the app stays, says so, and is saved on a second try', async ({
  page,
  context,
}) => {
  // Offline before the service worker had cached the app: its chunk cannot be fetched.
  const appChunk = new RegExp(`/${parts.app.replace(/[.]/g, '\\.')}$`);
  await context.route(appChunk, (route) => route.abort('internetdisconnected'));
  const fragment = await sharedFragment('남길 대화', [{ question: '질문', answer: '**답**입니다.' }]);
  await page.goto(`./${fragment}`);
  const view = page.getByRole('region', { name: /남길 대화/ });
  await expect(view.locator('strong')).toHaveText('답');
  await view.getByRole('button', { name: '내 대화로 저장' }).click();
  const told = page.getByRole('alert').filter({ hasText: '앱을 불러오지 못했습니다' });
  await expect(told).toContainText('대화는 그대로 있고 아직 저장되지 않았습니다');
  await expect(view.locator('strong')).toHaveText('답');

  await context.unroute(appChunk);
  await told.getByRole('button', { name: '다시 시도' }).click();
  await expect(
    page.getByRole('navigation', { name: '대화 목록' }).getByRole('button', { name: /^남길 대화 / }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: /공유받은 대화/ })).toHaveCount(0);
});

test('a browser without a sanitizer of its own gets DOMPurify, and still nothing dangerous', async ({
  page,
}) => {
  await page.addInitScript(() => {
    // As Chromium before 146, Firefox and Safari: no HTML Sanitizer API.
    delete (Element.prototype as { setHTML?: unknown }).setHTML;
  });
  const requests = recordRequests(page);
  const fragment = await sharedFragment('받은 대화', [
    {
      question: '질문',
      answer: '**답**입니다. <img src=x onerror="window.pwned=1"> [링크](javascript:alert(1))',
    },
  ]);
  await page.goto(`./${fragment}`);
  const answer = page.getByRole('region', { name: /공유받은 대화/ }).locator('li[data-role="assistant"]');
  await expect(answer.locator('strong')).toHaveText('답');
  expect(fetched(requests.urls)(parts.purifier)).toBe(true);
  await expect(answer.locator('img, a[href^="javascript"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
});

test('the service worker precaches every chunk, those loaded later included', () => {
  const serviceWorker = readFileSync('dist/sw.js', 'utf8');
  for (const [part, file] of Object.entries(parts)) {
    expect(serviceWorker, `${part} (${file}) is not precached`).toContain(`"${file}"`);
  }
});
