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

/** A chunk as both the build's manifest and its bundle can say it: its file, and the keys it imports. */
export interface ChunkImports {
  readonly file: string;
  readonly imports: readonly string[];
}

/** Adds to `files` the file of `key`'s chunk and those of the chunks it imports statically, however deep. */
export function addStaticImports(
  key: string,
  chunkOf: (key: string) => ChunkImports | undefined,
  files: Set<string>,
): Set<string> {
  const chunk = chunkOf(key);
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const imported of chunk.imports) addStaticImports(imported, chunkOf, files);
  return files;
}

function manifestChunks(manifest: Manifest): (key: string) => ChunkImports | undefined {
  return (key) => {
    const chunk = manifest[key];
    return chunk && { file: chunk.file, imports: chunk.imports ?? [] };
  };
}

/**
 * The JavaScript files (relative to `dist`) of the page's own script: the entries and their static imports,
 * the shell that every address loads.
 */
export function pageScripts(dist: string): string[] {
  const manifest = readManifest(dist);
  const files = new Set<string>();
  for (const [key, chunk] of Object.entries(manifest))
    if (chunk.isEntry) addStaticImports(key, manifestChunks(manifest), files);
  return [...files].filter((file) => file.endsWith('.js'));
}

/**
 * The JavaScript files of a screen (a module that is a chunk of its own, such as `src/ui/chat/chat-screen.tsx`)
 * beyond the page's own script: what the page's `<head>` asks for along with it.
 */
export function screenScripts(dist: string, ...modules: readonly string[]): string[] {
  const manifest = readManifest(dist);
  const page = new Set(pageScripts(dist));
  const files = new Set<string>();
  for (const module of modules) {
    if (!manifest[module]) throw new Error(`${module} is no chunk of ${dist}.`);
    addStaticImports(module, manifestChunks(manifest), files);
  }
  return [...files].filter((file) => file.endsWith('.js') && !page.has(file));
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
