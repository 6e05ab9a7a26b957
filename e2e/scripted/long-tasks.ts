import type { Page } from '@playwright/test';

/** Runs in the page: records each long task's duration (over 50 ms) in `window.longTasks`, once. */
function watch(): void {
  if ('longTasks' in window) return;
  const longTasks: number[] = [];
  Object.assign(window, { longTasks });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
}

/**
 * Records the page's long tasks: from before its scripts run on every load (`before-load`, to be called before
 * the page is opened), or from now on.
 */
export async function watchLongTasks(page: Page, from: 'before-load' | 'now' = 'before-load'): Promise<void> {
  if (from === 'before-load') await page.addInitScript(watch);
  else await page.evaluate(watch);
}

/** The long tasks since the last call (or since the watch began), in milliseconds. */
export async function takeLongTasks(page: Page): Promise<number[]> {
  // A task still running when asked would answer only after it; a frame later everything has settled.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  return page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
}
