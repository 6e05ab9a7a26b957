import { expect, type Page } from '@playwright/test';

/**
 * Records every request the page and its workers make (Chromium reports a dedicated worker's fetches on
 * its page), so a test can check that nothing left the machine.
 */
export function recordRequests(page: Page): { readonly urls: string[]; expectAllLocal(): void } {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return {
    urls,
    expectAllLocal() {
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls)
        expect(url, `${url} is not on this machine`).toMatch(/^(http:\/\/localhost:\d+\/|data:|blob:)/);
    },
  };
}
