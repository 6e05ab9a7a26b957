import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('a message too long for the context window is refused and stays in the message box', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5, contextWindow: 1500 });
  const long = '아주 긴 문장입니다. '.repeat(60);
  await chat.input.fill(long);
  await chat.input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('메시지가 너무 깁니다');
  await expect(chat.input).toHaveValue(long);
  await expect(chat.userMessages).toHaveCount(0);
});

test('when the window is full the oldest turns give way, and the answer says so', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 1, contextWindow: 2000 });
  await chat.ask(`/echo ${'지난 이야기 '.repeat(80)}`);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask('/echo 새 질문');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(chat.lastAnswer()).toContainText('앞선 메시지 2개를 빼고 답했습니다');
});

test('sampling settings show the model card’s values, explain beams, and reset', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await page.getByRole('button', { name: '설정' }).click();
  const dialog = page.getByRole('dialog', { name: '설정' });
  await expect(dialog.getByLabel('top-k')).toHaveValue('20');
  await expect(dialog.getByLabel('top-p')).toHaveValue('0.92');
  await expect(dialog.getByLabel('반복 억제 (repetition penalty)')).toHaveValue('1.2');
  await expect(dialog.getByLabel('같은 구절 금지 (no-repeat n-gram)')).toHaveValue('3');
  await expect(dialog.getByLabel('최대 답변 길이 (토큰)')).toHaveValue('1024');
  await expect(dialog.getByTestId('beams-unavailable')).toContainText('사용할 수 없음');
  await dialog.getByLabel('top-k').fill('40');
  await dialog.getByLabel('시드 (seed)').fill('1234');
  await dialog.getByRole('button', { name: '닫기' }).click();
  await page.getByRole('button', { name: '설정' }).click();
  await expect(dialog.getByLabel('top-k')).toHaveValue('40');
  await expect(dialog.getByLabel('시드 (seed)')).toHaveValue('1234');
  await dialog.getByRole('button', { name: '모델 카드 값으로 되돌리기' }).click();
  await expect(dialog.getByLabel('top-k')).toHaveValue('20');
  await expect(dialog.getByLabel('시드 (seed)')).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
