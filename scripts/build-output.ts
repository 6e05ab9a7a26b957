import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly assets?: readonly string[];
}

type Manifest = Readonly<Record<string, ManifestChunk>>;

function readManifest(dist: string): Manifest {
  return JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
}

/** The JavaScript files (relative to `dist`) that the page loads at start: entries and their static imports. */
export function pageScripts(dist: string): string[] {
  const manifest = readManifest(dist);
  const files = new Set<string>();
  const visit = (key: string): void => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return [...files].filter((file) => file.endsWith('.js'));
}

/** The engine worker's entry file, and the chunks it imports on demand (web-llm, on the first load), transitively. */
export function workerScripts(dist: string): { readonly entry: string; readonly onDemand: string[] } {
  const workers = Object.values(readManifest(dist))
    .flatMap((chunk) => chunk.assets ?? [])
    .filter((file) => /(^|\/)worker-[\w-]+\.js$/.test(file));
  const entry = workers[0];
  if (!entry || workers.length > 1)
    throw new Error(`Expected one worker in ${dist}, found ${workers.length}.`);
  const folder = entry.slice(0, entry.lastIndexOf('/') + 1);
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const code = readFileSync(join(dist, file), 'utf8');
    // Chunks refer to each other as "./name.js" from the same folder, statically or in import().
    for (const match of code.matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) {
      const chunk = folder + (match[1] ?? '');
      if (!seen.has(chunk)) {
        seen.add(chunk);
        queue.push(chunk);
      }
    }
  }
  seen.delete(entry);
  return { entry, onDemand: [...seen] };
}
