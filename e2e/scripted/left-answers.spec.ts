import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';
import { copyConversationLink, copyingLinks, fragmentOf } from './share-link';

// An answer whose conversation leaves the screen while it is written (a new conversation, a delete and its
// undo in this tab or another, a shared link saved as the user's) ends stopped in that conversation, with
// its text, in every tab and after a reload, and can be regenerated.

const long = '떠난 대화의 답도 끝까지 남습니다. '.repeat(40);
const question = `/echo ${long}`;
const list = (page: Page) => page.getByRole('navigation', { name: '대화 목록' });
const entry = (page: Page) =>
  list(page)
    .getByRole('button', { name: /떠난 대화의 답도/ })
    .first();

/** Asks for the long answer and returns once some of it is shown. */
async function streamLongAnswer(chat: ChatPage): Promise<void> {
  await chat.ask(question);
  await expect.poll(async () => (await chat.lastAnswerText().textContent())?.length ?? 0).toBeGreaterThan(40);
}

const shownText = async (chat: ChatPage): Promise<string> =>
  (await chat.lastAnswerText().textContent()) ?? '';

/**
 * The answer reads as stopped (not as interrupted by a reload), with at least the text shown before it left
 * the screen, and offers to be regenerated (`canRegenerate`: this tab has the model).
 */
async function expectStopped(chat: ChatPage, shownBefore: string, canRegenerate: boolean): Promise<string> {
  const answer = chat.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  await expect(answer.getByText('새로 고침으로 중단됨')).toHaveCount(0);
  const regenerate = answer.getByRole('button', { name: '다시 생성' });
  await expect(regenerate).toBeVisible();
  if (canRegenerate) await expect(regenerate).toBeEnabled();
  // Another tab may still be writing the end it reached into it.
  await expect.poll(async () => (await shownText(chat)).length).toBeGreaterThanOrEqual(shownBefore.length);
  const kept = await shownText(chat);
  expect(long.startsWith(kept)).toBe(true);
  return kept;
}

test('an answer left for a new conversation ends stopped in its own, with its text, and can be regenerated', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  await streamLongAnswer(chat);
  const shownBefore = await shownText(chat);
  await page.getByRole('button', { name: '새 대화' }).click();
  await expect(chat.answers).toHaveCount(0);

  await entry(page).click();
  const kept = await expectStopped(chat, shownBefore, true);
  await page.reload();
  expect(await expectStopped(chat, kept, false)).toBe(kept);

  // Opened again with a faster engine, to regenerate the whole answer quickly.
  await chat.open({ tokenDelayMs: 1, loadMs: 50 });
  await expectStopped(chat, kept, true);
  await chat.lastAnswer().getByRole('button', { name: '다시 생성' }).click();
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(chat.lastAnswerText()).toHaveText(long.trim());
});

test('an answer deleted while it is written and brought back by undo is stopped, with its text', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  await streamLongAnswer(chat);
  const shownBefore = await shownText(chat);
  await list(page)
    .getByRole('button', { name: /떠난 대화의 답도.* 삭제$/ })
    .click();
  await expect(entry(page)).toHaveCount(0);
  await list(page).getByRole('button', { name: '되돌리기' }).click();

  await expect(entry(page)).toBeVisible();
  const kept = await expectStopped(chat, shownBefore, true);
  await page.reload();
  expect(await expectStopped(chat, kept, false)).toBe(kept);
});

test('an answer deleted in another tab and brought back there is stopped in both tabs, with its text', async ({
  context,
}) => {
  const a = new ChatPage(await context.newPage());
  await a.open({ tokenDelayMs: 25, loadMs: 50 });
  await streamLongAnswer(a);

  const b = new ChatPage(await context.newPage());
  await b.goto({ loadMs: 50 });
  await expect(b.lastAnswer()).toHaveAttribute('data-status', 'streaming');
  const shownBefore = await shownText(a);
  await list(b.page)
    .getByRole('button', { name: /떠난 대화의 답도.* 삭제$/ })
    .click();
  await expect(a.answers).toHaveCount(0);
  await list(b.page).getByRole('button', { name: '되돌리기' }).click();

  // B has no model: its regenerate button is there, disabled; A, which has it, can regenerate.
  const kept = await expectStopped(b, shownBefore, false);
  await entry(a.page).click();
  await expect(a.lastAnswerText()).toHaveText(kept);
  await expectStopped(a, kept, true);
  await a.page.reload();
  await b.page.reload();
  expect(await expectStopped(a, kept, false)).toBe(kept);
  expect(await expectStopped(b, kept, false)).toBe(kept);
});

test('an answer written while a shared link is saved as the user’s ends stopped in its own conversation', async ({
  page,
  baseURL,
}) => {
  await copyingLinks(page.context(), baseURL ?? '');
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  await chat.ask('/echo 공유할 짧은 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const link = await copyConversationLink(page);
  await page.getByRole('button', { name: '새 대화' }).click();

  await streamLongAnswer(chat);
  const shownBefore = await shownText(chat);
  await page.evaluate((hash) => (location.hash = hash), fragmentOf(link));
  const shared = page.getByRole('region', { name: /공유받은 대화/ });
  await shared.getByRole('button', { name: '내 대화로 저장' }).click();
  await expect(shared).toHaveCount(0);
  await expect(chat.lastAnswerText()).toHaveText('공유할 짧은 대화');

  await entry(page).click();
  const kept = await expectStopped(chat, shownBefore, true);
  await page.reload();
  await entry(page).click();
  expect(await expectStopped(chat, kept, false)).toBe(kept);
});
