import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';
import {
  allowWrites,
  failWrites,
  installStorageFaults,
  overrideQuota,
  storageRefuses,
} from './storage-faults';

// Storage that refuses: each failure is told within a few seconds, nothing on screen is lost, saving resumes by
// itself once writes succeed again, and a reload shows what the app said was kept.

const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });
const notice = (page: Page) => page.getByTestId('storage-notice');
const TOLD_WITHIN = { timeout: 5000 };

/** Fails the test on any uncaught error of the page (an import's QuotaExceededError once was one). */
function noPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test.beforeEach(async ({ page }) => {
  await installStorageFaults(page);
});

test('a message sent while storage is full stays on screen, is told as not saved, and is saved once space frees', async ({
  page,
}) => {
  const errors = noPageErrors(page);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await failWrites(page, 'quota');
  await chat.ask('/echo 디스크가 가득 찼을 때의 질문');
  await expect(notice(page)).toContainText('저장 공간이 가득 차서 대화를 저장하지 못했습니다', TOLD_WITHIN);
  await expect(notice(page)).toContainText('아직 저장되지 않았습니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(chat.lastAnswerText()).toHaveText('디스크가 가득 찼을 때의 질문');
  // Nothing is listed that is not stored.
  await expect(list(page).getByRole('button', { name: /디스크가 가득/ })).toHaveCount(0);

  await allowWrites(page);
  // No message sent, no click: the saver tries again by itself.
  await expect(notice(page)).toHaveCount(0, { timeout: 20_000 });
  await expect(
    list(page)
      .getByRole('button', { name: /디스크가 가득/ })
      .first(),
  ).toBeVisible();
  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText('디스크가 가득 찼을 때의 질문');
  expect(errors).toEqual([]);
});

test('a new conversation left while storage is full is listed after a reload once space frees, not lost', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await failWrites(page, 'quota');
  await chat.ask('/echo 저장되지 못한 새 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(notice(page)).toContainText('저장하지 못했습니다', TOLD_WITHIN);

  // Still full after the reload: what the app said (not saved) holds: nothing is listed.
  await page.reload();
  await expect(page.getByRole('button', { name: '모델 불러오기' })).toBeVisible();
  await expect(list(page).getByRole('button', { name: /저장되지 못한 새 대화/ })).toHaveCount(0);

  // Space frees: what the closing page wrote is stored whole, header and all, and listed.
  await allowWrites(page);
  await page.reload();
  await expect(
    list(page)
      .getByRole('button', { name: /저장되지 못한 새 대화/ })
      .first(),
  ).toBeVisible();
  await expect(chat.lastAnswerText()).toHaveText('저장되지 못한 새 대화');
});

test('an answer whose saves start failing while it streams is told at once, and finished whole once space frees', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  const text = '스트리밍 중에 저장이 실패해도 답변은 끝까지 화면에 남습니다. '.repeat(8).trim();
  await chat.ask(`/echo ${text}`);
  await expect(chat.lastAnswerText()).toContainText('스트리밍 중에');
  await expect(
    list(page)
      .getByRole('button', { name: /스트리밍 중에/ })
      .first(),
  ).toBeVisible();
  await failWrites(page, 'quota');
  await expect(notice(page)).toContainText('저장하지 못했습니다', TOLD_WITHIN);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'streaming');

  await allowWrites(page);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expect(notice(page)).toHaveCount(0, { timeout: 20_000 });
  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText(text);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
});

test('a rename storage refuses leaves the stored title listed, says so, and lands by itself later', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 이름을 바꿀 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await failWrites(page, 'quota');

  await list(page)
    .getByRole('button', { name: /이름 바꾸기/ })
    .click();
  await list(page).getByLabel('새 이름').fill('여행 계획');
  await list(page).getByLabel('새 이름').press('Enter');
  await expect(notice(page)).toContainText('저장하지 못했습니다', TOLD_WITHIN);
  await expect(list(page).getByRole('button', { name: /여행 계획/ })).toHaveCount(0);
  await page.reload();
  await expect(
    list(page)
      .getByRole('button', { name: /이름을 바꿀 대화/ })
      .first(),
  ).toBeVisible();

  // The same rename again, then space frees: it is written without another word from the user.
  await list(page)
    .getByRole('button', { name: /이름 바꾸기/ })
    .click();
  await list(page).getByLabel('새 이름').fill('여행 계획');
  await list(page).getByLabel('새 이름').press('Enter');
  await expect(notice(page)).toBeVisible(TOLD_WITHIN);
  await allowWrites(page);
  await expect(
    list(page)
      .getByRole('button', { name: /여행 계획/ })
      .first(),
  ).toBeVisible({ timeout: 20_000 });
  await expect(notice(page)).toHaveCount(0);
  await page.reload();
  await expect(
    list(page)
      .getByRole('button', { name: /여행 계획/ })
      .first(),
  ).toBeVisible();
});

test('a delete storage refuses keeps the conversation listed and on screen, and “다시 시도” deletes it', async ({
  page,
}) => {
  const errors = noPageErrors(page);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 지우려는 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await failWrites(page, 'failure');

  await list(page).getByRole('button', { name: '“/echo 지우려는 대화” 삭제' }).click();
  await expect(notice(page)).toContainText('대화를 삭제하지 못했습니다', TOLD_WITHIN);
  await expect(
    list(page)
      .getByRole('button', { name: /지우려는 대화/ })
      .first(),
  ).toBeVisible();
  await expect(chat.lastAnswerText()).toHaveText('지우려는 대화');
  await expect(list(page).getByRole('button', { name: '되돌리기' })).toHaveCount(0);

  await allowWrites(page);
  await notice(page).getByRole('button', { name: '다시 시도' }).click();
  await expect(notice(page)).toHaveCount(0);
  await expect(list(page).getByRole('button', { name: /지우려는 대화/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: '모델 불러오기' })).toBeVisible();
  await expect(list(page).getByRole('button', { name: /지우려는 대화/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a newer version of the app that upgraded the database is named, before and after a reload, with a reload offered', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 옛 버전에서 쓴 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

  // What a newer version does when it opens: it upgrades the database (this tab lets go of its connection).
  await page.evaluate(async () => {
    const current = (await indexedDB.databases()).find(({ name }) => name === 'hangul-llama')?.version ?? 1;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('hangul-llama', current + 1);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error ?? new Error('upgrade failed'));
    });
  });
  await chat.ask('/echo 업그레이드 뒤의 질문');
  await expect(notice(page)).toContainText('새 버전이 다른 탭에서 열리면서', TOLD_WITHIN);
  await expect(notice(page)).not.toContainText('저장 공간');
  await expect(chat.userMessages.last()).toHaveText('/echo 업그레이드 뒤의 질문');

  await notice(page).getByRole('button', { name: '새로 고침' }).click();
  await expect(notice(page)).toContainText('새 버전이 다른 탭에서 열리면서', TOLD_WITHIN);
});

test('the database deleted under a tab that is answering leaves the screen as it is, and saves it again', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  const text = '저장소가 지워져도 화면의 답변은 그대로 이어집니다. '.repeat(6).trim();
  await chat.ask(`/echo ${text}`);
  await expect(
    list(page)
      .getByRole('button', { name: /저장소가 지워져도/ })
      .first(),
  ).toBeVisible();
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('hangul-llama');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error ?? new Error('delete failed'));
      }),
  );
  await expect(notice(page)).toContainText('저장된 대화가 지워졌습니다', TOLD_WITHIN);
  await expect(chat.userMessages.last()).toHaveText(`/echo ${text}`);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expect(chat.lastAnswerText()).toHaveText(text);
  await expect(
    list(page)
      .getByRole('button', { name: /저장소가 지워져도/ })
      .first(),
  ).toBeVisible();

  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText(text);
});

test('the real thing: Chromium’s quota made full through CDP refuses a send, and the answer is saved once it frees', async ({
  playwright,
  baseURL,
}, testInfo) => {
  // Chromium reads an origin's quota again about every 30 s: the override can take that long to bite.
  test.setTimeout(120_000);
  // Chromium applies a quota override to a profile on disk only, not to Playwright's usual incognito contexts.
  const context = await playwright.chromium.launchPersistentContext(testInfo.outputPath('profile'), {
    ...testInfo.project.use.launchOptions,
    locale: 'ko-KR',
    ...(baseURL === undefined ? {} : { baseURL }),
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const chat = new ChatPage(page);
    await chat.open({ tokenDelayMs: 2, loadMs: 50 });
    await chat.ask('/echo 공간이 있을 때의 질문');
    await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

    await overrideQuota(page, 1);
    await expect.poll(() => storageRefuses(page), { timeout: 60_000, intervals: [1000] }).toBe(true);
    await chat.ask('/echo 공간이 없을 때의 질문');
    await expect(notice(page)).toContainText('저장 공간이 가득 차서', TOLD_WITHIN);
    await expect(notice(page)).toContainText('QuotaExceededError');
    await expect(chat.lastAnswerText()).toHaveText('공간이 없을 때의 질문');

    await overrideQuota(page, undefined);
    await expect(notice(page)).toHaveCount(0, { timeout: 20_000 });
    await page.reload();
    await expect(chat.userMessages).toHaveText([
      '/echo 공간이 있을 때의 질문',
      '/echo 공간이 없을 때의 질문',
    ]);
    await expect(chat.lastAnswerText()).toHaveText('공간이 없을 때의 질문');
  } finally {
    await context.close();
  }
});
