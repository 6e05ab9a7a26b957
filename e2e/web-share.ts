import type { Page } from '@playwright/test';

/** Gives the page a Web Share API that records what it is handed, before the app's scripts run. */
export async function recordWebShare(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const shared: ShareData[] = [];
    Object.defineProperty(window, 'shared', { value: shared });
    Object.defineProperty(Navigator.prototype, 'share', {
      configurable: true,
      value: (data: ShareData) => {
        shared.push(data);
        return Promise.resolve();
      },
    });
  });
}

/** What the page handed the Web Share API of {@link recordWebShare}, in order. */
export function sharedData(page: Page): Promise<ShareData[]> {
  return page.evaluate(() => (window as unknown as { shared: ShareData[] }).shared);
}
