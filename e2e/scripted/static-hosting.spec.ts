import { expect, test } from '@playwright/test';
import { NESTED_URL } from '../../playwright.config';
import { ChatPage } from './chat-page';

test('the build works from a nested path of a plain static server, worker included', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 }, NESTED_URL);
  await chat.ask('/echo 하위 경로에서도 됩니다');
  await expect(chat.lastAnswerText()).toHaveText('하위 경로에서도 됩니다');
  expect(failed).toEqual([]);
});
