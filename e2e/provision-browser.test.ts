import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BrowserLookup, BROWSER_ENV } from './browser';
import {
  installAdvice,
  installSteps,
  isDebianLike,
  type Machine,
  provisionBrowser,
  provisionKoreanFonts,
} from './provision-browser';

const debianRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';
const ubuntuRelease = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const mintRelease = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const fedoraRelease = 'NAME="Fedora Linux"\nID=fedora\n';

const debianContainer: Machine = { platform: 'linux', osRelease: debianRelease, isRoot: true };
const debianDesktop: Machine = { platform: 'linux', osRelease: debianRelease, isRoot: false };
const mac: Machine = { platform: 'darwin', osRelease: undefined, isRoot: false };
const windows: Machine = { platform: 'win32', osRelease: undefined, isRoot: false };
const fedoraRoot: Machine = { platform: 'linux', osRelease: fedoraRelease, isRoot: true };

const none: BrowserLookup = { problem: 'No Chromium or Chrome found' };

/** A machine whose browser appears once the named command has run, and that records every command. */
function simulate(
  machine: Machine,
  options: { works?: string; present?: string; env?: Record<string, string> },
) {
  const ran: string[] = [];
  let browser: BrowserLookup = options.present ? { path: options.present } : none;
  const result = provisionBrowser({
    machine,
    env: options.env ?? {},
    find: () => browser,
    run: (command) => {
      const line = command.join(' ');
      ran.push(line);
      if (options.works !== undefined && line.includes(options.works)) {
        browser = { path: line.includes('apt-get') ? '/usr/bin/chromium' : '/cache/ms-playwright/chrome' };
        return true;
      }
      return line === 'apt-get update -qq';
    },
    starts: () => true,
    log: () => undefined,
    playwrightCli: 'cli.js',
    node: 'node',
  });
  return { result, ran };
}

describe('isDebianLike', () => {
  it.each([
    ['Debian', debianRelease, true],
    ['Ubuntu', ubuntuRelease, true],
    ['Linux Mint (quoted ID_LIKE)', mintRelease, true],
    ['Fedora', fedoraRelease, false],
    ['no /etc/os-release', undefined, false],
  ])('%s', (_name, release, expected) => {
    expect(isDebianLike(release)).toBe(expected);
  });
});

describe('installSteps', () => {
  it('tries Playwright first, then apt-get on Debian as root', () => {
    const steps = installSteps(debianContainer, 'cli.js', 'node');
    expect(steps.map((step) => step.commands.map((command) => command.join(' ')))).toEqual([
      ['node cli.js install chromium'],
      ['apt-get update -qq', 'apt-get install -y -qq chromium'],
    ]);
    expect(steps[1]?.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive' });
  });

  it.each([
    ['Debian without root', debianDesktop],
    ['macOS', mac],
    ['Windows', windows],
    ['Fedora as root', fedoraRoot],
  ])('only tries Playwright on %s', (_name, machine) => {
    const steps = installSteps(machine, 'cli.js', 'node');
    expect(steps.map((step) => step.commands.map((command) => command.join(' ')))).toEqual([
      ['node cli.js install chromium'],
    ]);
  });
});

describe('provisionBrowser', () => {
  it('downloads nothing when a browser is already there', () => {
    const { result, ran } = simulate(debianContainer, { present: '/usr/bin/chromium', works: 'install' });
    expect(result).toEqual({ path: '/usr/bin/chromium' });
    expect(ran).toEqual([]);
  });

  it(`never installs another browser instead of the one ${BROWSER_ENV} names`, () => {
    const { result, ran } = simulate(debianContainer, { env: { [BROWSER_ENV]: '/nope' }, works: 'install' });
    expect(result).toBe(none);
    expect(ran).toEqual([]);
  });

  it('stops at Playwright’s Chromium when it downloads', () => {
    const { result, ran } = simulate(debianContainer, { works: 'cli.js install chromium' });
    expect(result).toEqual({ path: '/cache/ms-playwright/chrome' });
    expect(ran).toEqual(['node cli.js install chromium']);
  });

  it('falls back to apt-get on Debian as root when Playwright cannot download', () => {
    const { result, ran } = simulate(debianContainer, { works: 'apt-get install' });
    expect(result).toEqual({ path: '/usr/bin/chromium' });
    expect(ran).toEqual([
      'node cli.js install chromium',
      'apt-get update -qq',
      'apt-get install -y -qq chromium',
    ]);
  });

  it('moves on when a downloaded browser does not start', () => {
    const ran: string[] = [];
    let browser: BrowserLookup = none;
    const result = provisionBrowser({
      machine: debianContainer,
      env: {},
      find: () => browser,
      run: (command) => {
        ran.push(command.join(' '));
        browser = { path: command.includes('apt-get') ? '/usr/bin/chromium' : '/cache/chrome-without-libs' };
        return true;
      },
      starts: (path) => path === '/usr/bin/chromium',
      log: () => undefined,
      playwrightCli: 'cli.js',
      node: 'node',
    });
    expect(result).toEqual({ path: '/usr/bin/chromium' });
    expect(ran).toHaveLength(3);
  });

  it.each([
    ['Debian without root', debianDesktop, 'sudo apt-get install -y chromium'],
    ['macOS', mac, 'install Google Chrome'],
  ])('says in one line what to install on %s when nothing could be', (_name, machine, advice) => {
    const { result, ran } = simulate(machine, {});
    expect(ran).toEqual(['node cli.js install chromium']);
    expect(result).toEqual({ problem: installAdvice(machine) });
    const problem = 'problem' in result ? result.problem : '';
    expect(problem).toContain(advice);
    expect(problem).toContain('npx playwright install chromium');
    expect(problem).not.toContain('\n');
  });
});

describe('provisionKoreanFonts', () => {
  /** A machine whose Korean font appears once apt-get installs it (when `installs`), recording what ran. */
  function fonts(machine: Machine, { present = false, installs = true } = {}) {
    const ran: string[] = [];
    const logged: string[] = [];
    let installed = present;
    provisionKoreanFonts({
      machine,
      hasKoreanFont: () => installed,
      run: (command) => {
        const line = command.join(' ');
        ran.push(line);
        if (installs && line.includes('fonts-noto-cjk')) installed = true;
        return true;
      },
      log: (line) => logged.push(line),
    });
    return { ran, logged, installed: () => installed };
  }

  it('installs nothing where a Korean font is there', () => {
    expect(fonts(debianContainer, { present: true }).ran).toEqual([]);
  });

  it('installs fonts-noto-cjk on Debian as root', () => {
    const { ran, installed } = fonts(debianContainer);
    expect(ran).toEqual(['apt-get update -qq', 'apt-get install -y -qq fonts-noto-cjk']);
    expect(installed()).toBe(true);
  });

  it('says what to install where it cannot, and runs nothing', () => {
    for (const machine of [debianDesktop, mac, fedoraRoot]) {
      const { ran, logged } = fonts(machine);
      expect(ran).toEqual([]);
      expect(logged.join('\n')).toContain('fonts-noto-cjk');
    }
  });
});

describe('npm test', () => {
  it('provisions the browser before the end-to-end tests run', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const e2e = scripts['test:e2e'] ?? '';
    expect(e2e.indexOf('tsx scripts/ensure-browser.ts')).toBeGreaterThanOrEqual(0);
    expect(e2e.indexOf('tsx scripts/ensure-browser.ts')).toBeLessThan(e2e.indexOf('playwright test'));
    expect(scripts['test']).toContain('npm run test:e2e');
  });
});
