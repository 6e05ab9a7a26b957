import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('a second tab does not load a second copy: it says so, and can take the model over', async ({
  context,
}) => {
  const first = new ChatPage(await context.newPage());
  await first.open({ loadMs: 100 });
  await first.ask('/echo 첫 번째 탭');
  await expect(first.lastAnswerText()).toHaveText('첫 번째 탭');

  const secondPage = await context.newPage();
  const second = new ChatPage(secondPage);
  await second.goto({ loadMs: 100 });
  await secondPage.getByRole('button', { name: /모델 불러오기/ }).click();
  await expect(
    secondPage.getByRole('heading', { name: '다른 탭에서 이미 모델을 쓰고 있습니다' }),
  ).toBeVisible();
  await expect(secondPage.getByTestId('model-status')).toContainText('다른 탭에서 사용 중');

  await secondPage.getByRole('button', { name: '이 탭에서 쓰기' }).click();
  await expect(secondPage.getByTestId('model-status')).toContainText('준비됨');
  await expect(first.page.getByRole('heading', { name: '다른 탭이 모델을 가져갔습니다' })).toBeVisible();
  // The first tab keeps its conversation.
  await expect(first.lastAnswerText()).toHaveText('첫 번째 탭');
  await expect(first.send).toBeDisabled();
});

test('a lost GPU device mid-answer keeps the conversation and offers to load the model again', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 10, loadMs: 100, generateError: 'device-lost:3' });
  await chat.ask('/echo 가나다라마바사아자차카타파하');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'failed');
  await expect(page.getByRole('heading', { name: '모델을 불러오지 못했습니다' })).toBeVisible();
  await expect(chat.userMessages).toHaveText(['/echo 가나다라마바사아자차카타파하']);
  await page.getByRole('button', { name: '모델 다시 불러오기' }).click();
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await expect(chat.lastAnswerText()).toHaveText('가나다라마바사아자');
});

test('once the model is cached the app says it works offline, and the stored files can be deleted', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 100 });
  await expect(page.getByTestId('model-status')).toContainText('오프라인 가능');
});

test('without WebGPU the scripted app explains it and offers no download', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto({ gpu: 'none' });
  await expect(page.getByRole('alert')).toContainText('WebGPU를 쓸 수 없습니다');
  await expect(page.getByRole('button', { name: /모델 불러오기/ })).toHaveCount(0);
});

test('without shader-f16 the preflight picks the 32-bit build', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto({ gpu: 'no-f16' });
  await expect(page.getByTestId('preflight-facts')).toContainText('q4f32_1');
});

test('dropping a model folder on the panel loads the model from it', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 100 });
  const panel = page.getByRole('region', { name: '모델을 불러올 준비가 되었습니다' });
  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    for (const name of ['mlc-chat-config.json', 'tokenizer.json', 'tensor-cache.json']) {
      data.items.add(new File(['{}'], name, { type: 'application/json' }));
    }
    return data;
  });
  await panel.dispatchEvent('dragover', { dataTransfer: drop });
  await panel.dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await expect(page.getByTestId('model-status')).toContainText('오프라인 가능');
});
