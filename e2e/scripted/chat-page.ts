import { expect, type Locator, type Page } from '@playwright/test';

/** The chat screen as a user sees it, found by role and accessible name (Korean UI). */
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly stop: Locator;
  readonly answers: Locator;
  readonly userMessages: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByRole('textbox', { name: '메시지 입력' });
    this.send = page.getByRole('button', { name: '보내기', exact: true });
    this.stop = page.getByRole('button', { name: '답변 중지' });
    this.answers = page.locator('li[data-role="assistant"]');
    this.userMessages = page.locator('li[data-role="user"]').getByTestId('message-text');
  }

  /** Opens the app with a scripted-engine scenario in the query string, and loads the model. */
  async open(scenario: Record<string, string | number> = {}, base = './'): Promise<void> {
    await this.goto(scenario, base);
    await this.page.getByRole('button', { name: '모델 불러오기' }).click();
    await expect(this.page.getByTestId('model-status')).toContainText('준비됨');
  }

  /** Opens the app without loading the model. */
  async goto(scenario: Record<string, string | number> = {}, base = './'): Promise<void> {
    const query = new URLSearchParams(Object.entries(scenario).map(([key, value]) => [key, String(value)]));
    await this.page.goto(`${base}?${query.toString()}`);
  }

  lastAnswer(): Locator {
    return this.answers.last();
  }

  lastAnswerText(): Locator {
    return this.lastAnswer().getByTestId('message-text');
  }

  async ask(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
  }
}
