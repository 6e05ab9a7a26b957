// @ts-check
/**
 * The layers of src/, checked by `npm run lint:deps` (part of `npm test`). From the top:
 *
 *   main.tsx, app/  the composition root: wires the engine, the store and the browser
 *   ui/             React components; they call store actions
 *   pwa/            service-worker registration, install and share plumbing (no components)
 *   chat/           the zustand store and its slices; chat/persistence/ stores conversations (IndexedDB)
 *   conversation/   the pure conversation domain: the exchange tree, its messages, its formats
 *   engine/         the worker protocol, the ChatEngine interface, the worker and its engines
 *   generation/     pure: the kullm prompt, the context budget, the logits pipeline
 *   schema/         validation helpers
 *
 * A layer imports only layers below it. The domain sits above the engine because a stored answer keeps what
 * the engine reported (its usage, its error code, its token ids) in the protocol's own terms; it reads nothing
 * else of the engine. Type-only imports count: `tsPreCompilationDeps` keeps them in the graph.
 */
const tests = '(\\.test\\.tsx?$|^src/test/)';

/** @type {(name: string, comment: string, from: string, to: string, extra?: object) => import('dependency-cruiser').IForbiddenRuleType} */
const layer = (name, comment, from, to, extra = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: tests },
  to: { path: to, ...extra },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle, type-only ones included, means two modules are one concept or one of them is misplaced.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'schema-is-the-bottom',
      'src/schema/ imports nothing of the app.',
      '^src/schema/',
      '^src/(?!schema/)',
    ),
    layer(
      'generation-is-pure',
      'src/generation/ imports nothing of the app but validation helpers.',
      '^src/generation/',
      '^src/(?!generation/|schema/)',
    ),
    layer(
      'engine-below-the-domain',
      'The engine is given turns; it knows nothing of conversations, the store or the page.',
      '^src/engine/',
      '^src/(chat|conversation|ui|pwa|app)/',
    ),
    layer(
      'conversation-is-pure',
      'The domain has no store, no storage and no UI.',
      '^src/conversation/',
      '^src/(chat|ui|pwa|app)/',
    ),
    layer(
      'conversation-reads-only-the-protocol',
      "The domain speaks the engine's vocabulary, never to an engine.",
      '^src/conversation/',
      '^src/engine/(?!protocol\\.ts$|error-codes\\.ts$)',
    ),
    layer(
      'chat-below-the-page',
      'The store is below the UI and the PWA plumbing.',
      '^src/chat/',
      '^src/(ui|pwa|app)/',
    ),
    layer(
      'persistence-below-the-store',
      'IndexedDB code is reached through the store; it never reads the store.',
      '^src/chat/persistence/',
      '^src/chat/(?!persistence/)',
    ),
    layer(
      'persistence-through-the-store',
      'Components and the PWA plumbing reach storage through store actions.',
      '^src/(ui|pwa)/',
      '^src/chat/persistence/',
    ),
    layer(
      'pwa-below-the-ui',
      'The PWA plumbing has no components of the app.',
      '^src/pwa/',
      '^src/(ui|app)/',
    ),
    layer('ui-below-the-app', 'Components never reach the composition root.', '^src/ui/', '^src/app/'),
    layer(
      'ui-talks-to-the-store',
      'Components call store actions; they read only the protocol and its error codes of the engine.',
      '^src/ui/',
      '^src/engine/(?!protocol\\.ts$|error-codes\\.ts$)',
    ),
    layer(
      'web-llm-only-in-the-worker',
      'The page never imports web-llm at run time; one worker module does.',
      '^src/(?!engine/web-llm/)',
      '@mlc-ai/web-llm',
      { dependencyTypesNot: ['type-only'] },
    ),
    layer(
      'scripted-engine-only-in-the-worker',
      'The scripted engine is reached only through the worker of end-to-end builds.',
      '^src/(?!engine/(worker|scripted/))',
      '^src/engine/scripted/',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.app.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
