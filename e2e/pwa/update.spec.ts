import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { UPDATE_PORT } from '../../playwright.config';
import { ChatPage } from '../scripted/chat-page';
import { waitForServiceWorker } from './pwa-helpers';

interface Site {
  readonly url: string;
  /** Changes the deployment as a new build would: index.html, and so its revision in sw.js. */
  publishNewVersion(): void;
}

/**
 * A deployment each test can update: a copy of the end-to-end build on its own static server, on a port
 * of its own (a service worker belongs to its origin). The fixture stops the server even after a timeout.
 */
const test = base.extend<{ site: Site }>({
  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  site: async ({}, use, testInfo) => {
    const folder = testInfo.outputPath('site');
    cpSync('dist-e2e', folder, { recursive: true });
    const port = UPDATE_PORT + testInfo.parallelIndex;
    const server = spawn(process.execPath, ['scripts/serve.mjs', folder, '--port', String(port), '--quiet'], {
      stdio: 'ignore',
    });
    try {
      const url = `http://localhost:${port}/`;
      await expect
        .poll(() =>
          fetch(url).then(
            (response) => response.status,
            () => 0,
          ),
        )
        .toBe(200);
      await use({
        url,
        publishNewVersion() {
          const html = join(folder, 'index.html');
          writeFileSync(html, `${readFileSync(html, 'utf8')}<!-- version 2 -->\n`);
          const sw = join(folder, 'sw.js');
          writeFileSync(
            sw,
            readFileSync(sw, 'utf8').replace(/(url:"index\.html",revision:")\w+/, '$1version-2'),
          );
        },
      });
    } finally {
      server.kill();
    }
  },
});

/**
 * About 300 pieces at 100 ms: an answer that outlasts every check made while it streams, however loaded the
 * machine is (at 100 pieces a busy CI machine once finished it first); the tests stop it themselves.
 */
const LONG_ECHO = '새 버전은 답변이 끝날 때까지 기다립니다. '.repeat(40).trim();
const SLOW = { loadMs: 50, tokenDelayMs: 100 };

/** Marks the current document, to tell whether the page has reloaded since. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
}

const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

async function checkForUpdate(page: Page): Promise<void> {
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
}

test('a new version waits while an answer streams, and comes in when the user lets it', async ({
  page,
  site,
}) => {
  const chat = new ChatPage(page);
  await chat.open(SLOW, site.url);
  await waitForServiceWorker(page);
  await markDocument(page);

  site.publishNewVersion();
  await chat.ask(`/echo ${LONG_ECHO}`);
  await expect(chat.stop).toBeVisible();
  await checkForUpdate(page);

  const prompt = page.getByRole('region', { name: '새 버전이 있습니다' });
  await expect(prompt).toBeVisible();
  const update = prompt.getByRole('button', { name: '업데이트' });
  await expect(update).toBeDisabled();
  await expect(update).toHaveAccessibleDescription('답변이 끝난 뒤에 업데이트할 수 있습니다.');

  await expect(chat.stop).toBeVisible();
  expect(await sameDocument(page), 'no reload while the answer is written').toBe(true);

  // Stopping ends the answer (keeping its text): now the update may come in.
  await chat.stop.click();
  await expect(update).toBeEnabled();
  expect(await sameDocument(page)).toBe(true);
  await update.click();

  await expect.poll(() => sameDocument(page).catch(() => false)).toBe(false);
  await expect(page.getByTestId('model-status')).toBeVisible();
  await expect(prompt).toBeHidden();
  const served = await page.evaluate(() => fetch('./').then((response) => response.text()));
  expect(served).toContain('<!-- version 2 -->');
});

test('a new version let in from another tab does not reload a tab that is answering', async ({
  context,
  site,
}) => {
  const answering = await context.newPage();
  const chat = new ChatPage(answering);
  await chat.open(SLOW, site.url);
  await waitForServiceWorker(answering);
  await markDocument(answering);
  // The second tab has no model (the first holds it) and nothing to lose.
  const other = await context.newPage();
  await other.goto(site.url);
  await expect(other.getByTestId('model-status')).toBeVisible();

  site.publishNewVersion();
  await chat.ask(`/echo ${LONG_ECHO}`);
  await expect(chat.stop).toBeVisible();
  await checkForUpdate(other);
  await other
    .getByRole('region', { name: '새 버전이 있습니다' })
    .getByRole('button', { name: '업데이트' })
    .click();

  const prompt = answering.getByRole('region', { name: '새 버전이 있습니다' });
  await expect(prompt).toContainText('새 버전이 준비되었습니다');
  const reload = prompt.getByRole('button', { name: '새로 고침' });
  await expect(reload).toBeDisabled();
  await expect(chat.stop).toBeVisible();
  expect(await sameDocument(answering)).toBe(true);
  await chat.stop.click();
  // Ready again: the user decides when to reload.
  await expect(reload).toBeEnabled();
  await answering.waitForTimeout(300);
  expect(await sameDocument(answering)).toBe(true);
  await reload.click();
  await expect.poll(() => sameDocument(answering).catch(() => false)).toBe(false);
});
