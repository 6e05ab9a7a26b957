import { expect, test, type Page } from '@playwright/test';
import { backupFile } from './backup-file';
import { ChatPage } from './chat-page';
import { takeLongTasks, watchLongTasks } from './long-tasks';

/** Text that marked cannot lex at this size: its recursion overflows the stack ("Maximum call stack size"). */
function hugeAnswer(characters: number): string {
  const line = '아주 긴 답변의 한 줄입니다. **굵게** 그리고 `코드`.\n';
  return line.repeat(Math.ceil(characters / line.length)).slice(0, characters);
}

async function importBackup(page: Page, buffer: Buffer): Promise<void> {
  const list = page.getByRole('navigation', { name: '대화 목록' });
  await list.getByTestId('backup-input').setInputFiles({
    name: 'backup.json',
    mimeType: 'application/json',
    buffer,
  });
  await expect(list.getByRole('status').last()).toContainText('새 대화 1개를 더했습니다', {
    timeout: 30_000,
  });
}

for (const millions of [10, 20]) {
  test(`an answer of ${millions} million characters shows as plain text, and the app survives it and a reload`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const chat = new ChatPage(page);
    await chat.open({ tokenDelayMs: 2, loadMs: 50 });
    const answer = hugeAnswer(millions * 1_000_000);
    await importBackup(
      page,
      backupFile({ title: '아주 긴 답변', exchanges: [{ question: '길게 답해 주세요', answer }] }),
    );
    const list = page.getByRole('navigation', { name: '대화 목록' });
    await list
      .getByRole('button', { name: /아주 긴 답변/ })
      .first()
      .click();

    const huge = chat.answers.first();
    await expect(huge.getByText(/너무 길어.*일반 텍스트/)).toBeVisible();
    await expect(huge.getByTestId('message-text')).toContainText('아주 긴 답변의 한 줄입니다. **굵게**');
    await expect(huge.getByRole('button', { name: /더 보기/ })).toBeVisible();

    // The rest of the app still works: a new message gets its answer, in Markdown.
    await chat.ask('/echo 아직 **됩니다**');
    await expect(chat.lastAnswer().locator('strong')).toHaveText('됩니다');

    await page.reload();
    await expect(page.getByRole('heading', { name: '한글 라마' })).toBeVisible();
    await expect(chat.answers.first().getByText(/너무 길어.*일반 텍스트/)).toBeVisible();
    await expect(chat.input).toBeVisible();
    expect(errors).toEqual([]);
  });
}

test('answers that marked chokes on are formatted off the page, or shown plain, and never hold it up', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  const nested = Array.from({ length: 120 }, (_, depth) => `${'  '.repeat(depth)}- 항목 ${depth}`).join('\n');
  await importBackup(
    page,
    backupFile({
      title: '까다로운 답변',
      exchanges: [
        // Quotes nested 5,000 deep overflow marked's stack.
        { question: '인용', answer: `${'>'.repeat(5_000)} 깊은 인용` },
        // Unclosed brackets and a deeply nested list: marked takes hundreds of milliseconds on these.
        { question: '괄호', answer: '[['.repeat(9_500) },
        { question: '목록', answer: `${nested}\n\n**끝**` },
      ],
    }),
  );
  await watchLongTasks(page, 'now');
  await page
    .getByRole('navigation', { name: '대화 목록' })
    .getByRole('button', { name: /까다로운 답변/ })
    .first()
    .click();

  const quotes = chat.answers.nth(0);
  const brackets = chat.answers.nth(1);
  const list = chat.answers.nth(2);
  await expect(quotes.getByText('이 답변의 서식을 읽지 못해 일반 텍스트로 보여 줍니다.')).toBeVisible();
  await expect(quotes.getByTestId('message-text')).toContainText('>>>>>>');
  await expect(brackets.locator('.md-block')).toHaveCount(1);
  await expect(list.locator('strong')).toHaveText('끝');
  const longTasks = await takeLongTasks(page);
  expect(longTasks.filter((duration) => duration >= 200)).toEqual([]);
});
