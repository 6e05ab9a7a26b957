import { expect, test } from '@playwright/test';
import { ChatPage } from './chat-page';

test('conversations are saved in the browser and come back after a reload', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 첫 번째 대화입니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await page.getByRole('button', { name: '새 대화' }).click();
  await chat.ask('/echo 두 번째 대화입니다');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await page.reload();
  const list = page.getByRole('navigation', { name: '대화 목록' });
  await expect(list.getByRole('button', { name: /두 번째 대화입니다/ }).first()).toBeVisible();
  await expect(chat.lastAnswerText()).toHaveText('두 번째 대화입니다');
  await list
    .getByRole('button', { name: /첫 번째 대화입니다/ })
    .first()
    .click();
  await expect(chat.lastAnswerText()).toHaveText('첫 번째 대화입니다');
});

test('a conversation can be renamed, found by its text, deleted and brought back', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 제주도 여행 계획');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const list = page.getByRole('navigation', { name: '대화 목록' });

  await list.getByRole('button', { name: /이름 바꾸기/ }).click();
  await list.getByLabel('새 이름').fill('여름 휴가');
  await list.getByLabel('새 이름').press('Enter');
  await expect(list.getByRole('button', { name: /여름 휴가/ }).first()).toBeVisible();

  await list.getByPlaceholder('대화 검색').fill('제주도');
  await expect(list.getByRole('button', { name: /여름 휴가/ }).first()).toBeVisible();
  await list.getByPlaceholder('대화 검색').fill('없는 말');
  await expect(list.getByText('찾는 내용이 있는 대화가 없습니다.')).toBeVisible();
  await list.getByPlaceholder('대화 검색').fill('');

  await list.getByRole('button', { name: '“여름 휴가” 삭제' }).click();
  await expect(list.getByRole('button', { name: /여름 휴가/ })).toHaveCount(0);
  await list.getByRole('button', { name: '되돌리기' }).click();
  await expect(list.getByRole('button', { name: /여름 휴가/ }).first()).toBeVisible();
});

test('at 375 px the conversation list is a drawer', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await expect(page.getByRole('navigation', { name: '대화 목록' })).toBeHidden();
  await page.getByRole('button', { name: '대화 목록 열기' }).click();
  const drawer = page.getByRole('dialog', { name: '대화 목록' });
  await expect(drawer).toBeVisible();
  await drawer.getByRole('button', { name: '새 대화' }).click();
  await expect(drawer).toBeHidden();
  await chat.ask('/echo 좁은 화면');
  await expect(chat.lastAnswerText()).toHaveText('좁은 화면');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('a full backup exports and imports; a foreign or broken file is refused and changes nothing', async ({
  page,
}, testInfo) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 백업할 대화');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const list = page.getByRole('navigation', { name: '대화 목록' });

  const downloading = page.waitForEvent('download');
  await list.getByRole('button', { name: '전체 백업 내보내기 (JSON)' }).click();
  const file = testInfo.outputPath('backup.json');
  await (await downloading).saveAs(file);

  const input = list.getByTestId('backup-input');
  await input.setInputFiles({
    name: 'photo.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"hello":1}'),
  });
  await expect(list.getByRole('alert')).toContainText('이 앱의 백업 파일이 아닙니다');
  await input.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{nope'),
  });
  await expect(list.getByRole('alert')).toContainText('JSON이 아니어서');
  await expect(list.getByRole('button', { name: /백업할 대화/ }).first()).toBeVisible();

  await list.getByRole('button', { name: /삭제/ }).first().click();
  await expect(list.getByRole('button', { name: /백업할 대화/ })).toHaveCount(0);
  await input.setInputFiles(file);
  await expect(list.getByRole('status').last()).toContainText('새 대화 1개를 더했습니다');
  await list
    .getByRole('button', { name: /백업할 대화/ })
    .first()
    .click();
  await expect(chat.lastAnswerText()).toHaveText('백업할 대화');
});

test('an answer streaming when the page reloads is kept up to its last second and marked interrupted', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 20, loadMs: 50 });
  const long = '저장되는 답변입니다. '.repeat(60);
  await chat.ask(`/echo ${long}`);
  await expect.poll(async () => (await chat.lastAnswerText().textContent())?.length ?? 0).toBeGreaterThan(60);
  await page.waitForTimeout(1200);
  const shownBeforeReload = (await chat.lastAnswerText().textContent()) ?? '';
  await page.reload();
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'stopped');
  const kept = (await chat.lastAnswerText().textContent()) ?? '';
  expect(long.startsWith(kept)).toBe(true);
  // Everything shown is kept: the page starts writing it as it goes, before the reload.
  expect(kept.length).toBeGreaterThanOrEqual(shownBeforeReload.length);
});

test('after a reload the next question carries the ids of the answers before it to the worker', async ({
  page,
}) => {
  // Records each generate request as the page posts it to the engine worker.
  await page.addInitScript(() => {
    const post: unknown = Reflect.get(Worker.prototype, 'postMessage');
    const requests: unknown[] = [];
    Reflect.set(window, 'generateRequests', requests);
    Object.defineProperty(Worker.prototype, 'postMessage', {
      configurable: true,
      writable: true,
      value(this: Worker, ...args: unknown[]): unknown {
        if ((args[0] as { type?: unknown } | null)?.type === 'generate')
          requests.push(structuredClone(args[0]));
        return Reflect.apply(post as (...args: unknown[]) => unknown, this, args);
      },
    });
  });
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 2, loadMs: 50 });
  await chat.ask('/echo 다시 읽지 않을 답');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await page.reload();
  await page.getByRole('button', { name: '모델 불러오기' }).click();
  await expect(page.getByTestId('model-status')).toContainText('준비됨');
  await chat.ask('/echo 다음 질문');
  await expect(chat.lastAnswerText()).toHaveText('다음 질문');

  const [request] = (await page.evaluate((): unknown => Reflect.get(window, 'generateRequests'))) as {
    turns: { role: string; content: string; tokens?: { promptIds: number[]; answerIds: number[] } }[];
  }[];
  const answer = request?.turns[1];
  expect(answer?.content).toBe('다시 읽지 않을 답');
  // The scripted engine draws an id per code point; the first exchange opened its prompt with BOS (1).
  expect(answer?.tokens?.answerIds).toEqual(Array.from('다시 읽지 않을 답', (char) => char.codePointAt(0)));
  expect(answer?.tokens?.promptIds[0]).toBe(1);
});
