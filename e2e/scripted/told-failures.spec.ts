import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';
import { putStoredRecords, readStoredRecords } from './stored-records';

// Smaller failures of issue 26, each told to the user instead of passed over in silence.

const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });

interface StoredVersion {
  readonly conversationId: string;
  readonly id: string;
  readonly question: string;
  readonly answer: Record<string, unknown>;
}

test('a conversation with a damaged record says it cannot be opened, is listed as unreadable and kept', async ({
  page,
}, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 손상될 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask('/echo 둘째 답');
  await expect(chat.answers).toHaveCount(2);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await list(page).getByRole('button', { name: '새 대화' }).click();
  await chat.ask('/echo 멀쩡한 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

  // One version record of the first conversation, as damage would leave it: its answer's text is no text.
  const versions = (await readStoredRecords(page, 'versions')) as StoredVersion[];
  const second = versions.find(({ question }) => question === '/echo 둘째 답');
  if (!second) throw new Error('the second exchange was not stored');
  const damaged = { ...second, answer: { ...second.answer, content: 42 } };
  await putStoredRecords(page, { versions: [damaged] });

  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await expect(chat.userMessages).toHaveText(['/echo 멀쩡한 대화']);
  await list(page)
    .getByRole('button', { name: /손상될 대화/ })
    .first()
    .click();
  const alert = page.getByRole('alert').filter({ hasText: '열 수 없습니다' });
  await expect(alert).toContainText('“/echo 손상될 대화” 대화는 저장된 기록 일부가 손상되어 열 수 없습니다');
  await expect(alert).toContainText('전체 백업에도 그대로 들어갑니다');
  await expect(list(page).getByRole('note')).toContainText('읽을 수 없는 대화 1개');
  await expect(list(page).getByRole('button', { name: /손상될 대화/ })).toHaveCount(0);
  await expect(chat.userMessages).toHaveText(['/echo 멀쩡한 대화']);

  // A full backup keeps the whole conversation as stored, the damaged record with it.
  const downloading = page.waitForEvent('download');
  await list(page).getByRole('button', { name: '전체 백업 내보내기 (JSON)' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await downloading).saveAs(file);
  const backup = JSON.parse(readFileSync(file, 'utf8')) as {
    conversations: { title: string }[];
    unreadable: { record: { id: string }; versions: unknown[] }[];
  };
  expect(backup.conversations.map(({ title }) => title)).toEqual(['/echo 멀쩡한 대화']);
  expect(backup.unreadable).toHaveLength(1);
  expect(backup.unreadable[0]?.record.id).toBe(second.conversationId);
  expect(backup.unreadable[0]?.versions).toHaveLength(2);
  expect(backup.unreadable[0]?.versions).toContainEqual(damaged);

  // Later saves leave it as it is, and it stays listed as unreadable.
  await chat.ask('/echo 나중 저장');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await page.reload();
  await expect(list(page).getByRole('note')).toContainText('읽을 수 없는 대화 1개');
  const after = (await readStoredRecords(page, 'versions')) as StoredVersion[];
  expect(after).toContainEqual(damaged);
  expect(after.filter(({ conversationId }) => conversationId === second.conversationId)).toHaveLength(2);
});

test('an answer the clipboard refuses to copy says so and offers its text selected', async ({ page }) => {
  // What a browser whose clipboard permission was denied does.
  await page.addInitScript(() => {
    Clipboard.prototype.writeText = () =>
      Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 복사할 답변\n\n```\nnpm start\n```');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await chat.lastAnswer().getByRole('button', { name: '복사', exact: true }).click();
  await expect(chat.lastAnswer().getByRole('alert')).toContainText('클립보드에 복사하지 못했습니다');
  const box = chat.lastAnswer().getByRole('textbox', { name: '복사할 글' });
  await expect(box).toBeFocused();
  await expect(box).toHaveValue('복사할 답변\n\n```\nnpm start\n```');
  expect(
    await box.evaluate((element: HTMLTextAreaElement) =>
      element.value.slice(element.selectionStart, element.selectionEnd),
    ),
  ).toBe('복사할 답변\n\n```\nnpm start\n```');
  await chat.lastAnswer().getByRole('button', { name: '닫기' }).click();
  await expect(box).toHaveCount(0);

  // A code block's own button selects the code where it is. Its text is its name, which the failure changes.
  await chat.lastAnswer().getByRole('button', { name: '코드 복사' }).click();
  const copyCode = chat.lastAnswer().locator('button.code-copy');
  await expect(copyCode).toHaveText('복사하지 못했습니다. 코드를 선택해 두었으니 직접 복사하세요.');
  expect(await page.evaluate(() => window.getSelection()?.toString())).toBe('npm start');
});

test.describe('after a deployment took the Markdown chunk away', () => {
  // The service worker would serve the chunk from its cache: here the tab asks the host, which has it no more.
  test.use({ serviceWorkers: 'block' });

  test('an answer says its formatting could not be loaded and offers a reload', async ({ page }) => {
    const gone = (url: URL): boolean => /\/markdown-view-[\w-]+\.js$/.test(url.pathname);
    await page.route(gone, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    const chat = new ChatPage(page);
    await chat.open({ tokenDelayMs: 2, loadMs: 50 });
    await chat.ask('/echo **굵게** 쓴 답');
    await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
    const note = chat.lastAnswer().getByRole('note');
    await expect(note).toContainText('서식을 불러오지 못해 답변을 일반 텍스트로 보여 줍니다');
    await expect(chat.lastAnswerText()).toHaveText('**굵게** 쓴 답');

    await page.unroute(gone);
    await note.getByRole('button', { name: '새로 고침' }).click();
    await expect(chat.lastAnswerText().locator('strong')).toHaveText('굵게');
    await expect(chat.lastAnswer().getByRole('note')).toHaveCount(0);
  });
});
