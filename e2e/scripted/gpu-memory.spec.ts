import { expect, test, type Page } from '@playwright/test';
import { watchFor } from '../watch-for';
import { ChatPage } from './chat-page';

const loadButton = (page: Page) => page.getByRole('button', { name: /모델 불러오기/ });

test('with the memory for it the app loads the 4,096-token window', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 100, gpuMemoryMB: 12_000 });
  await expect(page.getByTestId('preflight-facts')).toContainText('4,096 토큰 (이 기기에 맞춰 고름)');
  await loadButton(page).click();
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await expect(page.getByTestId('model-summary')).toContainText(
    '대화 길이 4,096 토큰 · GPU 메모리 약 6.7 GB',
  );
  await expect(page.getByTestId('model-summary').getByRole('status')).toHaveCount(0);
});

test('an 8 GB machine gets 2,048 tokens after one failed try, with no second download, and a reload goes straight there', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  // Long enough for the retry (the cache and compile phases, a third of the load) to be watched.
  const scenario = { loadMs: 3000, tokenDelayMs: 2, gpuMemoryMB: 6000 };
  await chat.goto(scenario);
  await loadButton(page).click();
  await expect(page.getByTestId('load-window')).toHaveText('대화 길이 4,096 토큰으로 불러오는 중');
  const downloading = await watchFor(page, '내려받는 중');
  await expect(page.getByRole('status').filter({ hasText: 'GPU 메모리가 부족해' })).toHaveText(
    'GPU 메모리가 부족해 4,096 토큰으로는 불러오지 못했습니다. 2,048 토큰으로 다시 불러옵니다. 파일은 다시 내려받지 않습니다.',
  );
  await expect(page.getByTestId('load-window')).toHaveText('대화 길이 2,048 토큰으로 불러오는 중');
  // The retry reads the files from the cache: no download phase from here on.
  const downloadingAgain = await watchFor(page, '내려받는 중');
  await expect(page.getByTestId('model-status')).toContainText('준비됨', { timeout: 10_000 });
  expect(await downloading()).toBe(true);
  expect(await downloadingAgain()).toBe(false);
  await expect(page.getByTestId('model-summary')).toContainText('대화 길이 2,048 토큰');
  await expect(page.getByTestId('model-summary').getByRole('status')).toHaveText(
    '이 기기의 GPU 메모리에 맞춰 대화 길이를 2,048 토큰으로 줄였습니다. (4,096 토큰은 메모리가 부족했습니다.)',
  );
  // Every text follows the loaded window: the composer's warning names 2,048.
  await chat.input.fill('가'.repeat(2500));
  await expect(page.getByRole('status').filter({ hasText: '메시지가 너무 깁니다' })).toContainText(
    '2,048토큰(문맥 창)',
  );
  await chat.input.fill('');

  // The settings mark the window that failed, with its estimate, and explain a choice of it before a load.
  await page.getByRole('button', { name: '설정' }).click();
  const windowSelect = page.getByRole('combobox', { name: '대화 길이' });
  await expect(windowSelect.locator('option')).toHaveText([
    '자동: 이 기기에 맞는 가장 긴 길이 (2,048 토큰)',
    '4,096 토큰 · GPU 메모리 약 6.7 GB · 이 기기에서 메모리 부족',
    '2,048 토큰 · GPU 메모리 약 5.4 GB · 이 기기에서 불러옴',
    '1,024 토큰 · GPU 메모리 약 4.7 GB · 이 기기에서 불러옴',
  ]);
  await windowSelect.selectOption('4096');
  await expect(page.getByRole('dialog').getByRole('status')).toContainText(
    '이 길이는 이 기기에서 GPU 메모리가 부족했습니다',
  );
  await windowSelect.selectOption('');
  await page.getByRole('button', { name: '닫기' }).click();

  await page.reload();
  await expect(page.getByTestId('preflight-facts')).toContainText('2,048 토큰 (이 기기에 맞춰 고름)');
  const retried = await watchFor(page, '다시 불러옵니다');
  await loadButton(page).click();
  await expect(page.getByTestId('load-window')).toHaveText('대화 길이 2,048 토큰으로 불러오는 중');
  await expect(page.getByTestId('model-status')).toContainText('준비됨', { timeout: 10_000 });
  expect(await retried()).toBe(false);
  await expect(page.getByTestId('model-summary')).toContainText('대화 길이 2,048 토큰');
});

test('with too little memory for any window the app says so, with the numbers, and offers nothing that cannot work', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 300, gpuMemoryMB: 3000 });
  await loadButton(page).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('이 기기에서는 모델을 실행할 수 없습니다', { timeout: 10_000 });
  await expect(alert).toContainText(
    '가장 짧은 대화 길이(1,024 토큰)에도 약 4.7 GB가 필요한데, 이 기기에서는 불러오지 못했습니다',
  );
  await expect(alert).toContainText('내려받은 모델 파일은 이 브라우저에 그대로 있습니다');
  await expect(loadButton(page)).toHaveCount(0);
  // The files stay cached, and can be deleted from here.
  await expect(page.getByRole('button', { name: '저장된 모델 파일 지우기' })).toBeVisible();
  await expect(chat.send).toBeDisabled();

  await page.reload();
  await expect(page.getByRole('alert')).toContainText('가장 짧은 대화 길이(1,024 토큰)에도');
  await expect(loadButton(page)).toHaveCount(0);
});

test('a conversation longer than the smaller window still answers, leaving out its oldest turns', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 200, tokenDelayMs: 1, gpuMemoryMB: 6000 });
  await loadButton(page).click();
  await expect(page.getByTestId('model-summary')).toContainText('대화 길이 2,048 토큰', { timeout: 10_000 });
  // The scripted engine counts a token a character: 1,024 of the 2,048 are kept for the answer.
  const long = (n: number) => `/echo ${n}번째 ${'긴 이야기 '.repeat(80)}`;
  await chat.ask(long(1));
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask(long(2));
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(chat.lastAnswerText()).toContainText('2번째');
  await expect(chat.lastAnswer()).toContainText('문맥 창이 가득 차서 앞선 메시지 2개를 빼고 답했습니다.');
});
