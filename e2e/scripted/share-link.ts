import { expect, type BrowserContext, type Page } from '@playwright/test';
import { hangulNoise } from '../../src/test/hangul-noise';

/**
 * Lets the page copy to the clipboard and takes the Web Share API away (Chromium on Linux has none anyway), so
 * "이 대화 공유" copies its link, where a test can read it.
 */
export async function copyingLinks(context: BrowserContext, origin: string): Promise<void> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await context.addInitScript(() => {
    Reflect.deleteProperty(Navigator.prototype, 'share');
    Reflect.deleteProperty(Navigator.prototype, 'canShare');
  });
}

/** Shares the conversation on screen, and returns the link it copied, once the length it stated is checked. */
export async function copyConversationLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: '이 대화 공유' }).click();
  const status = page.getByTestId('share-conversation-status');
  await expect(status).toHaveText(/^대화 링크를 복사했습니다 \([\d,]+자\)$/);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(Number((await status.textContent())?.replace(/\D/g, ''))).toBe(link.length);
  return link;
}

/** The fragment of a link, with its `#`. */
export function fragmentOf(link: string): string {
  return new URL(link).hash;
}

/** Hangul syllables in no order deflate can use: a link of about 2.3 characters each. Deterministic. */
export const noise = (length: number): string => hangulNoise(length, 11);
