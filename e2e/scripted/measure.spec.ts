import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

const ROW_LABELS = [
  'GPU',
  'GPU 버퍼 한도',
  'shader-f16',
  '빌드 · 대화 길이',
  'GPU 메모리 추정',
  '버전',
  '마지막 불러오기: 내려받기',
  '마지막 불러오기: 캐시에서 읽기',
  '마지막 불러오기: 셰이더 준비',
  '마지막 불러오기: 전체',
  '첫 토큰까지: 대화 1번째 질문',
  '첫 토큰까지: 대화 2번째 질문',
  '첫 토큰까지: 대화 5번째 질문',
  '첫 토큰까지: 5번째 질문 다시',
  '입력 읽기 속도',
  '생성 속도: 모델 카드 샘플링',
  '생성 속도: web-llm 그리디',
  '앱 샘플링의 비용',
  '중지에서 멈출 때까지',
  'KV 캐시 일치',
  'prefill_chunk_size: 라이브러리',
  'prefill_chunk_size: mlc-chat-config.json',
];

test('measuring on this device shows every row, copies as Markdown and JSON, and changes no conversation', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5, loadMs: 200 });
  await chat.ask('/echo 측정 전의 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const list = page.getByRole('navigation', { name: '대화 목록' });
  // Each conversation by its title (its rename button names it), whatever its second line shows.
  const renameButtons = list.getByRole('button', { name: /이름 바꾸기$/ });
  const listed = async () =>
    (await renameButtons.evaluateAll((buttons) => buttons.map((button) => button.ariaLabel))).join(' / ');
  await expect(renameButtons).toHaveCount(1);
  const before = await listed();
  await page.getByRole('button', { name: '이 기기에서 측정' }).click();
  const dialog = page.getByRole('dialog', { name: '이 기기에서 측정' });
  await dialog.getByRole('button', { name: '측정 시작' }).click();
  await expect(dialog).toContainText('측정을 마쳤습니다.');
  const table = dialog.getByTestId('measure-table');
  await expect(table.locator('tbody th')).toHaveText(ROW_LABELS);
  await expect(table).not.toContainText('재지 않음');
  await expect(table).not.toContainText('실패');
  await expect(table.getByRole('row', { name: /첫 토큰까지: 대화 1번째 질문/ })).toContainText('182 ms');
  await expect(table.getByRole('row', { name: /KV 캐시 일치/ })).toContainText('10단계');
  await expect(table.getByRole('row', { name: /빌드 · 대화 길이/ })).toContainText('q4f16_1 · 4,096 토큰');

  await dialog.getByRole('button', { name: 'Markdown으로 복사' }).click();
  await expect(dialog.getByRole('status')).toHaveText('복사했습니다.');
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toContain('| 첫 토큰까지: 대화 1번째 질문 | 182 ms | 61-token prompt |');
  // A header, its rule and a line per row.
  expect(markdown.split('\n').filter((line) => line.startsWith('| '))).toHaveLength(ROW_LABELS.length + 2);

  await dialog.getByRole('button', { name: 'JSON으로 복사' }).click();
  const report = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as {
    context: { quantization: string; contextWindow: number; webLlmVersion: string };
    rows: { id: string; value?: number; unit: string }[];
    stopped: boolean;
  };
  expect(report.stopped).toBe(false);
  expect(report.context).toMatchObject({
    quantization: 'q4f16_1',
    contextWindow: 4096,
    webLlmVersion: '0.2.86',
  });
  expect(report.rows).toHaveLength(12);
  expect(report.rows.every((row) => typeof row.value === 'number' && row.unit !== '')).toBe(true);

  await dialog.getByRole('button', { name: '닫기' }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(chat.lastAnswerText()).toHaveText('측정 전의 대화');
  await expect.poll(listed).toBe(before);
  await expect(chat.userMessages).toHaveText(['/echo 측정 전의 대화']);
});

test('Stop ends a measurement at once, keeps what was measured, and the model stays ready', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 100, loadMs: 100 });
  await page.getByRole('button', { name: '이 기기에서 측정' }).click();
  const dialog = page.getByRole('dialog', { name: '이 기기에서 측정' });
  await dialog.getByRole('button', { name: '측정 시작' }).click();
  await expect(dialog).toContainText(/측정하는 중… \([1-9]\/12\)/);
  await dialog.getByRole('button', { name: '측정 중지' }).click();
  await expect(dialog).toContainText('측정을 중지했습니다.', { timeout: 1000 });
  await expect(dialog.getByTestId('measure-table')).toContainText('재지 않음');
  await dialog.getByRole('button', { name: '닫기' }).click();
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await chat.ask('/echo 측정 뒤에도');
  await expect(chat.lastAnswerText()).toHaveText('측정 뒤에도');
});
