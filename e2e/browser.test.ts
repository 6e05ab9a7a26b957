import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENV, findChromium } from './browser';

const none = () => false;
const own = () => '/home/me/.cache/ms-playwright/chromium/chrome';

describe('findChromium', () => {
  it('prefers the environment variable', () => {
    expect(findChromium({ [BROWSER_ENV]: '/opt/chrome' }, () => true, own)).toEqual({ path: '/opt/chrome' });
  });

  it('says so when the environment variable names nothing', () => {
    const found = findChromium({ [BROWSER_ENV]: '/nope' }, none, own);
    expect(found).toEqual({ problem: `${BROWSER_ENV}=/nope does not exist.` });
  });

  it('takes the system Chromium before Playwright’s own', () => {
    const exists = (path: string) => path === '/usr/bin/chromium' || path === own();
    expect(findChromium({}, exists, own)).toEqual({ path: '/usr/bin/chromium' });
  });

  it('falls back to Playwright’s own browser', () => {
    expect(findChromium({}, (path) => path === own(), own)).toEqual({ path: own() });
  });

  it('explains in one line how to get a browser when there is none', () => {
    const found = findChromium({}, none, () => {
      throw new Error('unsupported platform');
    });
    expect('problem' in found && found.problem).toMatch(
      /^No Chromium or Chrome found: .*apt-get install -y chromium.*$/,
    );
    expect('problem' in found && found.problem.includes('\n')).toBe(false);
  });
});

describe('playwright.config.ts without a browser', () => {
  // A Playwright subprocess: seconds on a busy machine.
  it('stops the run with one line', { timeout: 60_000 }, () => {
    const run = spawnSync(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '--list'], {
      env: { ...process.env, [BROWSER_ENV]: '/no/such/chrome' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(`${run.stdout}${run.stderr}`.trim()).toBe(`${BROWSER_ENV}=/no/such/chrome does not exist.`);
  });
});
