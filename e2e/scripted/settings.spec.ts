import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('the language and the theme are remembered across reloads', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await page.getByRole('button', { name: '설정' }).click();
  const dialog = page.getByRole('dialog', { name: '설정' });
  await dialog.getByLabel('테마').selectOption('dark');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await dialog.getByLabel('언어').selectOption('en');
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByRole('heading', { name: 'Ask anything' })).toBeVisible();
});

test('the theme follows the system until one is chosen', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await new ChatPage(page).goto();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await context.close();
});
