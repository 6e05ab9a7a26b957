import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticFiles, writeModelFolder } from './check-model/synthetic-build';
import {
  INTEGRITY_FILE,
  sriOfFile,
  writeIntegrityManifest,
  type IntegrityManifest,
} from './integrity-manifest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function modelFolder(): { folder: string; files: Map<string, Uint8Array> } {
  const parent = mkdtempSync(path.join(tmpdir(), 'integrity-'));
  temporary.push(parent);
  const files = syntheticFiles();
  return { folder: writeModelFolder(parent, 'Ko-Test-q4f16_1-MLC/resolve/main', files), files };
}

const sri = (bytes: Uint8Array): string => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

describe('integrity.json', () => {
  it('gives SRI strings as the browser computes them', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'integrity-'));
    temporary.push(parent);
    writeFileSync(path.join(parent, 'empty'), '');
    // The SHA-256 of nothing, as every SRI tool writes it.
    expect(await sriOfFile(path.join(parent, 'empty'))).toBe(
      'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    );
  });

  it('lists every file of the build with its size and SHA-256', async () => {
    const { folder, files } = modelFolder();
    const manifest = await writeIntegrityManifest(folder);
    const expected = Object.fromEntries(
      [...files]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, bytes]) => [name, { bytes: bytes.byteLength, integrity: sri(bytes) }]),
    );
    expect(manifest).toEqual({ version: 1, files: expected });
    expect(Object.keys(manifest.files)).toEqual([
      'Ko-Test-q4f16_1-webgpu.wasm',
      'mlc-chat-config.json',
      'params_shard_0.bin',
      'params_shard_1.bin',
      'params_shard_2.bin',
      'tensor-cache.json',
      'tokenizer.json',
    ]);
    const written = readFileSync(path.join(folder, INTEGRITY_FILE), 'utf8');
    expect(written.endsWith('}\n')).toBe(true);
    expect(JSON.parse(written)).toEqual(manifest);
  });

  it('leaves itself out when written again, and takes files in subfolders by their path', async () => {
    const { folder } = modelFolder();
    await writeIntegrityManifest(folder);
    mkdirSync(path.join(folder, 'extra'));
    writeFileSync(path.join(folder, 'extra', 'note.txt'), 'x');
    const again = await writeIntegrityManifest(folder);
    expect(again.files).not.toHaveProperty(INTEGRITY_FILE);
    expect(again.files['extra/note.txt']).toEqual({
      bytes: 1,
      integrity: sri(new TextEncoder().encode('x')),
    });
  });

  it('refuses a folder that is not a build', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'integrity-'));
    temporary.push(parent);
    await expect(writeIntegrityManifest(parent)).rejects.toThrow(
      /has no mlc-chat-config\.json: it is not a model folder/,
    );
  });

  // A tsx subprocess: seconds on a busy machine.
  it('runs as the command build.sh calls', { timeout: 60_000 }, () => {
    const { folder } = modelFolder();
    const run = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'scripts/integrity-manifest.ts'), folder],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/integrity\.json: 7 files, [\d,]+ bytes\.\n$/);
    const manifest = JSON.parse(readFileSync(path.join(folder, INTEGRITY_FILE), 'utf8')) as IntegrityManifest;
    expect(manifest.files['tokenizer.json']?.integrity).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
  });
});
