import { expect, test, type Page } from '@playwright/test';
import { backupFile } from './backup-file';
import { ChatPage } from './chat-page';
import { takeLongTasks, watchLongTasks } from './long-tasks';

/** The bound for a task while typing in a long conversation as an answer streams (the benchmark's is 50 ms). */
const TASK_BOUND_MS = 200;
const EXCHANGES = 1_000;

/** Imports a conversation of {@link EXCHANGES} exchanges, each answer with some Markdown, and opens it. */
async function openLongConversation(page: Page): Promise<void> {
  const exchanges = Array.from({ length: EXCHANGES }, (_, index) => ({
    question: `${index + 1}번째 질문입니다. 조금 길게 물어봅니다.`,
    answer:
      `${index + 1}번째 답변입니다. **굵게** 쓴 말과 \`코드\`가 있습니다.\n\n` +
      '- 첫째 항목\n- 둘째 항목\n\n둘째 문단은 조금 더 깁니다. '.repeat(2),
  }));
  const list = page.getByRole('navigation', { name: '대화 목록' });
  await list.getByTestId('backup-input').setInputFiles({
    name: 'backup.json',
    mimeType: 'application/json',
    buffer: backupFile({ title: '천 번 주고받은 대화', exchanges }),
  });
  await expect(list.getByRole('status').last()).toContainText('새 대화 1개를 더했습니다', {
    timeout: 60_000,
  });
  await list
    .getByRole('button', { name: /천 번 주고받은 대화/ })
    .first()
    .click();
}

test('a conversation of 1,000 exchanges opens at its end with only the messages near the viewport in the page', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await openLongConversation(page);

  await expect(chat.lastAnswerText()).toContainText('1000번째 답변입니다. 굵게');
  await expect(chat.lastAnswer()).toBeInViewport();
  const messages = page.locator('li[data-role]');
  expect(await messages.count()).toBeLessThan(100);
  await expect(messages.last()).toHaveAttribute('aria-setsize', String(EXCHANGES * 2));

  // Scrolled to the top, the first question is there, and the end is out of the page.
  await page.getByTestId('message-scroller').hover();
  await page.mouse.wheel(0, -1_000_000);
  await expect(chat.userMessages.first()).toHaveText('1번째 질문입니다. 조금 길게 물어봅니다.');
  await expect(chat.userMessages.first()).toBeInViewport();
  await expect(page.getByText('1000번째 답변입니다.')).toHaveCount(0);
  expect(await messages.count()).toBeLessThan(100);
  await expect(page.getByRole('button', { name: '최신 메시지로 이동 ↓' })).toBeVisible();

  // And the jump takes the reader back to the latest answer.
  await page.getByRole('button', { name: '최신 메시지로 이동 ↓' }).click();
  await expect(chat.lastAnswerText()).toContainText('1000번째 답변입니다.');
  await expect(chat.lastAnswer()).toBeInViewport();
});

test('typing while an answer streams at the end of 1,000 exchanges holds up nothing, and no other message changes', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await watchLongTasks(page);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 25, loadMs: 50 });
  await openLongConversation(page);
  await expect(chat.lastAnswerText()).toContainText('1000번째 답변입니다.');

  await chat.ask(`/echo ${'천한 번째 답변이 한 줄씩 자랍니다.\n'.repeat(55)}`);
  const streaming = chat.lastAnswer();
  await expect(streaming).toHaveAttribute('data-status', 'streaming');
  // Text that changes anywhere but in the streaming answer: an update re-rendering other messages.
  await page.evaluate(() => {
    const log = document.querySelector('ol');
    const answer = document.querySelectorAll('li[data-role="assistant"]');
    const live = answer[answer.length - 1];
    const changedElsewhere: string[] = [];
    Object.assign(window, { changedElsewhere });
    new MutationObserver((records) => {
      for (const record of records) {
        const item = (
          record.target instanceof Element ? record.target : record.target.parentElement
        )?.closest('li');
        // The list itself changes as messages come near the viewport or leave it.
        if (item && item !== live) changedElsewhere.push(item.textContent.slice(0, 40));
      }
    }).observe(log as Node, { subtree: true, childList: true, characterData: true });
  });
  await takeLongTasks(page);

  await chat.input.click();
  await page.keyboard.type('답변을 기다리며 다음 질문을 씁니다', { delay: 30 });
  await expect(streaming).toHaveAttribute('data-status', 'streaming');
  const longTasks = await takeLongTasks(page);
  const changedElsewhere = await page.evaluate(
    () => (window as unknown as { changedElsewhere: string[] }).changedElsewhere,
  );
  await expect(chat.input).toHaveValue('답변을 기다리며 다음 질문을 씁니다');

  expect(longTasks.filter((duration) => duration >= TASK_BOUND_MS)).toEqual([]);
  expect(changedElsewhere).toEqual([]);
  await expect(streaming).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  await expect(streaming).toBeInViewport();
});
