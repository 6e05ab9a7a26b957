import { expect, test, type Page } from '@playwright/test';
import { encodeSharedConversation } from '../../src/conversation/formats/shared-link';
import { conversationOf, version } from '../../src/test/conversations';

// The first screen does not move once shown: the device check's panel (here: no WebGPU) takes its place
// without pushing what is already on screen, and a shared answer's Markdown replaces its plain text without
// moving what follows. Cumulative layout shift at most 0.05 (Lighthouse's "good" is 0.1), on a phone and on a
// desktop, for the app and for a shared link.

/** Layout shifts without recent input, summed, from before the app's scripts until `settleMs` after the load. */
async function layoutShift(page: Page, url: string, settleMs = 3000): Promise<number> {
  await page.addInitScript(() => {
    const shifts: number[] = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[]) {
        if (!entry.hadRecentInput) shifts.push(entry.value);
      }
    }).observe({ type: 'layout-shift', buffered: true });
    Object.assign(window, { layoutShifts: shifts });
  });
  await page.goto(url);
  await page.waitForLoadState('load');
  await page.waitForTimeout(settleMs);
  return page.evaluate(() =>
    (window as unknown as { layoutShifts: number[] }).layoutShifts.reduce((sum, value) => sum + value, 0),
  );
}

const sizes = { phone: { width: 412, height: 823 }, desktop: { width: 1350, height: 940 } } as const;

for (const [device, size] of Object.entries(sizes)) {
  test(`the app's first screen does not move on a ${device}`, async ({ page }) => {
    await page.setViewportSize(size);
    const shift = await layoutShift(page, './');
    await expect(
      page.getByRole('heading', { name: '이 기기에서는 모델을 실행할 수 없습니다' }),
    ).toBeVisible();
    await expect(page.getByRole('heading', { name: '무엇이든 물어보세요' })).toBeVisible();
    expect(shift).toBeLessThanOrEqual(0.05);
  });
}

test.describe('a shared link', () => {
  for (const [device, size] of Object.entries(sizes)) {
    test(`its first screen does not move on a ${device}`, async ({ page }) => {
      const answer = `토큰은 이렇게 나눕니다.\n\n\`\`\`python\nprint("안녕")\n\`\`\`\n\n| 방법 | 장점 |\n| --- | --- |\n| BPE | 사전이 필요 없습니다 |\n\n${'형태소 분석은 조사와 어미를 떼어 냅니다. '.repeat(20)}`;
      const conversation = conversationOf('shift', [version('v1', '한국어 토큰은 어떻게 나누나요?', answer)]);
      const fragment = await encodeSharedConversation({ conversation, modelId: undefined });
      await page.setViewportSize(size);
      const shift = await layoutShift(page, `./#${fragment}`);
      await expect(page.getByText('토큰은 이렇게 나눕니다.')).toBeVisible();
      expect(shift).toBeLessThanOrEqual(0.05);
    });
  }
});

test('on a 360 px phone the header shows the app’s whole name, and the model’s status stays for screen readers', async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('./');
  const title = page.getByRole('heading', { level: 1, name: '한글 라마' });
  await expect(title).toBeVisible();
  expect(await title.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  await expect(page.getByTestId('model-status')).toContainText(/확인 중|모델 꺼짐/);
});
