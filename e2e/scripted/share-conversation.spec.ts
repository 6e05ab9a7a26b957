import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { crc32, toBase64Url } from '../../src/conversation/formats/link-bytes';
import { deflateBomb } from '../../src/test/deflate-bomb';
import { backupFile } from './backup-file';
import { ChatPage } from './chat-page';
import { copyConversationLink, copyingLinks, fragmentOf, noise } from './share-link';
import { recordWebShare, sharedData } from '../web-share';

const sharedView = (page: Page) => page.getByRole('region', { name: /공유받은 대화/ });
const conversationList = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });

/** A browser profile of its own: nothing stored, nothing cached, as on the receiver's device. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'ko-KR' });
  return context.newPage();
}

/** A conversation of two exchanges, shared by copying its link: the link. */
async function sharedConversation(page: Page, baseURL: string): Promise<string> {
  await copyingLinks(page.context(), baseURL);
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 50, tokenDelayMs: 2 });
  await chat.ask('/echo 첫 답은 **굵은 말**로 끝납니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask('/echo 두 번째 답에는 `코드`가 있습니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  return copyConversationLink(page);
}

test('a conversation shared as a link opens in a fresh profile, read-only, and leaves the address bar', async ({
  page,
  browser,
  baseURL,
}) => {
  const base = baseURL ?? '';
  const link = await sharedConversation(page, base);
  // The app's own address (no scenario query of the sender's page) and the conversation after the #.
  expect(link).toMatch(new RegExp(`^${base}#share=1\\.\\d+\\.[0-9a-f]{8}\\.[A-Za-z0-9_-]+$`));

  const receiver = await freshPage(browser);
  await receiver.goto(link);
  const view = sharedView(receiver);
  await expect(view).toContainText('누가 보냈는지 확인할 수 없습니다');
  await expect(view.getByRole('heading', { level: 2 })).toContainText('/echo 첫 답은 **굵은 말**로 끝납니다');
  await expect(view.locator('li[data-role="assistant"] strong')).toHaveText('굵은 말');
  await expect(view.locator('li[data-role="assistant"] code')).toHaveText('코드');
  await expect(view.locator('li[data-role="user"]')).toHaveCount(2);
  await expect(receiver.getByRole('textbox', { name: '메시지 입력' })).toHaveCount(0);
  await expect(view.getByRole('button', { name: '다시 생성' })).toHaveCount(0);
  // Read once, then gone from the address bar.
  expect(receiver.url()).toBe(base);

  await view.getByRole('button', { name: '닫기' }).click();
  await expect(sharedView(receiver)).toHaveCount(0);
  await expect(receiver.getByRole('heading', { name: '무엇이든 물어보세요' })).toBeVisible();
  await expect(conversationList(receiver)).toContainText('저장된 대화가 없습니다.');
  await receiver.reload();
  await expect(receiver.getByRole('heading', { name: '무엇이든 물어보세요' })).toBeVisible();
  await expect(sharedView(receiver)).toHaveCount(0);
  // The entry was replaced, not added to: one back is the blank page the profile started on, and the
  // history holds no conversation to come back to.
  expect(await receiver.evaluate(() => history.length)).toBe(2);
  await receiver.goBack();
  expect(receiver.url()).toBe('about:blank');
  await receiver.goForward();
  expect(receiver.url()).toBe(base);
  await expect(receiver.getByRole('heading', { name: '무엇이든 물어보세요' })).toBeVisible();
  await expect(sharedView(receiver)).toHaveCount(0);

  // A link pasted into a tab that already shows the app changes only the fragment; it opens all the same.
  await receiver.evaluate((hash) => (location.hash = hash), fragmentOf(link));
  await expect(sharedView(receiver)).toBeVisible();
  await expect.poll(() => receiver.url()).toBe(base);
  await receiver.context().close();
});

test('with the Web Share API, the link goes to it', async ({ page }) => {
  await recordWebShare(page);
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 50, tokenDelayMs: 2 });
  await chat.ask('/echo 웹 공유로 보냅니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await page.getByRole('button', { name: '이 대화 공유' }).click();
  await expect(page.getByTestId('share-conversation-status')).toHaveText(
    /^대화 링크를 공유했습니다 \([\d,]+자\)$/,
  );
  const [data] = await sharedData(page);
  expect(data).toMatchObject({ title: '/echo 웹 공유로 보냅니다', text: '한글 라마에서 공유한 대화' });
  expect(data?.url).toMatch(/#share=1\./);
});

test('a shared conversation saved in a fresh profile is a conversation of the receiver’s, continued with the model', async ({
  page,
  browser,
  baseURL,
}) => {
  const base = baseURL ?? '';
  const link = await sharedConversation(page, base);
  const receiver = await freshPage(browser);
  await receiver.goto(`${base}?loadMs=50&tokenDelayMs=2${fragmentOf(link)}`);
  expect(receiver.url()).toBe(`${base}?loadMs=50&tokenDelayMs=2`);
  await sharedView(receiver).getByRole('button', { name: '내 대화로 저장' }).click();
  await expect(sharedView(receiver)).toHaveCount(0);
  const list = conversationList(receiver);
  await expect(list.getByRole('button', { name: /첫 답은/ }).first()).toBeVisible();

  const chat = new ChatPage(receiver);
  await expect(chat.answers).toHaveCount(2);
  await receiver.getByRole('button', { name: '모델 불러오기' }).click();
  await expect(receiver.getByTestId('model-status')).toContainText('준비됨');
  await chat.ask('/echo 받은 대화를 이어 갑니다');
  await expect(chat.lastAnswerText()).toHaveText('받은 대화를 이어 갑니다');
  await receiver.reload();
  await expect(chat.answers).toHaveCount(3);
  await expect(chat.lastAnswerText()).toHaveText('받은 대화를 이어 갑니다');
  await receiver.context().close();
});

test('saving a link in the browser it was made in adds a conversation, and leaves the original as it was', async ({
  page,
  baseURL,
}) => {
  const base = baseURL ?? '';
  const link = await sharedConversation(page, base);
  // The page's own address with the link's fragment: opened in place, the model still loaded.
  await page.goto(`${base}?loadMs=50&tokenDelayMs=2${fragmentOf(link)}`);
  await sharedView(page).getByRole('button', { name: '내 대화로 저장' }).click();
  const list = conversationList(page);
  await expect(list.getByRole('listitem').filter({ hasText: '첫 답은' })).toHaveCount(2);

  const chat = new ChatPage(page);
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await chat.ask('/echo 사본에만 더합니다');
  await expect(chat.lastAnswerText()).toHaveText('사본에만 더합니다');
  await page.reload();
  // The older of the two (listed last) is the original: two exchanges, as before.
  const entries = list.getByRole('listitem').filter({ hasText: '첫 답은' });
  await entries.last().getByRole('button').first().click();
  await expect(chat.answers).toHaveCount(2);
  await entries.first().getByRole('button').first().click();
  await expect(chat.answers).toHaveCount(3);
});

async function importConversation(page: Page, title: string, answer: string): Promise<void> {
  const list = conversationList(page);
  await list.getByTestId('backup-input').setInputFiles({
    name: 'backup.json',
    mimeType: 'application/json',
    buffer: backupFile({ id: title, title, exchanges: [{ question: '길게 말해 주세요', answer }] }),
  });
  await expect(list.getByRole('status').last()).toContainText('새 대화 1개를 더했습니다', {
    timeout: 30_000,
  });
  await list.getByRole('button', { name: new RegExp(`^${title} `) }).click();
  await expect(page.locator('li[data-role="user"]')).toContainText('길게 말해 주세요');
}

test('past what messengers keep, a link comes with a warning and the offer of a file; past what Chromium opens, only the file', async ({
  page,
  baseURL,
}) => {
  const base = baseURL ?? '';
  test.setTimeout(90_000);
  await copyingLinks(page.context(), base);
  await page.goto('./');
  await importConversation(page, '긴 대화', noise(20_000));

  await page.getByRole('button', { name: '이 대화 공유' }).click();
  const panel = page.getByRole('dialog', { name: '대화 공유' });
  await expect(panel).toContainText(/링크가 [\d,]+자입니다\. 32,000자가 넘는 링크는 메신저에 따라 잘리거나/);
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Markdown 파일로 받기' }).click();
  const markdown = await readFile(await (await downloading).path(), 'utf8');
  expect(markdown).toMatch(/^# 긴 대화\n/);
  const downloadingJson = page.waitForEvent('download');
  await panel.getByRole('button', { name: /JSON 파일로 받기/ }).click();
  const json = JSON.parse(await readFile(await (await downloadingJson).path(), 'utf8')) as {
    format: string;
    conversations: unknown[];
  };
  expect(json).toMatchObject({ format: 'hangul-llama-backup', conversations: [{ title: '긴 대화' }] });
  await panel.getByRole('button', { name: '그래도 링크 공유' }).click();
  await expect(page.getByTestId('share-conversation-status')).toHaveText(/대화 링크를 복사했습니다/);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link.length).toBeGreaterThan(32_000);

  await importConversation(page, '아주 긴 대화', noise(1_000_000));
  await page.getByRole('button', { name: '이 대화 공유' }).click();
  await expect(panel).toContainText(
    /링크로 보내기에 너무 깁니다\([\d,]+자, 브라우저가 여는 링크는 최대 2,097,152자\)/,
    { timeout: 20_000 },
  );
  await expect(panel.getByRole('button', { name: '그래도 링크 공유' })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Markdown 파일로 받기' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test('each kind of bad link says what is wrong, and changes nothing', async ({ page, baseURL }) => {
  const base = baseURL ?? '';
  test.setTimeout(60_000);
  const link = await sharedConversation(page, base);
  const payload = toBase64Url(await deflateBomb(64));
  const at = link.length - 30;
  const bad = {
    truncated: [link.slice(0, -40), '링크가 잘렸습니다'],
    corrupt: [
      `${link.slice(0, at)}${link[at] === 'A' ? 'B' : 'A'}${link.slice(at + 1)}`,
      '링크가 손상되었습니다',
    ],
    foreign: [`${base}#share=hello`, '이 앱의 대화 공유 링크가 아닙니다'],
    'too-large': [
      `${base}#share=1.${payload.length}.${crc32(payload)}.${payload}`,
      '링크에 담긴 내용이 너무 커서 열지 않았습니다',
    ],
    'newer-version': [`${base}#share=2.4.00000000.AAAA`, '더 새 버전의 앱에서 만든 링크입니다'],
  } as const;
  const chat = new ChatPage(page);
  const list = conversationList(page);
  for (const [problem, [address, message]] of Object.entries(bad)) {
    await page.goto('about:blank');
    await page.goto(address);
    const alert = page.getByRole('alert', { name: '공유 링크를 열 수 없습니다' });
    await expect(alert, problem).toContainText(message);
    await expect(alert).toContainText('아무것도 바뀌지 않았습니다');
    expect(page.url()).toBe(base);
    await expect(chat.answers).toHaveCount(2);
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await expect(sharedView(page)).toHaveCount(0);
  }
  await page
    .getByRole('alert', { name: '공유 링크를 열 수 없습니다' })
    .getByRole('button', { name: '닫기' })
    .click();
  await expect(page.getByRole('alert', { name: '공유 링크를 열 수 없습니다' })).toHaveCount(0);
});
