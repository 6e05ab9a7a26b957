import { expect, test } from '@playwright/test';
import { PWA_URL } from '../../playwright.config';
import { waitForServiceWorker } from './pwa-helpers';

test('Chromium reads the manifest without errors and finds the app installable', async ({
  playwright,
}, testInfo) => {
  // Playwright's usual contexts are incognito, where nothing is installable; a profile on disk is not.
  const profile = testInfo.outputPath('profile');
  const context = await playwright.chromium.launchPersistentContext(profile, {
    ...testInfo.project.use.launchOptions,
    locale: 'ko-KR',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(PWA_URL);
    await waitForServiceWorker(page);
    const devtools = await context.newCDPSession(page);
    const manifest = await devtools.send('Page.getAppManifest');
    expect(manifest.url).toBe(`${PWA_URL}manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    await expect
      .poll(async () => (await devtools.send('Page.getInstallabilityErrors')).installabilityErrors)
      .toEqual([]);

    // Chromium offers installation (`beforeinstallprompt`), and only then is the button there.
    const install = page.getByRole('button', { name: '앱 설치' });
    await expect(install).toBeVisible();
  } finally {
    await context.close();
  }
});

test('without an install offer there is no install button; with one, it prompts once', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('model-status')).toBeVisible();
  const install = page.getByRole('button', { name: '앱 설치' });
  await expect(install).toHaveCount(0);

  await page.evaluate(() => {
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: () => {
        (window as unknown as { prompted: number }).prompted += 1;
        return Promise.resolve();
      },
      userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
    });
    (window as unknown as { prompted: number }).prompted = 0;
    window.dispatchEvent(offer);
  });
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { prompted: number }).prompted)).toBe(1);
  // An offer is good for one prompt only.
  await expect(install).toHaveCount(0);
});
