import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';

test('a Korean message gets the scripted answer streamed in through the worker', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 30 });
  // Record every text and status the answer shows, in the page itself, so no step of the stream is missed
  // however slowly the test runs beside it.
  await page.evaluate(() => {
    const seen: string[] = [];
    const statuses: string[] = [];
    Object.assign(window, { answerTexts: seen, answerStatuses: statuses });
    new MutationObserver(() => {
      const answers = document.querySelectorAll('li[data-role="assistant"]');
      const answer = answers[answers.length - 1];
      const text = answer?.querySelector('[data-testid="message-text"]')?.textContent ?? '';
      const status = answer?.getAttribute('data-status') ?? '';
      if (text !== '' && text !== seen.at(-1)) seen.push(text);
      if (status !== '' && status !== statuses.at(-1)) statuses.push(status);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const question = '한국어로 간단히 자기소개를 해 주세요.';
  await chat.ask(question);

  await expect(chat.userMessages).toHaveText(question);
  await expect(chat.input).toHaveValue('');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const final = `"${question}"에 대한 스크립트 엔진의 답변입니다.`;
  await expect(chat.lastAnswerText()).toContainText(final);
  const { seen, statuses } = await page.evaluate(() => {
    const recorded = window as unknown as { answerTexts: string[]; answerStatuses: string[] };
    return { seen: recorded.answerTexts, statuses: recorded.answerStatuses };
  });
  expect(statuses.slice(statuses.indexOf('streaming'))).toEqual(['streaming', 'complete']);
  // Pieces that arrive within one frame show together, so there are fewer steps than pieces.
  expect(seen.length).toBeGreaterThan(3);
  for (const [index, text] of seen.entries()) {
    if (index > 0) expect(text.startsWith(seen[index - 1] ?? '')).toBe(true);
  }
  await expect(chat.lastAnswer()).toContainText('토큰');
  await expect(chat.lastAnswer()).toContainText('질문 읽기');
});

test('/echo answers with the rest of the message, verbatim', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 });
  const text = '줄바꿈도\n그대로 🙂 ### 응답: <b>굵게</b>  끝';
  await chat.ask(`/echo ${text}`);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  expect(await chat.lastAnswerText().evaluate((element) => element.textContent)).toBe(text);
});

test('Stop keeps the partial answer, and the app can send again', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 40 });
  const long = '가을 하늘은 높고 맑습니다. '.repeat(40);
  await chat.ask(`/echo ${long}`);
  await expect.poll(async () => (await chat.lastAnswerText().textContent())?.length ?? 0).toBeGreaterThan(20);
  await chat.stop.click();

  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'stopped');
  await expect(chat.lastAnswer()).toContainText('중지됨');
  const partial = (await chat.lastAnswerText().textContent()) ?? '';
  expect(partial.length).toBeGreaterThan(20);
  expect(partial.length).toBeLessThan(long.length);
  expect(long.startsWith(partial)).toBe(true);
  await page.waitForTimeout(300);
  expect(await chat.lastAnswerText().textContent()).toBe(partial);

  await expect(chat.send).toBeVisible();
  await chat.ask('/echo 다시 보냅니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(chat.lastAnswerText()).toHaveText('다시 보냅니다');
  await expect(chat.answers.first()).toHaveAttribute('data-status', 'stopped');
});

test('one generation at a time: Enter during an answer keeps the new text in the box', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 40 });
  // Long enough to still be streaming however slowly the steps below run; Stop ends it.
  await chat.ask(`/echo ${'하나 둘 셋 넷 '.repeat(200)}`);
  await expect(chat.stop).toBeVisible();
  await chat.input.fill('두 번째 질문');
  await chat.input.press('Enter');
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.input).toHaveValue('두 번째 질문');
  await chat.stop.click();
  // Stop ends the answer once the worker has stopped; Send is back then.
  await expect(chat.send).toBeVisible();
  await chat.input.press('Enter');
  await expect(chat.userMessages).toHaveCount(2);
  await expect(chat.input).toHaveValue('');
});

test('a streaming answer ends in a caret, which goes when the answer is done', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 20 });
  await chat.ask(`/echo 첫 문단입니다.\n\n${'자라나는 마지막 문단 '.repeat(30)}`);
  const answer = page.locator('li[data-role="assistant"]').last();
  const caret = () =>
    answer
      .locator('.md-block')
      .evaluateAll((blocks) =>
        blocks.map((block) => getComputedStyle(block.lastElementChild ?? block, '::after').content),
      );
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await expect(answer.locator('.md-block')).toHaveCount(2);
  // Only the block still growing has it.
  await expect.poll(caret).toEqual(['none', '""']);
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expect.poll(caret).toEqual(['none', 'none']);
});

test('Shift+Enter adds a line; Enter sends both lines', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 });
  await chat.input.pressSequentially('첫째 줄');
  await chat.input.press('Shift+Enter');
  await chat.input.pressSequentially('둘째 줄');
  await expect(chat.input).toHaveValue('첫째 줄\n둘째 줄');
  await expect(chat.userMessages).toHaveCount(0);
  await chat.input.press('Enter');
  await expect(chat.userMessages).toHaveText('첫째 줄\n둘째 줄');
});

/**
 * Drives Chromium's own IME machinery over CDP, so `isComposing` and keyCode 229 come from the browser:
 * "안" committed, "녕" still being composed when Enter goes down.
 */
async function composeAnnyeong(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: '안', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.insertText', { text: '안' });
  await cdp.send('Input.imeSetComposition', { text: '녕', selectionStart: 1, selectionEnd: 1 });
  // The IME takes the Enter: the page sees keyCode 229 while the composition is open.
  await cdp.send('Input.dispatchKeyEvent', {
    type: 'rawKeyDown',
    key: 'Enter',
    code: 'Enter',
    windowsVirtualKeyCode: 229,
  });
  await cdp.send('Input.insertText', { text: '녕' });
  await cdp.send('Input.dispatchKeyEvent', {
    type: 'keyUp',
    key: 'Enter',
    code: 'Enter',
    windowsVirtualKeyCode: 13,
  });
  return cdp;
}

test('Hangul (Windows-style): the Enter that ends the composition does not send; the next one does', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 });
  await chat.input.click();
  await composeAnnyeong(page);
  await expect(chat.input).toHaveValue('안녕');
  await page.waitForTimeout(100);
  await expect(chat.userMessages).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(chat.userMessages).toHaveText(['안녕']);
  await expect(chat.input).toHaveValue('');
});

test('Hangul (macOS-style): the Enter right after the composition ends sends once, last syllable included', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 });
  await chat.input.click();
  const cdp = await composeAnnyeong(page);
  // Chrome on macOS follows the IME's Enter with a second, ordinary Enter keydown.
  await cdp.send('Input.dispatchKeyEvent', {
    type: 'rawKeyDown',
    key: 'Enter',
    code: 'Enter',
    windowsVirtualKeyCode: 13,
  });
  await expect(chat.userMessages).toHaveText(['안녕']);
  await expect(chat.input).toHaveValue('');
  await page.waitForTimeout(200);
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.input).toHaveValue('');
});
