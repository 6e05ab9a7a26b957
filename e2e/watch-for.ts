import type { Page } from '@playwright/test';

/**
 * Starts recording whether a text shows on the page from now on (already there counts), for a state too
 * short to catch by polling. Each call watches on its own.
 */
export async function watchFor(page: Page, text: string): Promise<() => Promise<boolean>> {
  const key = await page.evaluate((wanted) => {
    const watches = ((window as unknown as { __watches?: boolean[] }).__watches ??= []);
    const index = watches.push(document.body.textContent.includes(wanted)) - 1;
    new MutationObserver(() => {
      if (document.body.textContent.includes(wanted)) watches[index] = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
    return index;
  }, text);
  return () =>
    page.evaluate((index) => (window as unknown as { __watches: boolean[] }).__watches[index] === true, key);
}
