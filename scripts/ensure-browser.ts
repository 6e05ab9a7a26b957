// Runs before the end-to-end tests (npm run test:e2e): finds the browser they use, or installs one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findChromium } from '../e2e/browser';
import { provisionBrowser } from '../e2e/provision-browser';

const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : undefined;

const result = provisionBrowser({
  machine: { platform: process.platform, osRelease, isRoot: process.getuid?.() === 0 },
  env: process.env,
  find: () => findChromium(),
  run: ([command, ...args], env) =>
    spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0,
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
