import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { PWA_URL } from '../../playwright.config';
import { ChatPage } from '../scripted/chat-page';
import { copyConversationLink, copyingLinks } from '../scripted/share-link';
import { waitForServiceWorker } from './pwa-helpers';

interface Recorded {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly fromServiceWorker: boolean;
}

/**
 * Records every request of a browser context: its pages', their dedicated workers' (Chromium reports those
 * on the page, so the context sees them) and its service workers' (which only the context sees), each with
 * every header as sent and its body.
 */
function recordEverything(context: BrowserContext): () => Promise<Recorded[]> {
  const recorded: Promise<Recorded>[] = [];
  context.on('request', (request) => {
    recorded.push(
      (async () => ({
        url: request.url(),
        headers: await request.allHeaders().catch(() => request.headers()),
        body: request.postDataBuffer()?.toString('utf8') ?? '',
        fromServiceWorker: request.serviceWorker() !== null,
      }))(),
    );
  });
  return () => Promise.all(recorded);
}

/**
 * Makes one request from each of the page's dedicated workers and from the context's service worker, so the
 * test can prove its recorder sees requests from there.
 */
async function probeWorkers(page: Page, tag: string): Promise<{ dedicated: string[]; service: string }> {
  const dedicated: string[] = [];
  for (const [index, worker] of page.workers().entries()) {
    const url = `${PWA_URL}__probe/${tag}/dedicated-${index}`;
    await worker.evaluate((address) => fetch(address).then(() => undefined), url);
    dedicated.push(url);
  }
  const [serviceWorker] = page.context().serviceWorkers();
  const service = `${PWA_URL}__probe/${tag}/service-worker`;
  expect(serviceWorker, 'the app’s service worker runs').toBeDefined();
  await serviceWorker?.evaluate((address) => fetch(address).then(() => undefined), service);
  return { dedicated, service };
}

/** Words no request would carry by chance: any of them in a request is the conversation leaking. */
const secrets = ['비밀스러운제주감귤농장', '청설모가숨긴도토리지도'];

/** The requests that carry any of `parts` in their URL, a header or the body, each with what it carries. */
function leaks(requests: readonly Recorded[], parts: readonly string[]): string[] {
  const found: string[] = [];
  for (const request of requests) {
    const where = {
      url: request.url,
      headers: Object.entries(request.headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n'),
      body: request.body,
    };
    for (const [place, text] of Object.entries(where)) {
      for (const part of parts) if (text.includes(part)) found.push(`${place} of ${request.url}: ${part}`);
    }
    if (new URL(request.url).hash !== '') found.push(`fragment of ${request.url}`);
  }
  return found;
}

test('the recorder catches the conversation in a URL, a header or a body, from a worker and the service worker', async ({
  page,
  context,
}) => {
  const recorded = recordEverything(context);
  await page.goto('./');
  await waitForServiceWorker(page);
  const [secret = ''] = secrets;
  const leak = ([address, text]: readonly [string, string]) =>
    fetch(`${address}?q=${encodeURIComponent(text)}`, {
      method: 'POST',
      headers: { 'x-note': encodeURIComponent(text) },
      body: text,
    }).then(() => undefined);
  const [worker] = page.workers();
  await worker?.evaluate(leak, [`${PWA_URL}__leak/dedicated`, secret] as const);
  await context.serviceWorkers()[0]?.evaluate(leak, [`${PWA_URL}__leak/service-worker`, secret] as const);
  const found = leaks(await recorded(), [secret, encodeURIComponent(secret)]);
  for (const source of ['dedicated', 'service-worker']) {
    const url = `${PWA_URL}__leak/${source}?q=${encodeURIComponent(secret)}`;
    expect(found).toEqual(
      expect.arrayContaining([
        `url of ${url}: ${encodeURIComponent(secret)}`,
        `headers of ${url}: ${encodeURIComponent(secret)}`,
        `body of ${url}: ${secret}`,
      ]),
    );
  }
});

test('no request of the page, its workers or its service worker carries the conversation, while a link is made and opened', async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(90_000);
  const sender = recordEverything(context);
  await copyingLinks(context, PWA_URL);
  const chat = new ChatPage(page);
  await chat.open({ loadMs: 50, tokenDelayMs: 2 });
  await waitForServiceWorker(page);
  await chat.ask(`/echo ${secrets[0]}의 위치`);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await chat.ask(`/echo **${secrets[1]}** 보관`);
  await expect(chat.lastAnswer().locator('strong')).toHaveText(secrets[1] ?? '');
  const link = await copyConversationLink(page);
  const data = link.split('.').at(-1) ?? '';
  expect(data.length).toBeGreaterThan(100);

  // Opened in the sender's browser, where the service worker answers the navigation (and sees its URL).
  const again = await context.newPage();
  await again.goto(link);
  await expect(again.getByRole('region', { name: /공유받은 대화/ }).locator('strong')).toHaveText(
    secrets[1] ?? '',
  );
  await again.getByRole('button', { name: '내 대화로 저장' }).click();
  // The app has taken over (the shared page stays until it has come), its engine worker with it.
  await expect(again.getByRole('region', { name: /공유받은 대화/ })).toHaveCount(0);
  await expect(again.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  await expect(again.locator('li[data-role="assistant"] strong')).toHaveText(secrets[1] ?? '');
  const senderProbes = await probeWorkers(again, 'sender');

  // Opened in a fresh profile: the first visit reaches the host, and the service worker installs.
  const fresh = await browser.newContext({ locale: 'ko-KR' });
  const receiver = recordEverything(fresh);
  const other = await fresh.newPage();
  await other.goto(link);
  const view = other.getByRole('region', { name: /공유받은 대화/ });
  await expect(view.locator('strong')).toHaveText(secrets[1] ?? '');
  await waitForServiceWorker(other);
  await view.getByRole('button', { name: '내 대화로 저장' }).click();
  await expect(view).toHaveCount(0);
  await expect(other.getByRole('textbox', { name: '메시지 입력' })).toBeVisible();
  await expect(other.locator('li[data-role="assistant"] strong')).toHaveText(secrets[1] ?? '');
  const receiverProbes = await probeWorkers(other, 'receiver');

  const sent = await sender();
  const received = await receiver();
  await fresh.close();

  // The recorder sees what it must: a request made in each kind of worker, and the service worker's own.
  const urls = [...sent, ...received].map(({ url }) => url);
  for (const probes of [senderProbes, receiverProbes]) {
    expect(probes.dedicated.length, 'the page runs dedicated workers').toBeGreaterThanOrEqual(2);
    for (const url of probes.dedicated) expect(urls).toContain(url);
    expect([...sent, ...received].find(({ url }) => url === probes.service)?.fromServiceWorker).toBe(true);
  }
  expect(sent.filter(({ fromServiceWorker }) => fromServiceWorker).length).toBeGreaterThan(0);
  expect(received.filter(({ fromServiceWorker }) => fromServiceWorker).length).toBeGreaterThan(0);
  // The fresh profile's opening of the link reached the host, as the bare address.
  expect(received.map(({ url }) => url)).toContain(PWA_URL);

  const forbidden = [
    ...secrets,
    ...secrets.map((secret) => encodeURIComponent(secret)),
    data,
    data.slice(data.length / 2, data.length / 2 + 32),
    '#share=',
  ];
  expect(leaks([...sent, ...received], forbidden)).toEqual([]);
});
