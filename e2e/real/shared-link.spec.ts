import { expect, test } from '@playwright/test';
import { sharedFragment } from '../shared-link-fixture';
import { recordRequests } from './local-only';

test('without WebGPU, the production build shows a shared conversation and saves it, fetching nothing of the model', async ({
  page,
}) => {
  const requests = recordRequests(page);
  const fragment = await sharedFragment('휴대폰에서 받은 대화', [
    { question: '이 기기엔 GPU가 없어요', answer: '그래도 대화는 **볼 수 있습니다**.\n\n- 목록도\n- 됩니다' },
  ]);
  await page.goto(`./${fragment}`);
  expect(
    await page.evaluate(async () => !('gpu' in navigator) || (await navigator.gpu.requestAdapter()) === null),
    'this browser has no WebGPU adapter',
  ).toBe(true);

  const view = page.getByRole('region', { name: /공유받은 대화/ });
  await expect(view).toContainText('누가 보냈는지 확인할 수 없습니다');
  await expect(view.locator('li[data-role="assistant"] strong')).toHaveText('볼 수 있습니다');
  await expect(view.locator('li[data-role="assistant"] li')).toHaveText(['목록도', '됩니다']);

  await view.getByRole('button', { name: '내 대화로 저장' }).click();
  await expect(
    page
      .getByRole('navigation', { name: '대화 목록' })
      .getByRole('button', { name: /휴대폰에서 받은 대화/ })
      .first(),
  ).toBeVisible();
  // Saved and shown as the user's own: the device check says why it cannot be continued here.
  await expect(page.locator('li[data-role="assistant"] strong')).toHaveText('볼 수 있습니다');
  await expect(page.getByRole('alert')).toContainText('WebGPU를 쓸 수 없습니다');

  requests.expectAllLocal();
  expect(requests.urls.filter((url) => url.includes('/models/'))).toEqual([]);
  expect(requests.urls.filter((url) => url.includes('web-llm-engine'))).toEqual([]);
});
