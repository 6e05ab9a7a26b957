import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';
import { putStoredRecords } from './stored-records';

/** A second tab of the same browser (one context: one IndexedDB, one set of Web Locks). */
async function secondTab(
  context: BrowserContext,
  scenario: Record<string, string | number> = { loadMs: 50 },
) {
  const tab = new ChatPage(await context.newPage());
  await tab.goto(scenario);
  return tab;
}

/** Takes the model over from the other tab ("이 탭에서 쓰기" or, after losing it, "이 탭으로 가져오기"). */
async function takeModel(tab: ChatPage): Promise<void> {
  const status = tab.page.getByTestId('model-status');
  const load = tab.page.getByRole('button', { name: /모델 불러오기/ });
  if (await load.isVisible()) await load.click();
  await tab.page.getByRole('button', { name: /이 탭에서 쓰기|이 탭으로 가져오기/ }).click();
  await expect(status).toContainText('준비됨');
}

/** The questions stored for the conversation shown, read straight from IndexedDB by a fresh page. */
async function storedQuestions(context: BrowserContext): Promise<string[]> {
  const reader = new ChatPage(await context.newPage());
  await reader.goto({ loadMs: 50 });
  await expect(reader.userMessages.first()).toBeVisible();
  const questions = await reader.userMessages.allTextContents();
  await reader.page.close();
  return questions;
}

const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });

/**
 * Holds a write transaction on the conversation list from another page of the origin until released: every
 * transaction the app's pages start meanwhile waits behind it.
 */
async function holdWrites(context: BrowserContext): Promise<() => Promise<void>> {
  const holder = await context.newPage();
  await holder.goto('manifest.webmanifest');
  await holder.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const opening = indexedDB.open('hangul-llama');
        opening.onerror = () => reject(opening.error ?? new Error('not opened'));
        opening.onsuccess = () => {
          const store = opening.result.transaction('summaries', 'readwrite').objectStore('summaries');
          const flag = globalThis as { released?: boolean };
          const spin = (): void => {
            if (!flag.released) store.get(0).onsuccess = spin;
          };
          spin();
          resolve();
        };
      }),
  );
  return async () => {
    await holder.evaluate(() => {
      (globalThis as { released?: boolean }).released = true;
    });
    await holder.close();
  };
}

test('two tabs taking the model in turn keep every exchange, and each shows the other’s without a reload', async ({
  context,
}) => {
  const a = new ChatPage(await context.newPage());
  await a.open({ tokenDelayMs: 2, loadMs: 50 });
  await a.ask('/echo A의 첫 질문');
  await expect(a.lastAnswer()).toHaveAttribute('data-status', 'complete');

  const b = await secondTab(context, { tokenDelayMs: 2, loadMs: 50 });
  await expect(b.userMessages).toHaveText(['/echo A의 첫 질문']);
  await takeModel(b);
  await b.ask('/echo B의 질문');
  await expect(b.lastAnswer()).toHaveAttribute('data-status', 'complete');
  // A learns of B's exchange without a reload.
  await expect(a.userMessages).toHaveText(['/echo A의 첫 질문', '/echo B의 질문']);

  await takeModel(a);
  await a.ask('/echo A의 두 번째 질문');
  await expect(a.lastAnswerText()).toHaveText('A의 두 번째 질문');
  const all = ['/echo A의 첫 질문', '/echo B의 질문', '/echo A의 두 번째 질문'];
  await expect(a.userMessages).toHaveText(all);
  await expect(b.userMessages).toHaveText(all);
  expect(await storedQuestions(context)).toEqual(all);
});

test('a tab shows another tab’s answer as it streams, never as interrupted, and sees it finish', async ({
  context,
}) => {
  const a = new ChatPage(await context.newPage());
  await a.open({ tokenDelayMs: 25, loadMs: 50 });
  const long = '다른 탭에서 쓰는 중인 답입니다. '.repeat(40);
  await a.ask(`/echo ${long}`);
  await expect.poll(async () => (await a.lastAnswerText().textContent())?.length ?? 0).toBeGreaterThan(40);

  const b = await secondTab(context);
  await expect(b.lastAnswer()).toHaveAttribute('data-status', 'streaming');
  await expect(b.page.getByText('새로 고침으로 중단됨')).toHaveCount(0);
  await expect(a.lastAnswer()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expect(b.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(b.lastAnswerText()).toHaveText(long.trim());
});

test('a rename, a delete and an import in one tab show in the other without a reload', async ({
  context,
}, testInfo) => {
  const a = new ChatPage(await context.newPage());
  await a.open({ tokenDelayMs: 2, loadMs: 50 });
  await a.ask('/echo 이름을 바꿀 대화');
  await expect(a.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await a.page.getByRole('button', { name: '새 대화' }).click();
  await a.ask('/echo 남을 대화');
  await expect(a.lastAnswer()).toHaveAttribute('data-status', 'complete');

  const downloading = a.page.waitForEvent('download');
  await list(a.page).getByRole('button', { name: '전체 백업 내보내기 (JSON)' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await downloading).saveAs(file);

  const b = await secondTab(context);
  await expect(
    list(b.page)
      .getByRole('button', { name: /이름을 바꿀 대화/ })
      .first(),
  ).toBeVisible();

  await list(a.page).getByRole('button', { name: '“/echo 이름을 바꿀 대화” 이름 바꾸기' }).click();
  await list(a.page).getByLabel('새 이름').fill('바뀐 이름');
  await list(a.page).getByLabel('새 이름').press('Enter');
  await expect(
    list(b.page)
      .getByRole('button', { name: /바뀐 이름/ })
      .first(),
  ).toBeVisible();

  await list(a.page).getByRole('button', { name: '“바뀐 이름” 삭제' }).click();
  await expect(list(b.page).getByRole('button', { name: /바뀐 이름/ })).toHaveCount(0);

  await list(a.page).getByTestId('backup-input').setInputFiles(file);
  await expect(list(a.page).getByRole('status').last()).toContainText('새 대화 1개를 더했습니다');
  await expect(
    list(b.page)
      .getByRole('button', { name: /이름을 바꿀 대화/ })
      .first(),
  ).toBeVisible();
});

test('what this version cannot read is listed, kept in a full backup, and survives an import', async ({
  page,
}, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 읽을 수 있는 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  // A conversation as a newer version of the app would have stored it.
  await putStoredRecords(page, {
    conversations: [
      { schema: 99, id: 'from-the-future', title: '미래의 대화', newField: { keep: [1, 2, 3] } },
    ],
    summaries: [{ schema: 99, id: 'from-the-future', title: '미래의 대화', updatedAt: 1, preview: '' }],
  });
  await page.reload();
  const note = list(page).getByRole('note');
  await expect(note).toContainText('읽을 수 없는 대화 1개');
  await expect(note).toContainText('지우지 않고 그대로 보관');

  const downloading = page.waitForEvent('download');
  await list(page).getByRole('button', { name: '전체 백업 내보내기 (JSON)' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await downloading).saveAs(file);
  const backup = JSON.parse(readFileSync(file, 'utf8')) as {
    unreadable: { record: unknown }[];
  };
  expect(backup.unreadable.map(({ record }) => record)).toEqual([
    { schema: 99, id: 'from-the-future', title: '미래의 대화', newField: { keep: [1, 2, 3] } },
  ]);

  await list(page).getByTestId('backup-input').setInputFiles(file);
  await expect(list(page).getByRole('status').last()).toContainText('그대로 두었습니다');
  await page.reload();
  await expect(list(page).getByRole('note')).toContainText('읽을 수 없는 대화 1개');
  await expect(
    list(page)
      .getByRole('button', { name: /읽을 수 있는 대화/ })
      .first(),
  ).toBeVisible();
});

test('an import keeps a conversation that is newer here, and says so', async ({ page }, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 백업 전의 질문');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const downloading = page.waitForEvent('download');
  await list(page).getByRole('button', { name: '전체 백업 내보내기 (JSON)' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await downloading).saveAs(file);

  await chat.ask('/echo 백업 뒤의 질문');
  await expect(chat.lastAnswerText()).toHaveText('백업 뒤의 질문');
  await list(page).getByTestId('backup-input').setInputFiles(file);
  await expect(list(page).getByRole('status').last()).toContainText(
    '대화 1개는 이 브라우저의 것이 같거나 더 새로워 그대로 두었습니다',
  );
  await page.reload();
  await expect(chat.userMessages).toHaveText(['/echo 백업 전의 질문', '/echo 백업 뒤의 질문']);
});

test('an answer that overflows the window after it began leaves no exchange behind, even after a reload', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 30, loadMs: 50, generateError: 'context-window-exceeded:4' });
  await chat.ask('/echo 창이 넘치기 전까지 몇 글자가 보이다가 사라집니다');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(chat.userMessages).toHaveCount(0);
  // Taken out of storage too, which the list says once it is done.
  await expect(page.getByText('저장된 대화가 없습니다.').first()).toBeVisible();
  await page.reload();
  await expect(page.getByText('저장된 대화가 없습니다.').first()).toBeVisible();
  await expect(chat.userMessages).toHaveCount(0);
});

test('a reload before the overflowing exchange is out of storage does not bring it back', async ({
  page,
  context,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 300, loadMs: 50, generateError: 'context-window-exceeded:4' });
  await chat.ask('/echo 창이 넘치자마자 새로 고침합니다');
  await expect(
    list(page)
      .getByRole('button', { name: /넘치자마자/ })
      .first(),
  ).toBeVisible();
  // Another page holds IndexedDB: the delete waits, and the reload drops it, as Chromium drops a closing
  // page's transactions.
  const release = await holdWrites(context);
  await expect(page.getByRole('alert')).toBeVisible();
  await page.reload();
  await release();
  await expect(page.getByText('저장된 대화가 없습니다.').first()).toBeVisible();
  await expect(chat.userMessages).toHaveCount(0);
  await expect(page.getByText(/넘치자마자/)).toHaveCount(0);
});

test('a message refused for its length does not name the conversation', async ({ page }) => {
  const chat = new ChatPage(page);
  // Half the window is kept for the answer: 176 tokens are left for the prompt.
  await chat.open({ tokenDelayMs: 2, loadMs: 50, contextWindow: 352 });
  // Short enough for the composer's cheap estimate to let it through; the engine counts it and refuses it.
  await chat.ask(`거절될 아주 긴 메시지 ${'가나다라 '.repeat(50)}`);
  await expect(page.getByRole('alert')).toBeVisible();
  await chat.input.fill('/echo 짧은 질문');
  await chat.input.press('Enter');
  await expect(chat.lastAnswerText()).toHaveText('짧은 질문');
  await expect(
    list(page)
      .getByRole('button', { name: /짧은 질문/ })
      .first(),
  ).toBeVisible();
  await expect(list(page).getByRole('button', { name: /거절될/ })).toHaveCount(0);
});
