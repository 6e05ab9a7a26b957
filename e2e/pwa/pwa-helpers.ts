import { expect, type BrowserContext, type Page } from '@playwright/test';

/**
 * Waits until the service worker is active (its precache complete) and controls the page. The first
 * version claims the page it was installed from, so no second visit is needed.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      });
    }
    // `ready` and a claim come while the worker may still be activating (on a busy machine, long enough
    // for the check below to see it): wait for its activation to finish.
    const worker = navigator.serviceWorker.controller;
    if (!worker || worker.state === 'activated') return;
    await new Promise<void>((resolve) => {
      const settled = (): void => {
        if (worker.state !== 'activated') return;
        worker.removeEventListener('statechange', settled);
        resolve();
      };
      worker.addEventListener('statechange', settled);
      settled();
    });
  });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
}

/**
 * Records every request: the context sees the page's, its dedicated worker's (Chromium reports those on
 * the page) and, unlike the page, the service worker's.
 */
export function recordAllRequests(context: BrowserContext): {
  readonly urls: string[];
  readonly fromServiceWorker: string[];
} {
  const urls: string[] = [];
  const fromServiceWorker: string[] = [];
  context.on('request', (request) => {
    urls.push(request.url());
    if (request.serviceWorker()) fromServiceWorker.push(request.url());
  });
  return { urls, fromServiceWorker };
}

/**
 * Collects the page's Content-Security-Policy violations, across reloads: a `securitypolicyviolation`
 * listener from `addInitScript` reports each to the test, and Chromium's console messages about CSP too.
 */
export async function recordCspViolations(page: Page): Promise<readonly string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const page = window as unknown as { reportCspViolation: (text: string) => Promise<void> };
      void page.reportCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'} in ${event.sourceFile}`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
