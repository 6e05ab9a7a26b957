// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The architecture rules of the developers' guide, as import restrictions per folder. */
const webLlmOnlyInTheWorker = {
  name: '@mlc-ai/web-llm',
  allowTypeImports: true,
  message: 'Only src/engine/web-llm/ imports web-llm at run time; the page uses `import type`.',
};

const scriptedEngine = {
  group: ['**/engine/scripted/*', '!**/engine/scripted/*.test*'],
  message: 'The scripted engine is reached only through the worker of end-to-end builds.',
};

const uiAndApp = {
  group: ['**/ui/*', '**/ui/**', '**/app/*', 'react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
  message: 'This layer is below the UI: no React, no store, no components.',
};

/**
 * @param {...({ name: string } | { group: string[] }) & { message: string, allowTypeImports?: boolean }} entries
 * @returns {import('eslint').Linter.RuleEntry}
 */
const restrict = (...entries) => {
  const paths = entries.filter((entry) => 'name' in entry);
  const patterns = entries.filter((entry) => 'group' in entry);
  return ['error', { paths, patterns }];
};

export default defineConfig(
  { ignores: ['dist', 'dist-e2e', 'node_modules', 'playwright-report', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-imports': restrict(webLlmOnlyInTheWorker, scriptedEngine),
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    ...jsxA11y.flatConfigs.strict,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['src/engine/web-llm/**'],
    rules: { 'no-restricted-imports': restrict(scriptedEngine, uiAndApp) },
  },
  {
    files: ['src/engine/worker.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/engine/**'],
    ignores: ['src/engine/web-llm/**', 'src/engine/worker.ts'],
    rules: {
      'no-restricted-imports': restrict(webLlmOnlyInTheWorker, scriptedEngine, uiAndApp, {
        group: ['**/chat/*'],
        message: 'The engine knows nothing of the chat store.',
      }),
    },
  },
  {
    files: ['src/engine/scripted/**'],
    rules: { 'no-restricted-imports': restrict(webLlmOnlyInTheWorker, uiAndApp) },
  },
  {
    files: ['src/chat/**'],
    rules: {
      'no-restricted-imports': restrict(webLlmOnlyInTheWorker, scriptedEngine, {
        group: ['**/ui/*', '**/ui/**', '**/app/*', 'react', 'react-dom', 'react-dom/*'],
        message: 'The store is below the UI: components call it, never the other way round.',
      }),
    },
  },
  {
    files: ['src/conversation/**'],
    ignores: ['src/conversation/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        webLlmOnlyInTheWorker,
        scriptedEngine,
        {
          group: [
            ...['**/chat/*', '**/chat/**', '**/ui/*', '**/ui/**', '**/app/*', '**/pwa/*'],
            ...['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'idb'],
          ],
          message: 'src/conversation/ is the pure domain: no store, no storage, no UI.',
        },
        {
          group: ['**/engine/*', '**/engine/**', '!**/engine/protocol', '!**/engine/error-codes'],
          message:
            "The domain speaks the engine's vocabulary (protocol.ts, error-codes.ts), never to an engine.",
        },
      ),
      'no-restricted-globals': [
        'error',
        ...[
          ...['window', 'document', 'navigator', 'self', 'fetch', 'performance', 'crypto'],
          ...['indexedDB', 'localStorage', 'sessionStorage', 'BroadcastChannel'],
        ].map((name) => ({ name, message: 'src/conversation/ is pure: inject clocks, ids and storage.' })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject the clock (a `now` parameter).' },
        { object: 'Math', property: 'random', message: 'Inject ids and randomness.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Inject the clock: `new Date()` reads it.',
        },
      ],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': restrict(webLlmOnlyInTheWorker, scriptedEngine, {
        group: ['**/engine/*', '**/engine/**', '!**/engine/protocol', '!**/engine/error-codes'],
        allowTypeImports: true,
        message: 'Components call store actions; they never create engines or talk to the worker.',
      }),
    },
  },
  {
    files: ['src/pwa/**'],
    rules: {
      'no-restricted-imports': restrict(webLlmOnlyInTheWorker, scriptedEngine, {
        group: ['**/ui/*', '**/ui/**'],
        message: 'src/pwa/ is below the UI: its components are in src/ui/pwa/, which imports from here.',
      }),
    },
  },
  {
    files: ['src/generation/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@mlc-ai/web-llm', message: 'src/generation/ is pure TypeScript: no web-llm.' }],
          patterns: [
            {
              group: ['**/engine/*', '**/engine/**', '**/chat/*', '**/ui/*', '**/ui/**', '**/app/*'],
              message: 'src/generation/ is the bottom layer: it imports nothing of the app.',
            },
            { group: ['react', 'react-dom', 'zustand', 'zustand/*'], message: 'src/generation/ has no UI.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'self', 'fetch', 'performance', 'Date', 'crypto'].map(
          (name) => ({ name, message: 'src/generation/ is pure: inject clocks, randomness and I/O.' }),
        ),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Inject randomness (a seeded generator).' },
      ],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**', 'e2e/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['scripts/**', 'e2e/**', '*.config.{ts,js}', 'eslint.config.js', '.dependency-cruiser.cjs'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
