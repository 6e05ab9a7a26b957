import { createHash } from 'node:crypto';
import type { Rolldown } from 'vite';
import { SHARE_FRAGMENT_PREFIX } from '../src/conversation/formats/share-fragment';
import { addStaticImports, type ChunkImports } from './build-output';

/**
 * The screens a first visit may open, by the modules whose chunks each needs at once: a shared
 * conversation's answers are Markdown, which its view would otherwise ask for only once it shows.
 */
export const FIRST_SCREENS = {
  chat: ['src/app/app-page.tsx', 'src/ui/chat/chat-screen.tsx'],
  shared: ['src/app/shared-page.tsx', 'src/ui/markdown/markdown-view.tsx'],
} as const;

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

const chunks = (bundle: OutputBundle): OutputChunk[] =>
  Object.values(bundle).filter((output): output is OutputChunk => output.type === 'chunk');

/** The bundle's chunks by file name, as {@link addStaticImports} reads them. */
const bundleChunks =
  (bundle: OutputBundle) =>
  (fileName: string): ChunkImports | undefined => {
    const chunk = bundle[fileName];
    return chunk?.type === 'chunk' ? { file: fileName, imports: chunk.imports } : undefined;
  };

/**
 * The files each screen needs beyond what the page's script brings (which the HTML preloads already), in
 * `base`-relative paths.
 */
export function screenFiles(
  bundle: OutputBundle,
  entry: string,
  base: string,
): Record<keyof typeof FIRST_SCREENS, string[]> {
  const page = addStaticImports(entry, bundleChunks(bundle), new Set());
  const filesOf = (modules: readonly string[]): string[] => {
    const files = new Set<string>();
    for (const module of modules) {
      const chunk = chunks(bundle).find(({ facadeModuleId }) => facadeModuleId?.endsWith(`/${module}`));
      if (!chunk) throw new Error(`${module} is no chunk of its own: the first screen cannot be preloaded.`);
      addStaticImports(chunk.fileName, bundleChunks(bundle), files);
    }
    return [...files].filter((file) => !page.has(file)).map((file) => base + file);
  };
  return { chat: filesOf(FIRST_SCREENS.chat), shared: filesOf(FIRST_SCREENS.shared) };
}

/**
 * A script for the page's `<head>` that asks for the chunks of the screen the address opens (a shared
 * conversation, or the chat) while the page's own script is still coming: without it they would be asked for
 * only once that script has run, a round trip later. It only adds `<link rel="modulepreload">` elements.
 */
export function preloadScript(files: Record<keyof typeof FIRST_SCREENS, readonly string[]>): string {
  return `(function(){var h=location.hash.replace(/^#/,"");var f=h.indexOf(${JSON.stringify(SHARE_FRAGMENT_PREFIX)})===0?${JSON.stringify(files.shared)}:${JSON.stringify(files.chat)};for(var i=0;i<f.length;i++){var l=document.createElement("link");l.rel="modulepreload";l.crossOrigin="";l.href=f[i];document.head.appendChild(l)}})()`;
}

/** The CSP source that lets exactly this inline script run. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}
