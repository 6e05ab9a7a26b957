import { createHash } from 'node:crypto';
import type { Rolldown } from 'vite';
import { SHARE_FRAGMENT_PREFIX } from '../src/conversation/formats/share-fragment';

/** The screens a first visit may open, by the module each is the chunk of. */
export const SCREENS = {
  chat: 'src/ui/chat/chat-screen.tsx',
  shared: 'src/ui/share/shared-conversation-view.tsx',
} as const;

/** A shared conversation's answers are Markdown, which the shared view would ask for only once it shows. */
const MARKDOWN_VIEW = 'src/ui/markdown/markdown-view.tsx';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

const chunks = (bundle: OutputBundle): OutputChunk[] =>
  Object.values(bundle).filter((output): output is OutputChunk => output.type === 'chunk');

/** A chunk's file and the files of every chunk it imports statically, however deep. */
function withStaticImports(bundle: OutputBundle, fileName: string, found = new Set<string>()): Set<string> {
  if (found.has(fileName)) return found;
  found.add(fileName);
  const chunk = bundle[fileName];
  if (chunk?.type === 'chunk')
    for (const imported of chunk.imports) withStaticImports(bundle, imported, found);
  return found;
}

/**
 * The files each screen needs beyond what the page's script brings (which the HTML preloads already), in
 * `base`-relative paths.
 */
export function screenFiles(
  bundle: OutputBundle,
  entry: string,
  base: string,
): Record<keyof typeof SCREENS, string[]> {
  const page = withStaticImports(bundle, entry);
  const filesOf = (...modules: string[]): string[] => {
    const files = new Set<string>();
    for (const module of modules) {
      const chunk = chunks(bundle).find(({ facadeModuleId }) => facadeModuleId?.endsWith(`/${module}`));
      if (!chunk) throw new Error(`${module} is no chunk of its own: the first screen cannot be preloaded.`);
      withStaticImports(bundle, chunk.fileName, files);
    }
    return [...files].filter((file) => !page.has(file)).map((file) => base + file);
  };
  return { chat: filesOf(SCREENS.chat), shared: filesOf(SCREENS.shared, MARKDOWN_VIEW) };
}

/**
 * A script for the page's `<head>` that asks for the chunks of the screen the address opens (a shared
 * conversation, or the chat) while the page's own script is still coming: without it they would be asked for
 * only once that script has run, a round trip later. It only adds `<link rel="modulepreload">` elements.
 */
export function preloadScript(files: Record<keyof typeof SCREENS, readonly string[]>): string {
  return `(function(){var h=location.hash.replace(/^#/,"");var f=h.indexOf(${JSON.stringify(SHARE_FRAGMENT_PREFIX)})===0?${JSON.stringify(files.shared)}:${JSON.stringify(files.chat)};for(var i=0;i<f.length;i++){var l=document.createElement("link");l.rel="modulepreload";l.crossOrigin="";l.href=f[i];document.head.appendChild(l)}})()`;
}

/** The CSP source that lets exactly this inline script run. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}
