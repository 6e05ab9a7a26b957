import { expect, test, type Page } from '@playwright/test';
import { brokenModelServers } from '../../playwright.config';
import { watchFor } from '../watch-for';
import { recordRequests } from './local-only';

async function loadFrom(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: /모델 불러오기/ }).click();
}

test('on Chromium’s CPU adapter the preflight reports it and picks the q4f32_1 build', async ({ page }) => {
  const requests = recordRequests(page);
  await page.goto('./');
  const facts = page.getByTestId('preflight-facts');
  await expect(facts).toContainText('swiftshader');
  await expect(facts).toContainText('q4f32_1');
  await expect(facts).toContainText('shader-f16');
  await expect(page.getByText('소프트웨어(CPU) WebGPU 어댑터입니다')).toBeVisible();
  // SwiftShader's 1 GiB limits hold every window's buffers: the largest window, with its estimate.
  await expect(facts).toContainText('4,096 토큰 (이 기기에 맞춰 고름)');
  await expect(facts).toContainText('약 9.4 GB');
  await expect(page.getByRole('button', { name: /모델 불러오기 \(4\.3 GB\)/ })).toBeVisible();
  requests.expectAllLocal();
  expect(requests.urls.filter((url) => url.includes('/models/'))).toEqual([]);
});

test('model files that are not there (a real 404) give the missing-files error', async ({ page }) => {
  const requests = recordRequests(page);
  await loadFrom(page, './');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('모델 파일을 찾을 수 없습니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용', { exact: true }).click();
  await expect(alert).toContainText('mlc-chat-config.json: HTTP 404');
  await expect(page.getByRole('button', { name: '다시 시도' })).toBeVisible();
  requests.expectAllLocal();
});

test('a chat config that is not JSON is called corrupt', async ({ page }) => {
  const requests = recordRequests(page);
  await loadFrom(page, `http://localhost:${brokenModelServers['garbage-config']}/`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('모델 파일이 손상되었거나 올바른 파일이 아닙니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용', { exact: true }).click();
  await expect(alert).toContainText('mlc-chat-config.json is not valid JSON');
  requests.expectAllLocal();
});

test('a model library that is not WebAssembly is called corrupt', async ({ page }) => {
  const requests = recordRequests(page);
  await loadFrom(page, `http://localhost:${brokenModelServers['corrupt-library']}/`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('모델 파일이 손상되었거나 올바른 파일이 아닙니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용', { exact: true }).click();
  await expect(alert).toContainText('is not a WebAssembly module');
  requests.expectAllLocal();
});

test('a model library built for another runtime is called a mismatch', async ({ page }) => {
  const requests = recordRequests(page);
  await loadFrom(page, `http://localhost:${brokenModelServers['mismatched-library']}/`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용', { exact: true }).click();
  await expect(alert).toContainText('LinkError');
  requests.expectAllLocal();
});

test('a model folder picked from disk loads with no host: its files come from the folder', async ({
  page,
}) => {
  const requests = recordRequests(page);
  await page.goto('./');
  await expect(page.getByTestId('preflight-facts')).toContainText('q4f32_1');
  await page.getByTestId('folder-input').setInputFiles('e2e/fixtures/folder-import');
  const alert = page.getByRole('alert');
  // The fixture's library is built for another runtime: reaching that error proves the config and the
  // library were read from the folder, since this server has no model files at all.
  await expect(alert).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', { timeout: 20_000 });
  await alert.getByText('자세한 내용', { exact: true }).click();
  await expect(alert).toContainText('LinkError');
  requests.expectAllLocal();
  expect(requests.urls.filter((url) => url.includes('/models/'))).toEqual([]);
});

test.describe('a damaged download repairs itself', () => {
  const verified = `http://localhost:${brokenModelServers['verified-model']}/`;
  const shard = '**/params_shard_1.bin';

  /** Serves the shard damaged (a byte flipped) to the first `times` requests, then as the host has it. */
  async function damageShard(page: Page, times: number): Promise<{ requests: () => number }> {
    let requests = 0;
    await page.context().route(shard, async (route) => {
      requests += 1;
      const response = await route.fetch();
      const body = await response.body();
      if (requests <= times) body[10] = (body[10] ?? 0) ^ 0xff;
      await route.fulfill({ response, body });
    });
    return { requests: () => requests };
  }

  /** Whether the shard in web-llm's cache is marked as checked against the manifest. */
  const shardChecked = (page: Page) =>
    page.evaluate(async () => {
      const cache = await caches.open('webllm/model');
      const key = (await cache.keys()).find((request) => request.url.endsWith('/params_shard_1.bin'));
      const cached = key ? await cache.match(key) : undefined;
      return cached?.headers.get('x-hangul-llama-verified') ?? undefined;
    });

  test('a shard that arrives damaged is fetched again, and the user is told', async ({ page }) => {
    const served = await damageShard(page, 1);
    await page.goto(verified);
    const repaired = await watchFor(page, '다시 받았습니다: params_shard_1.bin');
    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    // The files are good and checked; the load then stops where this machine stops, at the library.
    await expect(page.getByRole('alert')).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', {
      timeout: 20_000,
    });
    expect(await repaired()).toBe(true);
    expect(served.requests()).toBe(2);
    expect(await shardChecked(page)).toMatch(/^sha256-/);
  });

  test('a shard the host keeps serving damaged ends the load with its name, after three tries', async ({
    page,
  }) => {
    const served = await damageShard(page, 100);
    await page.goto(verified);
    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('모델 파일이 손상되었거나 올바른 파일이 아닙니다', { timeout: 20_000 });
    await alert.getByText('자세한 내용', { exact: true }).click();
    await expect(alert).toContainText('params_shard_1.bin arrived damaged 3 times');
    await expect(alert).toContainText('The host may be serving a damaged copy');
    expect(served.requests()).toBe(3);
    expect(await shardChecked(page)).toBeUndefined();
  });

  test('a shard damaged in the cache after a good download is found at the next load, and repaired', async ({
    page,
  }) => {
    const served = await damageShard(page, 0);
    await page.goto(verified);
    await page.getByRole('button', { name: /모델 불러오기/ }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', {
      timeout: 20_000,
    });
    expect(await shardChecked(page)).toMatch(/^sha256-/);
    // The stored bytes go bad (written over without the app's check).
    await page.evaluate(async () => {
      const cache = await caches.open('webllm/model');
      const key = (await cache.keys()).find((request) => request.url.endsWith('/params_shard_1.bin'));
      if (!key) throw new Error('the shard is not cached');
      const bytes = new Uint8Array(await ((await cache.match(key)) ?? new Response()).arrayBuffer());
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      await cache.put(key, new Response(bytes));
    });
    const repaired = await watchFor(page, '다시 받았습니다: params_shard_1.bin');
    await page.getByRole('button', { name: '다시 시도' }).click();
    // The alert of the first load may still be there: the repaired shard in the cache is what tells the
    // second load has gone by.
    await expect.poll(() => shardChecked(page), { timeout: 20_000 }).toMatch(/^sha256-/);
    await expect(alert).toContainText('모델 라이브러리가 이 앱의 런타임과 맞지 않습니다', {
      timeout: 20_000,
    });
    expect(await repaired()).toBe(true);
    expect(served.requests()).toBe(2);
  });
});
