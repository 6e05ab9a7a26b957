import { defineConfig } from '@playwright/test';
import { findChromium, QUIET_CHROMIUM_ARGS } from './e2e/browser';

const browser = findChromium();
if ('problem' in browser) {
  console.error(browser.problem);
  process.exit(1);
}

const quietChromium = [...QUIET_CHROMIUM_ARGS];

/**
 * The servers take ports from E2E_PORT_BASE (default 4174) upwards, so two checkouts can run their
 * end-to-end tests side by side without reusing each other's servers.
 */
const PORT_BASE = Number(process.env['E2E_PORT_BASE'] ?? 4174);
const SCRIPTED_PORT = PORT_BASE;
/** The production build with the real web-llm worker, with no model files (every model file is a 404)… */
const REAL_PORT = PORT_BASE + 2;
export const REAL_URL = `http://localhost:${REAL_PORT}/`;
/** …and with model files that are broken in a known way (see e2e/fixtures/models/). */
export const brokenModelServers = {
  'garbage-config': PORT_BASE + 3,
  'corrupt-library': PORT_BASE + 4,
  'mismatched-library': PORT_BASE + 5,
  // A whole build with its integrity.json (and a library for another runtime): the download's checks run.
  'verified-model': PORT_BASE + 12,
} as const;
/** The same end-to-end build served from a nested path, as a project page on a static host would be. */
const NESTED_PORT = PORT_BASE + 1;
export const NESTED_URL = `http://localhost:${NESTED_PORT}/deep/nested/app/`;
/**
 * The PWA tests' own servers: a service worker outlives its page, so these origins are kept apart from
 * the other projects'. The end-to-end build from the root and from a nested path, and the production build.
 * e2e/pwa/update.spec.ts starts its own servers (a build it can update) from UPDATE_PORT up, one per worker.
 */
const PWA_PORT = PORT_BASE + 6;
export const PWA_URL = `http://localhost:${PWA_PORT}/`;
const PWA_NESTED_PORT = PORT_BASE + 7;
export const PWA_NESTED_URL = `http://localhost:${PWA_NESTED_PORT}/deep/nested/app/`;
const PWA_REAL_PORT = PORT_BASE + 8;
export const UPDATE_PORT = PORT_BASE + 9;
export const PWA_REAL_URL = `http://localhost:${PWA_REAL_PORT}/`;

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
    // Modules of the app bundled on their own and run in a blank page: what jsdom cannot show.
    { name: 'in-browser', testMatch: 'in-browser/**/*.spec.ts' },
    {
      name: 'real-no-webgpu',
      testMatch: [
        'real/no-webgpu.spec.ts',
        'real/shared-link.spec.ts',
        'real/layout-shift.spec.ts',
        'real/code-split.spec.ts',
      ],
      use: { baseURL: REAL_URL },
    },
    {
      name: 'real-webgpu',
      testMatch: 'real/webgpu.spec.ts',
      use: {
        baseURL: REAL_URL,
        // Chromium's WebGPU on the CPU (SwiftShader): a real adapter, without shader-f16.
        launchOptions: { executablePath: browser.path, args: [...quietChromium, '--enable-unsafe-webgpu'] },
      },
    },
    {
      name: 'scripted',
      testMatch: 'scripted/**/*.spec.ts',
      use: { baseURL: `http://localhost:${SCRIPTED_PORT}/` },
    },
    {
      name: 'pwa',
      testMatch: 'pwa/**/*.spec.ts',
      use: {
        baseURL: PWA_URL,
        // For the production build's device check offline; the scripted build ignores the adapter.
        launchOptions: { executablePath: browser.path, args: [...quietChromium, '--enable-unsafe-webgpu'] },
      },
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
    {
      command: `node scripts/serve.mjs dist --port ${REAL_PORT} --quiet`,
      url: REAL_URL,
      reuseExistingServer: !process.env['CI'],
    },
    {
      command: `node scripts/serve.mjs dist-e2e --port ${PWA_PORT} --quiet`,
      url: PWA_URL,
      reuseExistingServer: !process.env['CI'],
    },
    {
      command: `node scripts/serve.mjs dist-e2e --port ${PWA_NESTED_PORT} --base /deep/nested/app/ --quiet`,
      url: PWA_NESTED_URL,
      reuseExistingServer: !process.env['CI'],
    },
    {
      command: `node scripts/serve.mjs dist --port ${PWA_REAL_PORT} --quiet`,
      url: PWA_REAL_URL,
      reuseExistingServer: !process.env['CI'],
    },
    ...Object.entries(brokenModelServers).map(([fixture, port]) => ({
      command: `node scripts/serve.mjs dist --port ${port} --models e2e/fixtures/models/${fixture} --quiet`,
      url: `http://localhost:${port}/`,
      reuseExistingServer: !process.env['CI'],
    })),
  ],
});
