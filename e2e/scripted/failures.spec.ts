import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('a failed load is explained in Korean, and retry loads the model', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 200, loadError: 'network' });
  await page.getByRole('button', { name: '모델 불러오기' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('모델을 불러오지 못했습니다');
  await expect(alert).toContainText('네트워크 오류');
  await expect(chat.send).toBeDisabled();
  await expect(page.getByRole('button', { name: '다시 시도' })).toBeVisible();
});

test('loading shows the phase, MB, speed and time left, the storage protection, and can be cancelled', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 20_000 });
  await page.getByRole('button', { name: '모델 불러오기' }).click();
  const bar = page.getByRole('progressbar', { name: '모델 불러오기 진행률' });
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await expect(page.getByText('내려받는 중')).toBeVisible();
  const details = page.getByTestId('load-details');
  await expect(details).toContainText(/[\d,]+ \/ 4,000 MB/);
  await expect(details).toContainText(/[\d.,]+ MB\/초 · 약 \d+초 남음/);
  await expect(page.getByText(/저장소 보호 (켜짐|꺼짐)/)).toBeVisible();
  await page.getByRole('button', { name: '취소' }).click();
  await expect(page.getByRole('button', { name: '모델 불러오기' })).toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText('모델 꺼짐');
});

test('an error in the middle of an answer keeps the text so far and says what happened', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 10, generateError: 'device-lost:4' });
  await chat.ask('/echo 가나다라마바사아자차카타파하');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'failed');
  await expect(chat.lastAnswerText()).toHaveText('가나다라마바사아자차카타');
  await expect(chat.lastAnswer().getByRole('alert')).toContainText('GPU 연결이 끊어졌습니다');
  await expect(chat.send).toBeVisible();
});

test('numbers the GPU gets wrong end the answer with their own explanation, and leave the model loaded', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 10, generateError: 'invalid-numbers:3' });
  await chat.ask('/echo 가나다라마바사아자차카타파하');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'failed');
  await expect(chat.lastAnswerText()).toHaveText('가나다라마바사아자');
  await expect(chat.lastAnswer().getByRole('alert')).toContainText('q4f32_1을 골라 다시 불러오세요');
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
});
