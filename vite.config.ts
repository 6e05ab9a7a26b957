/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { preloadScript, screenFiles, scriptHash } from './scripts/first-screen-preload.js';
import { contentSecurityPolicy, modelConnectSources } from './src/pwa/content-security-policy.js';

const CSP_META = /<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>/;
const CSP_HEADER = /^([ \t]+Content-Security-Policy:).*$/m;

/**
 * Writes the Content-Security-Policy into the built index.html's `<meta>` and into `_headers` (copied from
 * public/), with the model host of this build in `connect-src`, and puts the first screen's preload script
 * (scripts/first-screen-preload.ts) into the page's `<head>`, allowed by its hash. The dev server gets
 * neither: Vite's client and React Fast Refresh run inline scripts, and it has no chunks.
 */
function contentSecurityPolicyPlugin(connectSources: readonly string[]): Plugin {
  let outDir = '';
  let base = './';
  const scriptHashes: string[] = [];
  return {
    name: 'hangul-llama:content-security-policy',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      base = config.base;
    },
    transformIndexHtml: {
      // After Vite has put in the page's script and its preloads: the screens' chunks are known then.
      order: 'post',
      handler(html, context) {
        if (!CSP_META.test(html)) throw new Error('index.html lost its Content-Security-Policy <meta>.');
        if (context.server || !context.bundle || !context.chunk) return html.replace(CSP_META, '');
        const script = preloadScript(screenFiles(context.bundle, context.chunk.fileName, base));
        scriptHashes.splice(0, scriptHashes.length, scriptHash(script));
        const policy = contentSecurityPolicy({ connectSources, delivery: 'meta', scriptHashes });
        // Right after the policy, before the stylesheet: a script after a stylesheet waits for it to load.
        return html.replace(
          CSP_META,
          `<meta http-equiv="Content-Security-Policy" content="${policy}" />\n    <script>${script}</script>`,
        );
      },
    },
    async writeBundle() {
      const file = resolve(outDir, '_headers');
      const headers = await readFile(file, 'utf8');
      if (!CSP_HEADER.test(headers)) throw new Error('public/_headers lost its Content-Security-Policy.');
      const policy = contentSecurityPolicy({ connectSources, delivery: 'header', scriptHashes });
      await writeFile(file, headers.replace(CSP_HEADER, `$1 ${policy}`));
    },
  };
}

/** What the service worker precaches; shared with the test that checks model files stay out (e2e/pwa/). */
export const precacheFiles = {
  // The app shell, every chunk (the engine worker, web-llm, the tokenizer) and the icons.
  globPatterns: ['**/*.{html,js,css,svg,png,ico,wasm}'],
  // Model files are web-llm's to cache; a deployer may keep them in models/ next to the app.
  globIgnores: ['models/**', '.vite/**'],
  // web-llm is one ~6 MB chunk and the tokenizer ~4.7 MB; both must be in the precache.
  maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
};

/**
 * React's API on Preact (preact/compat): the same components and libraries (zustand, react-virtual) at a
 * tenth of React DOM's size, which on a phone's first visit is most of the page's script. Every build and
 * every test runs on it; the code keeps importing from 'react' and is typed by React's types.
 */
const preactAliases = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/** A package's version, from its package.json: what a measurement on a user's device names. */
function versionOf(packageJson: string): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const connectSources = modelConnectSources(env['VITE_MODEL_BASE_URL'], env['VITE_MODEL_CONNECT_SRC']);
  return {
    // Relative, so `dist/` works from any path of any static host.
    base: './',
    define: {
      __APP_VERSION__: JSON.stringify(versionOf('package.json')),
      __WEB_LLM_VERSION__: JSON.stringify(versionOf('node_modules/@mlc-ai/web-llm/package.json')),
    },
    plugins: [
      react(),
      tailwindcss(),
      contentSecurityPolicyPlugin(connectSources),
      VitePWA({
        // A new version waits until the user lets it in (src/ui/pwa/update-prompt.tsx): never mid-answer.
        registerType: 'prompt',
        injectRegister: false,
        // The icons are in the precache through globPatterns; listing them twice would duplicate entries.
        includeManifestIcons: false,
        manifest: {
          name: '한글 라마 — 브라우저 속 한국어 AI 채팅',
          short_name: '한글 라마',
          description:
            '내 브라우저 안에서만 돌아가는 한국어 AI 채팅 (Llama-2-ko 7B, WebGPU). 대화는 기기 밖으로 나가지 않고, 모델을 한 번 받아 두면 오프라인에서도 쓸 수 있습니다.',
          lang: 'ko',
          dir: 'ltr',
          start_url: './',
          scope: './',
          display: 'standalone',
          theme_color: '#0f766e',
          background_color: '#fafaf9',
          categories: ['productivity', 'utilities'],
          icons: [
            { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
            { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
            { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
            { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          ],
        },
        workbox: {
          ...precacheFiles,
          navigateFallback: 'index.html',
          navigateFallbackDenylist: [/\/models\//],
          // A shared link's `?utm=…` or scenario must not miss the cached index.html offline.
          ignoreURLParametersMatching: [/.*/],
          cleanupOutdatedCaches: true,
          // The first version takes the open page at once, so it works offline without a second visit.
          // Later versions wait (no skipWaiting) until the user lets them in.
          clientsClaim: true,
        },
      }),
    ],
    resolve: { alias: preactAliases },
    worker: { format: 'es' },
    build: {
      outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
      target: 'es2022',
      manifest: true,
      // web-llm is one 6.8 MB module; it is loaded only by the worker, on the first model load.
      chunkSizeWarningLimit: 8000,
    },
    test: {
      include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'],
      environment: 'node',
      restoreMocks: true,
      // Testing Library's ES module, through Vite, so that it renders with Preact as the app does (its
      // CommonJS build would require React DOM past the aliases).
      alias: [
        {
          find: /^@testing-library\/react$/,
          replacement: '@testing-library/react/dist/@testing-library/react.esm.js',
        },
      ],
      server: { deps: { inline: [/@testing-library\/react/, /zustand/, /@tanstack\/react-virtual/] } },
    },
  };
});
