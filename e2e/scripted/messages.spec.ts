import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('regenerate keeps the old answer as a version that can be browsed', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 첫 답');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.lastAnswer().getByRole('button', { name: '다시 생성' }).click();
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const switcher = page.getByTestId('version-switcher');
  await expect(switcher).toContainText('2 / 2');
  await switcher.getByRole('button', { name: '이전 버전' }).click();
  await expect(switcher).toContainText('1 / 2');
});

test('edit and resend replaces what follows, and the old branch can be browsed back', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 하나');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask('/echo 둘');
  await expect(chat.lastAnswerText()).toHaveText('둘');

  await page.locator('li[data-role="user"]').first().getByRole('button', { name: '수정' }).click();
  const editor = page.getByLabel('질문 고치기');
  await editor.fill('/echo 고친 하나');
  await page.getByRole('button', { name: '고쳐서 보내기' }).click();
  await expect(chat.lastAnswerText()).toHaveText('고친 하나');
  await expect(chat.userMessages).toHaveText(['/echo 고친 하나']);

  await page.getByRole('button', { name: '이전 버전' }).click();
  await expect(chat.userMessages).toHaveText(['/echo 하나', '/echo 둘']);
});

test('an answer can be copied', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 복사할 답변');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.lastAnswer().getByRole('button', { name: '복사', exact: true }).click();
  await expect(chat.lastAnswer().getByRole('button', { name: '복사됨' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('복사할 답변');
});

test('Markdown renders, and raw HTML from the model never becomes live markup', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 1, loadMs: 50 });
  const markdown = [
    '**굵게** 와 [링크](https://example.org)',
    '',
    '| 이름 | 값 |',
    '| --- | --- |',
    '| 가 | 1 |',
    '',
    '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>',
    '',
    '```js',
    'const x = 1;',
    '```',
  ].join('\n');
  await chat.ask(`/echo ${markdown}`);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const answer = chat.lastAnswerText();
  await expect(answer.locator('strong')).toHaveText('굵게');
  await expect(answer.locator('table td').first()).toHaveText('가');
  await expect(answer.locator('a[href^="https://example.org"]')).toHaveAttribute(
    'rel',
    'noopener noreferrer',
  );
  await expect(answer.locator('img, script')).toHaveCount(0);
  await expect(answer).toContainText('<img src=x onerror="window.pwned=1">');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(answer.getByRole('button', { name: '코드 복사' })).toBeVisible();
  // Highlighted by the grammar the worker loaded for this block.
  await expect(answer.locator('code.hljs.language-js .hljs-keyword')).toHaveText('const');
});
