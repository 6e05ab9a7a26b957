import { writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { hangulNoise } from '../../src/test/hangul-noise';
import { backupFileOf, type BackupConversation } from './backup-file';
import { ChatPage } from './chat-page';
import { allowWrites, failWrites, installStorageFaults, quotaFromTheStart } from './storage-faults';

// Issue 26: an import is written whole or not at all, and always ends with a message that says which.

const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });

/** What the page threw and nobody caught (an unhandled rejection included), from now on. */
function uncaughtErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return errors;
}

const conversations: readonly BackupConversation[] = [
  { id: 'first', title: '백업의 첫째 대화', exchanges: [{ question: '첫째 질문', answer: '첫째 답' }] },
  { id: 'second', title: '백업의 둘째 대화', exchanges: [{ question: '둘째 질문', answer: '둘째 답' }] },
  { id: 'third', title: '백업의 셋째 대화', exchanges: [{ question: '셋째 질문', answer: '셋째 답' }] },
];

async function importFile(page: Page, buffer: Buffer): Promise<void> {
  await list(page).getByTestId('backup-input').setInputFiles({
    name: 'backup.json',
    mimeType: 'application/json',
    buffer,
  });
}

/** A conversation asked, answered and stored, on screen after a reload: what an import must not lose. */
async function storedConversationOnScreen(page: Page): Promise<ChatPage> {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 화면에 있는 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText('화면에 있는 대화');
  await expect(
    list(page)
      .getByRole('button', { name: /화면에 있는 대화/ })
      .first(),
  ).toBeVisible();
  return chat;
}

/** The screen and the stored list hold the conversation that was there, and nothing of the backup. */
async function expectNothingImported(page: Page, chat: ChatPage): Promise<void> {
  await expect(chat.userMessages).toHaveText(['/echo 화면에 있는 대화']);
  await expect(chat.lastAnswerText()).toHaveText('화면에 있는 대화');
  await expect(list(page).getByRole('button', { name: /백업의/ })).toHaveCount(0);
  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText('화면에 있는 대화');
  await expect(
    list(page)
      .getByRole('button', { name: /화면에 있는 대화/ })
      .first(),
  ).toBeVisible();
  await expect(list(page).getByRole('button', { name: /백업의/ })).toHaveCount(0);
  await expect(list(page).getByRole('note')).toHaveCount(0);
}

for (const { fault, message } of [
  { fault: 'quota', message: '저장 공간이 부족해 백업을 가져오지 못했습니다' },
  { fault: 'failure', message: '백업을 저장하지 못해 가져오지 않았습니다' },
] as const) {
  test(`an import whose transaction fails (${fault}) writes nothing, says why, and loses nothing on screen`, async ({
    page,
  }) => {
    const errors = uncaughtErrors(page);
    await installStorageFaults(page);
    const chat = await storedConversationOnScreen(page);
    await failWrites(page, fault);
    await importFile(page, backupFileOf(conversations));
    const alert = list(page).getByRole('alert');
    await expect(alert).toContainText(message, { timeout: 5_000 });
    await expect(alert).toContainText('아무것도 바뀌지 않았습니다');
    await allowWrites(page);
    await expectNothingImported(page, chat);

    // Once writes go through again, the same file comes in whole.
    await importFile(page, backupFileOf(conversations));
    await expect(list(page).getByRole('status').last()).toContainText('새 대화 3개를 더했습니다');
    expect(errors).toEqual([]);
  });
}

test.describe('with a small quota', () => {
  // The service worker's cache of the app would take the room the test measures out.
  test.use({ serviceWorkers: 'block' });

  test('an import larger than the storage left (the browser’s quota) writes nothing and says storage is full', async ({
    page,
    baseURL,
  }) => {
    const errors = uncaughtErrors(page);
    await quotaFromTheStart(page, baseURL ?? '', 1_000_000);
    const chat = await storedConversationOnScreen(page);
    // Noise: Chromium compresses what it stores, and a repeated sentence would take almost no room.
    const long = { question: '아주 긴 답', answer: hangulNoise(1_000_000, 26) };
    await importFile(
      page,
      backupFileOf([...conversations, { id: 'long', title: '백업의 긴 대화', exchanges: [long] }]),
    );
    const alert = list(page).getByRole('alert');
    await expect(alert).toContainText('저장 공간이 부족해 백업을 가져오지 못했습니다', { timeout: 5_000 });
    await expect(alert).toContainText('QuotaExceededError');
    await expectNothingImported(page, chat);
    // The backup without the long conversation fits.
    await importFile(page, backupFileOf(conversations));
    await expect(list(page).getByRole('status').last()).toContainText('새 대화 3개를 더했습니다');
    expect(errors).toEqual([]);
  });
});

/** The import refused as a damaged file, naming where, with nothing of it stored or shown. */
async function expectRefusedAsDamaged(page: Page, chat: ChatPage, where: string): Promise<void> {
  const alert = list(page).getByRole('alert');
  await expect(alert).toContainText('백업 파일이 손상되었거나 수정되었습니다', { timeout: 5_000 });
  await expect(alert).toContainText(where);
  await expectNothingImported(page, chat);
}

test('a backup whose unreadable record lacks the keys it is stored by is refused whole, and says where', async ({
  page,
}) => {
  const errors = uncaughtErrors(page);
  const chat = await storedConversationOnScreen(page);
  await importFile(
    page,
    backupFileOf(conversations, [
      { record: { id: 'from-the-future', schema: 99 }, versions: [{ schema: 99, text: '키가 없는 버전' }] },
    ]),
  );
  await expectRefusedAsDamaged(page, chat, 'unreadable[0].versions[0].conversationId');
  expect(errors).toEqual([]);
});

test('a backup whose unreadable record nests 20,000 levels deep is refused whole', async ({ page }) => {
  const errors = uncaughtErrors(page);
  const chat = await storedConversationOnScreen(page);
  const deep = `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`;
  // Spliced in as text: the test's own JSON.stringify would have to recurse as deep.
  const file = backupFileOf(conversations, [
    { record: { id: 'deep', schema: 99, value: 'DEEP' }, versions: [] },
  ])
    .toString()
    .replace('"DEEP"', deep);
  await importFile(page, Buffer.from(file));
  await expectRefusedAsDamaged(page, chat, 'unreadable[0].record: nested more than 100 levels deep');
  expect(errors).toEqual([]);
});

test('a conversation a backup holds both readable and unreadable comes in readable, as the report says', async ({
  page,
}) => {
  const errors = uncaughtErrors(page);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  const [first] = conversations;
  await importFile(
    page,
    backupFileOf(conversations.slice(0, 1), [
      { record: { id: first?.id, schema: 99, title: '읽을 수 없는 사본' }, versions: [] },
    ]),
  );
  const status = list(page).getByRole('status').last();
  await expect(status).toContainText('새 대화 1개를 더했습니다', { timeout: 5_000 });
  await expect(status).toContainText('대화 1개는 읽을 수 있는 사본만 가져왔습니다');
  await expect(status).not.toContainText('그대로 보관');
  await page.reload();
  await expect(list(page).getByRole('note')).toHaveCount(0);
  await list(page)
    .getByRole('button', { name: /백업의 첫째 대화/ })
    .first()
    .click();
  await expect(chat.userMessages).toHaveText(['첫째 질문']);
  await expect(chat.lastAnswerText()).toHaveText('첫째 답');
  expect(errors).toEqual([]);
});

test('a backup of 100 MB is refused as too large before any of it is read', async ({ page }, testInfo) => {
  const errors = uncaughtErrors(page);
  // Counts every way the page could read a file's contents.
  await page.addInitScript(() => {
    const reads: string[] = [];
    Reflect.set(window, 'fileReads', reads);
    const count = (target: object, names: readonly string[], kind: string) => {
      for (const name of names) {
        const original: unknown = Reflect.get(target, name);
        if (typeof original !== 'function') continue;
        Object.defineProperty(target, name, {
          configurable: true,
          writable: true,
          value(this: unknown, ...args: unknown[]): unknown {
            reads.push(`${kind}.${name}`);
            return Reflect.apply(original as (...args: unknown[]) => unknown, this, args);
          },
        });
      }
    };
    count(Blob.prototype, ['text', 'arrayBuffer', 'bytes', 'stream', 'slice'], 'Blob');
    count(
      FileReader.prototype,
      ['readAsText', 'readAsArrayBuffer', 'readAsDataURL', 'readAsBinaryString'],
      'FileReader',
    );
  });
  const chat = await storedConversationOnScreen(page);
  const file = testInfo.outputPath('100-mb-backup.json');
  writeFileSync(file, Buffer.alloc(100_000_000, ' '));
  await list(page).getByTestId('backup-input').setInputFiles(file);
  const alert = list(page).getByRole('alert');
  await expect(alert).toContainText('백업 파일이 너무 커서 가져오지 않았습니다', { timeout: 5_000 });
  expect(await page.evaluate(() => Reflect.get(window, 'fileReads') as unknown)).toEqual([]);
  await expect(chat.lastAnswerText()).toHaveText('화면에 있는 대화');
  expect(errors).toEqual([]);
});
