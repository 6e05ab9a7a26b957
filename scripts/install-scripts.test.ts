import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as unknown;
const manifest = read('package.json') as { allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };

describe('npm install', () => {
  // npm 11 skips a dependency's install script unless `allowScripts` decides it, and warns for each
  // package it has no decision on: a fresh install must not leave the user a warning to act on.
  it('has an allowScripts decision for every package with an install script', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(manifest.allowScripts?.[name], name).toBeTypeOf('boolean');
  });

  // esbuild's postinstall only checks the binary's version and swaps its CLI's JavaScript shim for a link
  // to the binary from its platform package (@esbuild/<os>-<cpu>, an optional dependency npm installs).
  // tsx and Vite call its JavaScript API, which finds that binary on its own: the script is denied.
  it('leaves esbuild working without its postinstall', () => {
    expect(manifest.allowScripts?.['esbuild']).toBe(false);
    expect(transformSync('const answer: number = 42', { loader: 'ts' }).code).toBe('const answer = 42;\n');
  });
});
