import { expect, test } from '@playwright/test';
import { recordRequests } from './local-only';

test('without WebGPU the real worker’s preflight explains it before anything is downloaded', async ({
  page,
}) => {
  const requests = recordRequests(page);
  await page.goto('./');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('이 기기에서는 모델을 실행할 수 없습니다');
  await expect(alert).toContainText('WebGPU를 쓸 수 없습니다');
  await expect(alert).toContainText('chrome://gpu');
  await expect(page.getByRole('button', { name: /모델 불러오기/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '다시 확인' })).toBeVisible();
  await page.waitForTimeout(300);
  requests.expectAllLocal();
  expect(requests.urls.filter((url) => url.includes('/models/'))).toEqual([]);
  // The device check needs no engine: the page and its worker never fetch web-llm's chunk for it (the
  // service worker may precache it in the background, which page requests do not include).
  expect(requests.urls.filter((url) => url.includes('web-llm-engine'))).toEqual([]);
});

test('the explanation is available in English too', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('alert')).toContainText('WebGPU is not available in this browser');
});
