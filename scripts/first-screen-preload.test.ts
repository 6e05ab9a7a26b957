import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Rolldown } from 'vite';
import { preloadScript, scriptHash, screenFiles } from './first-screen-preload';

/** A bundle of chunks: file → [the module it is the chunk of, its static imports]. */
function bundleOf(chunks: Record<string, [string | null, string[]]>): Rolldown.OutputBundle {
  return Object.fromEntries(
    Object.entries(chunks).map(([fileName, [facadeModuleId, imports]]) => [
      fileName,
      { type: 'chunk', fileName, facadeModuleId, imports } as unknown as Rolldown.OutputChunk,
    ]),
  );
}

const bundle = bundleOf({
  'assets/index.js': ['/app/index.html', ['assets/i18n.js']],
  'assets/i18n.js': [null, []],
  'assets/app-page.js': ['/app/src/app/app-page.tsx', ['assets/i18n.js', 'assets/store.js']],
  'assets/store.js': [null, []],
  'assets/chat-screen.js': ['/app/src/ui/chat/chat-screen.tsx', ['assets/i18n.js', 'assets/message-view.js']],
  'assets/message-view.js': [null, ['assets/i18n.js']],
  'assets/shared-page.js': ['/app/src/app/shared-page.tsx', ['assets/message-view.js']],
  'assets/markdown-view.js': ['/app/src/ui/markdown/markdown-view.tsx', ['assets/purify.js']],
  'assets/purify.js': [null, []],
});

/** Runs the script as the page's <head> would, at an address with this fragment; what it preloads. */
function preloadedAt(script: string, hash: string): { rel: string; href: string; crossOrigin: string }[] {
  const links: { rel: string; href: string; crossOrigin: string }[] = [];
  const document = {
    createElement: () => ({ rel: '', href: '', crossOrigin: null }),
    head: { appendChild: (link: (typeof links)[number]) => links.push(link) },
  };
  runInNewContext(script, { location: { hash }, document });
  return links;
}

describe('the first screen’s preload', () => {
  it('names, for each screen, the chunks it needs beyond those the page’s script brings, however deep', () => {
    expect(screenFiles(bundle, 'assets/index.js', './')).toEqual({
      chat: [
        './assets/app-page.js',
        './assets/store.js',
        './assets/chat-screen.js',
        './assets/message-view.js',
      ],
      shared: [
        './assets/shared-page.js',
        './assets/message-view.js',
        './assets/markdown-view.js',
        './assets/purify.js',
      ],
    });
  });

  it('refuses a build where a screen is no chunk of its own', () => {
    const { 'assets/chat-screen.js': _, ...rest } = bundle;
    expect(() => screenFiles(rest, 'assets/index.js', './')).toThrow(/chat-screen.tsx is no chunk/);
  });

  it('preloads the shared view for a shared link and the chat screen for any other address', () => {
    const script = preloadScript({ chat: ['./a/chat.js'], shared: ['./a/shared.js', './a/md.js'] });
    expect(preloadedAt(script, '#share=1.20.abc.xyz')).toEqual([
      { rel: 'modulepreload', href: './a/shared.js', crossOrigin: '' },
      { rel: 'modulepreload', href: './a/md.js', crossOrigin: '' },
    ]);
    for (const hash of ['', '#', '#other', '#sharex']) {
      expect(preloadedAt(script, hash).map(({ href }) => href)).toEqual(['./a/chat.js']);
    }
  });

  it('is allowed by its own hash and by nothing else', () => {
    const script = preloadScript({ chat: ['./a/chat.js'], shared: [] });
    const digest = createHash('sha256').update(script).digest('base64');
    expect(scriptHash(script)).toBe(`'sha256-${digest}'`);
    expect(scriptHash(`${script} `)).not.toBe(scriptHash(script));
  });
});
