import { expect, test } from '@playwright/test';
import { PWA_REAL_URL, PWA_URL } from '../../playwright.config';
import { sharedFragment } from '../shared-link-fixture';
import { waitForServiceWorker } from './pwa-helpers';

const builds = [
  { name: 'the scripted build', url: PWA_URL },
  { name: 'the production build', url: PWA_REAL_URL },
] as const;

for (const build of builds) {
  test(`after one visit a shared link opens offline, rendered, and can be saved, in ${build.name}`, async ({
    page,
    context,
  }) => {
    const fragment = await sharedFragment('오프라인에서 받은 대화', [
      { question: '비행기 안에서도 열리나요?', answer: '네, **열립니다**. 링크에 대화가 들어 있습니다.' },
    ]);
    await page.goto(build.url);
    await waitForServiceWorker(page);

    await context.setOffline(true);
    // Another address than the first visit's, so this is a navigation the service worker answers.
    await page.goto(`${build.url}?from=messenger${fragment}`);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const view = page.getByRole('region', { name: /공유받은 대화/ });
    await expect(view).toContainText('비행기 안에서도 열리나요?');
    // The Markdown view and its worker came from the precache too.
    await expect(view.locator('li[data-role="assistant"] strong')).toHaveText('열립니다');
    expect(page.url()).toBe(`${build.url}?from=messenger`);

    await view.getByRole('button', { name: '내 대화로 저장' }).click();
    const list = page.getByRole('navigation', { name: '대화 목록' });
    await expect(list.getByRole('button', { name: /오프라인에서 받은 대화/ }).first()).toBeVisible();
    await page.reload();
    await expect(list.getByRole('button', { name: /오프라인에서 받은 대화/ }).first()).toBeVisible();
    await expect(page.locator('li[data-role="assistant"] strong')).toHaveText('열립니다');
  });
}
