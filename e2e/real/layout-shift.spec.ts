import { expect, test, type Page } from '@playwright/test';

// The app's first screen does not move once shown: the device check's panel (here: no WebGPU) takes its place
// without pushing what is already on screen. Cumulative layout shift at most 0.05 (Lighthouse's "good" is
// 0.1), on a phone and on a desktop. (A shared link's first screen is not there yet: its Markdown moves it.)

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
