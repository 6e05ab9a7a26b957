import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ChatPage } from './chat-page';

async function expectNoViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe on ${screen}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test('the main screens have no axe violations', async ({ page }) => {
      const chat = new ChatPage(page);
      await chat.goto({ loadMs: 100, tokenDelayMs: 1 });
      await expect(page.getByTestId('preflight-facts')).toBeVisible();
      await expectNoViolations(page, 'the device check');

      await page.getByRole('button', { name: /모델 불러오기/ }).click();
      await expect(page.getByTestId('model-status')).toContainText('준비됨');
      await chat.ask('안녕하세요, 자기소개를 해 주세요.');
      await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
      await expectNoViolations(page, 'a conversation');

      await page.getByRole('button', { name: '설정' }).click();
      await expect(page.getByRole('dialog', { name: '설정' })).toBeVisible();
      await expectNoViolations(page, 'the settings');
    });

    test('the blocked-device screen has no axe violations', async ({ page }) => {
      await new ChatPage(page).goto({ gpu: 'none' });
      await expect(page.getByRole('alert')).toBeVisible();
      await expectNoViolations(page, 'a device without WebGPU');
    });
  });
}

test('the streamed answer is announced through a polite live region', async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 5 });
  await chat.ask('/echo 첫 문장입니다. 두 번째 문장입니다.');
  const region = page.getByTestId('answer-announcer');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region).toContainText('두 번째 문장입니다.');
});

test('everything on the chat screen is reachable from the keyboard, with a visible focus', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.goto({ loadMs: 50 });
  const reached: string[] = [];
  for (let step = 0; step < 8; step += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const visible = style.outlineStyle !== 'none' || style.boxShadow !== 'none';
      return { name: element.getAttribute('aria-label') ?? element.textContent.trim(), visible };
    });
    if (focused) {
      reached.push(focused.name);
      expect(focused.visible, `focus ring on ${focused.name}`).toBe(true);
    }
  }
  expect(reached.some((name) => name.includes('모델 불러오기'))).toBe(true);
  expect(reached).toContain('설정');
});

test('scrolling up during an answer stops following it and offers a jump to the latest', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 500 });
  const chat = new ChatPage(page);
  await chat.open({ tokenDelayMs: 15 });
  await chat.ask(`/echo ${'한 줄 한 줄 길게 이어지는 답변입니다.\n'.repeat(60)}`);
  const scroller = page.getByTestId('message-scroller');
  await expect
    .poll(() => scroller.evaluate((element) => element.scrollHeight > element.clientHeight * 2))
    .toBe(true);
  // The reader's wheel: the list tells the reader's scrolling from its height changing under the view.
  await scroller.hover();
  await page.mouse.wheel(0, -1_000_000);
  const jump = page.getByRole('button', { name: '최신 메시지로 이동 ↓' });
  await expect(jump).toBeVisible();
  await page.waitForTimeout(300);
  expect(await scroller.evaluate((element) => element.scrollTop)).toBe(0);
  await jump.click();
  await expect(jump).toBeHidden();
  await expect
    .poll(() =>
      scroller.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight),
    )
    .toBeLessThan(60);
});

test('an answer after a long question is followed to its end, however its Markdown takes shape', async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await chat.open({ tokenDelayMs: 5, contextWindow: 16384 });
  // Tables and code arrive a block at a time, and a fence is held back until its third backtick: the answer
  // grows by more than a line at once, and at times gets shorter. Neither is the reader scrolling away.
  const section =
    '## 설치\n\n문단에 **강조**와 `코드`가 있습니다.\n\n| 빌드 | 크기 |\n| --- | ---: |\n| q4f16_1 | 3.9 GB |\n' +
    '| q4f32_1 | 4.1 GB |\n\n```ts\nconst engine = await load();\nconsole.log(engine);\n```\n\n- 하나\n- 둘\n\n> 참고\n\n';
  await chat.ask(`/echo # 안내서\n\n${section.repeat(12)}${'끝으로 긴 문단입니다. '.repeat(100)}`);
  const scroller = page.getByTestId('message-scroller');
  const jump = page.getByRole('button', { name: '최신 메시지로 이동 ↓' });
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'streaming');
  while ((await chat.lastAnswer().getAttribute('data-status')) === 'streaming') {
    await expect(jump).toBeHidden();
    await page.waitForTimeout(200);
  }
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect
    .poll(() =>
      scroller.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight),
    )
    .toBeLessThan(60);
  await expect(jump).toBeHidden();
});
