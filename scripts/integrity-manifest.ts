// Usage: npx tsx scripts/integrity-manifest.ts <model folder>
// Writes <model folder>/integrity.json: every file of the build with its size and its SHA-256 in Subresource
// Integrity form (what web-llm's `ModelRecord.integrity` takes). build.sh runs it last, on a build that passed
// `npm run check-model`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const INTEGRITY_FILE = 'integrity.json';

export interface IntegrityEntry {
  /** The file's size in bytes. */
  readonly bytes: number;
  /** `sha256-<base64>`, as an SRI `integrity` attribute and web-llm's `verifyIntegrity` take it. */
  readonly integrity: string;
}

/**
 * The manifest; `version` changes with its shape. The worker reads it with the same shape
 * (src/engine/web-llm/integrity.ts).
 */
export interface IntegrityManifest {
  readonly version: 1;
  readonly files: Readonly<Record<string, IntegrityEntry>>;
}

/** The SRI string of a file, read as a stream: the shards are tens of megabytes each, a build gigabytes. */
export async function sriOfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256-${hash.digest('base64')}`;
}

/** Paths relative to `root`, with `/`, of every file below `folder`. */
async function filesBelow(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) return filesBelow(root, full);
      return entry.isFile() ? [path.relative(root, full).split(path.sep).join('/')] : [];
    }),
  );
  return nested.flat();
}

/** Every file of a model folder but the manifest itself, sorted by name. */
export async function buildIntegrityManifest(folder: string): Promise<IntegrityManifest> {
  const names = (await filesBelow(folder, folder)).filter((name) => name !== INTEGRITY_FILE).sort();
  for (const required of ['mlc-chat-config.json', 'tensor-cache.json']) {
    if (!names.includes(required)) {
      throw new Error(
        `${folder} has no ${required}: it is not a model folder (<id>/resolve/main/ of a build).`,
      );
    }
  }
  const files: Record<string, IntegrityEntry> = {};
  for (const name of names) {
    const file = path.join(folder, ...name.split('/'));
    files[name] = { bytes: (await stat(file)).size, integrity: await sriOfFile(file) };
  }
  return { version: 1, files };
}

/** Writes `integrity.json` into the folder and returns it. */
export async function writeIntegrityManifest(folder: string): Promise<IntegrityManifest> {
  const manifest = await buildIntegrityManifest(folder);
  await writeFile(path.join(folder, INTEGRITY_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const [folder, ...extra] = process.argv.slice(2);
  if (folder === undefined || extra.length > 0) {
    console.error('Usage: npx tsx scripts/integrity-manifest.ts <model folder>');
    process.exit(2);
  }
  try {
    const manifest = await writeIntegrityManifest(folder);
    const files = Object.values(manifest.files);
    const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    console.log(
      `${path.join(folder, INTEGRITY_FILE)}: ${files.length} files, ${bytes.toLocaleString('en-US')} bytes.`,
    );
  } catch (error) {
    console.error(`integrity-manifest: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
