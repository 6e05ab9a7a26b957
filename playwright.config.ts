import { defineConfig } from '@playwright/test';
import { findChromium } from './e2e/browser';

const browser = findChromium();
if ('problem' in browser) {
  console.error(browser.problem);
  process.exit(1);
}

/** Flags that keep Chromium from reaching for the network on a machine that has none. */
const quietChromium = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const SCRIPTED_PORT = 4174;
/** The same end-to-end build served from a nested path, as a project page on a static host would be. */
const NESTED_PORT = 4175;
export const NESTED_URL = `http://localhost:${NESTED_PORT}/deep/nested/app/`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: browser.path, args: quietChromium },
    locale: 'ko-KR',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'build', testMatch: 'build/**/*.spec.ts' },
    {
      name: 'scripted',
      testMatch: 'scripted/**/*.spec.ts',
      use: { baseURL: `http://localhost:${SCRIPTED_PORT}/` },
    },
  ],
  webServer: [
    {
      command: `node scripts/serve.mjs dist-e2e --port ${SCRIPTED_PORT} --quiet`,
      url: `http://localhost:${SCRIPTED_PORT}/`,
      reuseExistingServer: !process.env['CI'],
    },
    {
      command: `node scripts/serve.mjs dist-e2e --port ${NESTED_PORT} --base /deep/nested/app/ --quiet`,
      url: NESTED_URL,
      reuseExistingServer: !process.env['CI'],
    },
  ],
});
