import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { PWA_REAL_URL } from '../../playwright.config';
import { sharedFragment } from '../shared-link-fixture';
import { waitForServiceWorker } from './pwa-helpers';

// The first visit's service worker fetches the whole app into the cache (web-llm's 10 MB included): it is
// registered once the first screen is complete, so that it never competes with it. Each page's first screen
// is held here by holding back the worker it waits for.

/** Holds the responses to scripts matching `pattern` until the returned function lets them through. */
async function holdBack(context: BrowserContext, pattern: RegExp): Promise<() => void> {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  await context.route(pattern, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

const registrations = (page: Page): Promise<number> =>
  page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);

test('the app registers its service worker once the device check has answered', async ({ page, context }) => {
  const release = await holdBack(context, /\/assets\/worker-[\w-]+\.js$/);
  const serviceWorker: string[] = [];
  context.on('request', (request) => {
    if (/\/sw\.js$/.test(request.url())) serviceWorker.push(request.url());
  });
  await page.goto(PWA_REAL_URL);
  await expect(page.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText('기기 확인 중');
  // Loaded, idle, and still checking: nothing registered, nothing asked for.
  await page.waitForLoadState('load');
  await page.waitForTimeout(1500);
  expect(await registrations(page)).toBe(0);
  expect(serviceWorker).toEqual([]);

  release();
  await expect(page.getByTestId('model-status')).not.toContainText('기기 확인 중');
  await waitForServiceWorker(page);
  expect(await registrations(page)).toBe(1);
});

test('a shared link registers it once the conversation shows', async ({ page, context }) => {
  const release = await holdBack(context, /\/assets\/shared-link-worker-[\w-]+\.js$/);
  const fragment = await sharedFragment('받은 대화', [{ question: '질문', answer: '**답**입니다.' }]);
  await page.goto(`${PWA_REAL_URL}${fragment}`);
  await expect(page.getByRole('status').filter({ hasText: '여는 중' })).toBeVisible();
  await page.waitForLoadState('load');
  await page.waitForTimeout(1500);
  expect(await registrations(page)).toBe(0);

  release();
  await expect(page.getByRole('region', { name: /공유받은 대화/ }).locator('strong')).toHaveText('답');
  await waitForServiceWorker(page);
  expect(await registrations(page)).toBe(1);
});
