import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tokenizer } from '@mlc-ai/web-tokenizers';

let webTokenizers: typeof Tokenizer | undefined;

/**
 * web-tokenizers' `Tokenizer` class, loaded the way Node can: the package's file is UMD inside a
 * `"type": "module"` package, so Node's ESM loader runs it without exports; required as a `.cjs` copy it
 * takes its CommonJS branch. The copy is removed once loaded (its wasm is inlined, nothing is read later).
 * The unit tests' tokenizer fixture and `npm run check-model` both load the library through here.
 */
export function loadWebTokenizersInNode(): typeof Tokenizer {
  if (webTokenizers) return webTokenizers;
  const requireCjs = createRequire(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'web-tokenizers-'));
  try {
    const copy = join(dir, 'web-tokenizers.cjs');
    copyFileSync(requireCjs.resolve('@mlc-ai/web-tokenizers'), copy);
    webTokenizers = (requireCjs(copy) as { Tokenizer: typeof Tokenizer }).Tokenizer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return webTokenizers;
}
