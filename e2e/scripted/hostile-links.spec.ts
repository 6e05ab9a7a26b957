import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateBomb } from '../../src/test/deflate-bomb';
import { crc32, toBase64Url } from '../../src/conversation/formats/link-bytes';
import { takeLongTasks, watchLongTasks } from './long-tasks';

// A crafted link costs the page nothing: it is read in a worker of its own, ended at the limit, and refused
// within a second, with no long task on the page's thread and no great growth of the renderer's memory.

/** A link's fragment of `payload` as this app's links are made: version, length, checksum, data. */
const linkOf = (payload: string): string => `#share=1.${payload.length}.${crc32(payload)}.${payload}`;

/** The renderer's resident memory now (VmRSS) and at its peak so far (VmHWM), in MiB, from /proc (Linux). */
async function rendererMemory(page: Page): Promise<{ now: number; peak: number } | undefined> {
  const session = await page.context().browser()?.newBrowserCDPSession();
  if (!session) return undefined;
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await session.detach();
  const renderers = processInfo.filter(({ type }) => type === 'renderer');
  // Only this test's page is open in its browser; a renderer for about:blank may linger, so take the largest.
  let best: { now: number; peak: number } | undefined;
  for (const { id } of renderers) {
    let status: string;
    try {
      status = readFileSync(`/proc/${id}/status`, 'utf8');
    } catch {
      // Not Linux, or the process is gone: no figure from it.
      continue;
    }
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
    const figures = { now: kib('VmRSS'), peak: kib('VmHWM') };
    if (!best || figures.now > best.now) best = figures;
  }
  return best;
}

// One after the other in one worker: each measures the page's thread, which the other would compete with.
test.describe.configure({ mode: 'default' });

test.beforeEach(async ({ page }) => {
  await watchLongTasks(page);
});

const hostile = {
  // 2 MiB of link that inflates to 2 GiB of zeros.
  'a deflate bomb': async () => toBase64Url((await deflateBomb(2048)).subarray(0, 1_500_000)),
  // 2 MiB of noise with a right checksum: it gets as far as the inflater.
  'two megabytes of random base64': () => Promise.resolve(toBase64Url(randomBytes(1_560_000))),
} as const;

for (const [name, payloadOf] of Object.entries(hostile)) {
  test(`${name} is refused within a second, with no long task and little memory`, async ({ page }) => {
    test.setTimeout(60_000);
    const payload = await payloadOf();
    const fragment = linkOf(payload);
    expect(fragment.length).toBeGreaterThan(2_000_000);
    await page.goto('./');
    await expect(page.getByTestId('model-status')).toBeVisible();
    // The page settled: what follows is the link's cost alone.
    await page.waitForTimeout(500);
    const before = await rendererMemory(page);

    // The link put in the address bar as a messenger's link opens it in a tab that shows the app. Chromium's
    // own handling of a 2 MiB address (about half a second on this machine for `location.hash = …`) is the
    // browser's, before the app hears of it; what is measured starts when the app does.
    await page.evaluate((hash) => history.pushState(null, '', hash), fragment);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    await takeLongTasks(page);
    const elapsed = await page.evaluate(async () => {
      const start = performance.now();
      dispatchEvent(new HashChangeEvent('hashchange'));
      for (;;) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const alerts = [...document.querySelectorAll('[role="alert"][aria-labelledby]')];
        if (alerts.some((alert) => alert.textContent.includes('공유 링크를 열 수 없습니다'))) break;
        if (performance.now() - start > 20_000) break;
      }
      return performance.now() - start;
    });

    const alert = page.getByRole('alert', { name: '공유 링크를 열 수 없습니다' });
    await expect(alert).toContainText('아무것도 바뀌지 않았습니다');
    expect(elapsed).toBeLessThan(1000);
    const longTasks = await takeLongTasks(page);
    expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(200);
    const after = await rendererMemory(page);
    if (before && after) expect(after.peak - before.now).toBeLessThan(100);
    // The address bar let go of it, and the app goes on.
    expect(page.url()).not.toContain('share=');
    await expect(page.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  });
}
