import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';
import { putStoredRecords } from './stored-records';

// The smaller failures of issue 11, each as a user meets it in the end-to-end build.

const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });

test('an answer cut off by a reload shows no made-up statistics', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 20, loadMs: 50 });
  await chat.ask(`/echo ${'끊길 답변입니다. '.repeat(80)}`);
  await expect.poll(async () => (await chat.lastAnswerText().textContent())?.length ?? 0).toBeGreaterThan(40);
  await page.reload();
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'stopped');
  await expect(chat.lastAnswer()).toContainText('새로 고침으로 중단됨');
  await expect(chat.lastAnswer()).not.toContainText('토큰 0개');
  await expect(chat.lastAnswer()).not.toContainText('토큰/초');
});

test('a failed answer shows the engine’s own message under “자세한 내용”', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 10, generateError: 'device-lost:4' });
  await chat.ask('/echo 가나다라마바사아자차카타파하');
  const alert = chat.lastAnswer().getByRole('alert');
  await expect(alert).toContainText('GPU 연결이 끊어졌습니다');
  await alert.getByText('자세한 내용').click();
  await expect(alert).toContainText('Scripted failure after 4 pieces: device-lost');
});

test('a backup over the size limit is called too large, not damaged, and changes nothing', async ({
  page,
}, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 남아 있을 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  // Playwright takes a buffer of at most 50 MB; a file on disk has no such limit.
  const file = testInfo.outputPath('huge-backup.json');
  writeFileSync(file, `{"format":"hangul-llama-backup","version":1,"pad":"${'a'.repeat(68_000_000)}"}`);
  await list(page).getByTestId('backup-input').setInputFiles(file);
  const alert = list(page).getByRole('alert');
  await expect(alert).toContainText('백업 파일이 너무 커서 가져오지 않았습니다', { timeout: 30_000 });
  await expect(alert).not.toContainText('손상');
  await expect(
    list(page)
      .getByRole('button', { name: /남아 있을 대화/ })
      .first(),
  ).toBeVisible();
});

test('a stored conversation whose date is no date never reads “Invalid Date”', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 날짜가 있는 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  // What a damaged record or a clock far off once wrote: a time no Date can show.
  await putStoredRecords(page, {
    summaries: [{ schema: 2, id: 'far-future', title: '먼 미래의 대화', updatedAt: 1e308, preview: '' }],
  });
  await page.reload();
  await expect(
    list(page)
      .getByRole('button', { name: /날짜가 있는 대화/ })
      .first(),
  ).toBeVisible();
  await expect(list(page).getByRole('note')).toContainText('읽을 수 없는 대화 1개');
  await expect(page.locator('body')).not.toContainText('Invalid Date');
});

test('the Markdown export writes an answer’s raw HTML as text, never as markup', async ({
  page,
}, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 그림 <img src=x onerror=alert(1)> 과 <b>굵게</b>');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const downloading = page.waitForEvent('download');
  await list(page).getByRole('button', { name: '이 대화를 Markdown으로 내보내기' }).click();
  const file = testInfo.outputPath('conversation.md');
  await (await downloading).saveAs(file);
  const markdown = readFileSync(file, 'utf8');
  // Escaping the `<` is enough: no reader takes `&lt;img …>` for a tag.
  expect(markdown).toContain('&lt;img src=x onerror=alert(1)>');
  expect(markdown).not.toContain('<img');
  expect(markdown).not.toContain('<b>');
});
