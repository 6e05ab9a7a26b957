import { expect, test, type Page } from '@playwright/test';
import { PWA_NESTED_URL, PWA_REAL_URL, PWA_URL } from '../../playwright.config';
import { ChatPage } from '../scripted/chat-page';
import { waitForServiceWorker } from './pwa-helpers';

const places = [
  { name: 'the root', url: PWA_URL },
  { name: 'a nested path', url: PWA_NESTED_URL },
] as const;

/** Loads the model and asks for an echo: the whole app, worker included, at work. */
async function loadAndChat(chat: ChatPage, text: string): Promise<void> {
  await chat.page.getByRole('button', { name: /모델 불러오기/ }).click();
  await expect(chat.page.getByTestId('model-status')).toContainText('준비됨');
  await expect(chat.page.getByTestId('model-status')).toContainText('오프라인 가능');
  await chat.ask(`/echo ${text}`);
  await expect(chat.lastAnswerText()).toHaveText(text);
}

/** Records whether each response came from the service worker, by URL. */
function responsesOf(page: Page): Map<string, boolean> {
  const responses = new Map<string, boolean>();
  page.on('response', (response) => responses.set(response.url(), response.fromServiceWorker()));
  return responses;
}

for (const place of places) {
  test(`after one online visit the app opens, loads the model and chats offline, from ${place.name}`, async ({
    page,
    context,
  }) => {
    const chat = new ChatPage(page);
    await chat.open({ loadMs: 50, tokenDelayMs: 2 }, place.url);
    await expect(page.getByTestId('model-status')).toContainText('오프라인 가능');
    await waitForServiceWorker(page);

    await context.setOffline(true);
    const responses = responsesOf(page);
    await page.reload();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await loadAndChat(chat, '오프라인에서도 됩니다');
    // The page and its engine worker came out of the precache, not the (unreachable) server.
    expect([...responses].filter(([url]) => /\/assets\/worker-[\w-]+\.js$/.test(url))).toEqual([
      [expect.stringContaining('/assets/worker-'), true],
    ]);
    expect(responses.get(page.url())).toBe(true);
    // A grammar the online visit never needed comes out of the precache too.
    await chat.ask('/echo ```python\ndef 인사(): pass\n```');
    await expect(chat.lastAnswerText().locator('code.hljs .hljs-keyword')).toHaveText(['def', 'pass']);
    expect([...responses].filter(([url]) => /\/assets\/python-[\w-]+\.js$/.test(url))).toEqual([
      [expect.stringContaining('/assets/python-'), true],
    ]);
  });

  test(`a shared link with a query string and a fragment opens offline, from ${place.name}`, async ({
    page,
    context,
  }) => {
    await page.goto(place.url);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.goto(`${place.url}?utm=x&loadMs=50&tokenDelayMs=2#frag`);
    await expect(page).toHaveURL(/\?utm=x&loadMs=50&tokenDelayMs=2#frag$/);
    await loadAndChat(new ChatPage(page), '링크로 열어도 됩니다');
  });
}

test('the production build opens offline; its real worker checks the device and starts web-llm from the cache', async ({
  page,
  context,
}) => {
  await page.goto(PWA_REAL_URL);
  const facts = page.getByTestId('preflight-facts');
  await expect(facts).toContainText('swiftshader');
  await waitForServiceWorker(page);

  await context.setOffline(true);
  const responses = responsesOf(page);
  await page.reload();
  await expect(facts).toContainText('swiftshader');
  await expect(facts).toContainText('q4f32_1');
  await expect(page.getByRole('button', { name: /모델 불러오기/ })).toBeVisible();
  const worker = [...responses].find(([url]) => /\/assets\/worker-[\w-]+\.js$/.test(url));
  expect(worker?.[1], 'the engine worker came from the service worker').toBe(true);
  expect(responses.get(PWA_REAL_URL)).toBe(true);

  // As far as this machine goes: web-llm starts from the cache and asks the network for the model, which
  // is not cached here. The service worker leaves models/ alone (no index.html in place of the config).
  await page.getByRole('button', { name: /모델 불러오기/ }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('네트워크 오류로 내려받기가 멈췄습니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용').click();
  await expect(alert).toContainText('mlc-chat-config.json: TypeError: Failed to fetch');
  const webLlm = [...responses].filter(([url]) => /\/assets\/web-llm-engine-[\w-]+\.js$/.test(url));
  expect(webLlm.length).toBeGreaterThan(0);
  expect(webLlm.every(([, fromServiceWorker]) => fromServiceWorker)).toBe(true);
});
