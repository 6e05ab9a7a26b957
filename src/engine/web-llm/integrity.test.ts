import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIntegrityManifest } from '../../../scripts/integrity-manifest';
import { parseIntegrityManifest, sha256Sri } from './integrity';

describe('the integrity manifest', () => {
  it('is read by the app as the build recipe writes it, with the same hashes Web Crypto gives', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'integrity-'));
    try {
      const shard = Uint8Array.from({ length: 3000 }, (_, index) => index % 256);
      writeFileSync(join(folder, 'mlc-chat-config.json'), '{}');
      writeFileSync(join(folder, 'tensor-cache.json'), '{"records":[]}');
      writeFileSync(join(folder, 'params_shard_0.bin'), shard);
      const written = JSON.parse(JSON.stringify(await buildIntegrityManifest(folder))) as unknown;
      const parsed = parseIntegrityManifest(written);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.value.files['params_shard_0.bin']).toEqual({
        bytes: 3000,
        integrity: await sha256Sri(shard.slice().buffer),
      });
      expect(Object.keys(parsed.value.files).sort()).toEqual([
        'mlc-chat-config.json',
        'params_shard_0.bin',
        'tensor-cache.json',
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names the first thing wrong with a file that is not one', () => {
    expect(parseIntegrityManifest({ version: 2, files: {} })).toEqual({
      ok: false,
      reason: 'integrity.json.version: expected version 1',
    });
  });
});
