import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags that keep Chromium from reaching for the network on a machine that has none. */
export const QUIET_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Environment variable that names the Chromium or Chrome binary to test with. */
export const BROWSER_ENV = 'CHROMIUM_PATH';

const installed = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

export type BrowserLookup = { readonly path: string } | { readonly problem: string };

/**
 * Finds a browser for the end-to-end tests: the environment variable, else a system Chromium or Chrome,
 * else Playwright's own download.
 */
export function findChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
  exists: (path: string) => boolean = existsSync,
  playwrightOwn: () => string = () => chromium.executablePath(),
): BrowserLookup {
  const fromEnv = env[BROWSER_ENV];
  if (fromEnv) {
    return exists(fromEnv) ? { path: fromEnv } : { problem: `${BROWSER_ENV}=${fromEnv} does not exist.` };
  }
  const system = installed.find((path) => exists(path));
  if (system) return { path: system };
  let own = '';
  try {
    own = playwrightOwn();
  } catch {
    // Playwright throws when it has no browser registry entry for this platform.
  }
  if (own && exists(own)) return { path: own };
  return {
    problem: `No Chromium or Chrome found: install one (Debian: apt-get install -y chromium; elsewhere: npx playwright install chromium) or set ${BROWSER_ENV}=/path/to/chrome.`,
  };
}
