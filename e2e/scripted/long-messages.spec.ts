import { expect, test, type Page } from '@playwright/test';
import { backupFile } from './backup-file';
import { ChatPage } from './chat-page';
import { takeLongTasks, watchLongTasks } from './long-tasks';

/** The bound: no main-thread task this long while a huge text is pasted, sent or shown. */
const TASK_BOUND_MS = 200;

const million = (unit: string): string => unit.repeat(Math.ceil(1_000_000 / unit.length)).slice(0, 1_000_000);

test('a paste of 1,000,000 characters is kept out of the box with a warning, and holds up nothing', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  const text = million('붙여 넣은 아주 긴 글입니다. ');
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await watchLongTasks(page, 'now');

  await chat.input.click();
  await page.keyboard.press('ControlOrMeta+V');
  await expect(page.getByRole('alert')).toContainText('넣으려는 글(1,000,000자');
  await expect(page.getByRole('alert')).toContainText('입력란에 넣지 않았습니다');
  await expect(chat.input).toHaveValue('');
  await chat.input.press('Enter');
  await expect(chat.userMessages).toHaveCount(0);

  expect((await takeLongTasks(page)).filter((duration) => duration >= TASK_BOUND_MS)).toEqual([]);
});

const HUGE = 1_200_000;

/** Makes the huge text in the page, before anything is measured: handing it over is the test's own work. */
async function makeHugeText(page: Page): Promise<string> {
  const unit = '입력란에 다른 길로 들어온 아주 긴 글입니다. ';
  await page.evaluate(
    ([text, length]) =>
      Object.assign(window, { hugeText: text.repeat(length / text.length + 1).slice(0, length) }),
    [unit, HUGE] as const,
  );
  return unit.repeat(HUGE / unit.length + 1).slice(0, HUGE);
}

/** Ways text reaches the box without a paste event. */
const routes = {
  // What an input method does when it commits text (CDP's Input.insertText is that commit).
  'an input method': async (page: Page, text: string): Promise<void> => {
    const session = await page.context().newCDPSession(page);
    await session.send('Input.insertText', { text });
    await session.detach();
  },
  'a script': async (page: Page): Promise<void> => {
    await page.getByRole('textbox', { name: '메시지 입력' }).evaluate((box) => {
      const { hugeText } = window as unknown as { hugeText: string };
      // React tracks the value it set; the prototype's setter goes around that, as an extension's would.
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(box, hugeText);
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
  },
  'a drop': async (page: Page): Promise<void> => {
    await page.getByRole('textbox', { name: '메시지 입력' }).evaluate((box) => {
      const data = new DataTransfer();
      data.setData('text/plain', (window as unknown as { hugeText: string }).hugeText);
      box.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
  },
} as const;

for (const [route, insert] of Object.entries(routes)) {
  test(`1,200,000 characters put in the box by ${route} are kept out with a warning, and neither they nor Enter hold up the page`, async ({
    page,
  }) => {
    await watchLongTasks(page);
    const chat = new ChatPage(page);
    await chat.open({ tokenDelayMs: 2, loadMs: 50 });
    const hugeText = await makeHugeText(page);
    await chat.input.focus();
    await takeLongTasks(page);

    await insert(page, hugeText);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('넣으려는 글(1,200,000자');
    await expect(alert).toContainText('입력란에 넣지 않았습니다');
    await expect(alert).not.toContainText('클립보드');
    await expect(chat.input).toHaveValue('');
    await chat.input.press('Enter');
    await expect(chat.userMessages).toHaveCount(0);
    expect((await takeLongTasks(page)).filter((duration) => duration >= TASK_BOUND_MS)).toEqual([]);

    // The box goes on as before.
    await chat.ask('/echo 짧은 질문');
    await expect(chat.lastAnswerText()).toHaveText('짧은 질문');
  });
}

test('the composer warns while typing once a message cannot fit, says the limit, and will not send it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  // 6,200 syllables are at least 3,100 tokens; 4,096 less 1,024 for the answer and the prompt's own leave less.
  await page.evaluate((value) => navigator.clipboard.writeText(value), '가나다라'.repeat(1_550));
  await chat.input.click();
  await page.keyboard.press('ControlOrMeta+V');
  const warning = page.getByRole('status').filter({ hasText: '메시지가 너무 깁니다' });
  await expect(warning).toContainText('적게 잡아도 약 3,100토큰');
  await expect(warning).toContainText('4,096토큰(문맥 창)');
  await expect(chat.send).toBeDisabled();
  await chat.input.press('Enter');
  await expect(chat.userMessages).toHaveCount(0);

  // Typing it short enough takes the warning away.
  await chat.input.fill('가나다라');
  await expect(warning).toHaveCount(0);
  await expect(chat.send).toBeEnabled();
});

test('a question and an answer of 1,000,000 characters open folded, unfold in pieces, and hold up nothing', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  const question = million('아주 긴 질문입니다. ');
  const answer = million('아주 긴 답변입니다. ');
  await page
    .getByRole('navigation', { name: '대화 목록' })
    .getByTestId('backup-input')
    .setInputFiles({
      name: 'backup.json',
      mimeType: 'application/json',
      buffer: backupFile({ title: '백만 글자', exchanges: [{ question, answer }] }),
    });
  await expect(page.getByText('새 대화 1개를 더했습니다')).toBeVisible({ timeout: 30_000 });
  await watchLongTasks(page, 'now');

  await page
    .getByRole('navigation', { name: '대화 목록' })
    .getByRole('button', { name: /^백만 글자/ })
    .click();
  const asked = page.locator('li[data-role="user"]');
  await expect(asked.getByRole('button', { name: '더 보기 (998,500자 더)' })).toBeVisible();
  await expect(asked).toContainText('이 질문은 모델의 문맥 창에 들어가지 않아');
  await expect(asked.getByRole('button', { name: '수정' })).toBeDisabled();
  await expect(chat.lastAnswer().getByRole('button', { name: '다시 생성' })).toBeDisabled();
  await expect(chat.lastAnswer()).toContainText('이 답변은 너무 길어(1,000,000자)');

  await asked.getByRole('button', { name: /더 보기/ }).click();
  await expect(asked.getByRole('button', { name: '더 보기 (898,500자 더)' })).toBeVisible();
  expect(((await chat.userMessages.textContent()) ?? '').length).toBeGreaterThan(100_000);
  await chat
    .lastAnswer()
    .getByRole('button', { name: /더 보기/ })
    .click();
  await expect(chat.lastAnswer().getByRole('button', { name: '더 보기 (898,500자 더)' })).toBeVisible();

  expect((await takeLongTasks(page)).filter((duration) => duration >= TASK_BOUND_MS)).toEqual([]);
});
