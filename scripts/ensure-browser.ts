// Runs before the end-to-end tests (npm run test:e2e): finds the browser they use, or installs one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findChromium } from '../e2e/browser';
import { provisionBrowser, provisionKoreanFonts } from '../e2e/provision-browser';

const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : undefined;

const machine = { platform: process.platform, osRelease, isRoot: process.getuid?.() === 0 };
const run = ([command, ...args]: readonly [string, ...string[]], env?: Readonly<Record<string, string>>) =>
  spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;

const result = provisionBrowser({
  machine,
  env: process.env,
  find: () => findChromium(),
  run,
  starts: (path) => spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0,
  log: (line) => {
    console.log(line);
  },
  playwrightCli: createRequire(import.meta.url).resolve('@playwright/test/cli'),
  node: process.execPath,
});

if ('problem' in result) {
  console.error(result.problem);
  process.exit(1);
}

// fc-list is fontconfig's, which Chromium needs anyway; where it is missing, no font is found and the
// provisioning says so (or installs them, which brings fontconfig too).
provisionKoreanFonts({
  machine,
  hasKoreanFont: () => {
    const listed = spawnSync('fc-list', [':lang=ko', 'family'], { encoding: 'utf8' });
    return listed.status === 0 && listed.stdout.trim() !== '';
  },
  run,
  log: (line) => {
    console.log(line);
  },
});
