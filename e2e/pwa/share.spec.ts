import { expect, test } from '@playwright/test';
import { PWA_NESTED_URL, PWA_URL } from '../../playwright.config';
import { recordWebShare, sharedData } from '../web-share';

test('with the Web Share API, Share hands the app’s link to it, without the query or fragment', async ({
  page,
}) => {
  await recordWebShare(page);
  await page.goto(`${PWA_NESTED_URL}?tokenDelayMs=5#somewhere`);
  await page.getByRole('button', { name: '공유', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '공유했습니다' })).toBeVisible();
  expect(await sharedData(page)).toEqual([
    { url: PWA_NESTED_URL, title: '한글 라마', text: '내 브라우저 안에서만 돌아가는 한국어 AI 채팅' },
  ]);
});

test('a cancelled share sheet says nothing', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'share', {
      configurable: true,
      value: () => Promise.reject(new DOMException('Share canceled', 'AbortError')),
    });
  });
  await page.goto('./');
  await page.getByRole('button', { name: '공유', exact: true }).click();
  await page.waitForTimeout(200);
  await expect(page.getByTestId('share-status')).toHaveText('');
});

test('without the Web Share API, Share copies the app’s link and says so', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: PWA_URL });
  await page.addInitScript(() => {
    // Chromium on Linux has no navigator.share; make sure of it on any platform.
    Reflect.deleteProperty(Navigator.prototype, 'share');
    Reflect.deleteProperty(Navigator.prototype, 'canShare');
  });
  await page.goto(`${PWA_URL}?utm=x#frag`);
  expect(await page.evaluate(() => 'share' in navigator)).toBe(false);
  await page.getByRole('button', { name: '공유', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '링크를 복사했습니다' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(PWA_URL);
  // A confirmation, not a fixture: it goes away.
  await expect(page.getByTestId('share-status')).toHaveText('', { timeout: 6000 });
});

test('in English too', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: PWA_URL });
  await page.addInitScript(() => Reflect.deleteProperty(Navigator.prototype, 'share'));
  await page.goto('./');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
});
