import { serveEngine } from './engine-host';
import type { MessageEndpoint } from './message-endpoint';

// The worker's global scope is typed as a window here (the app is compiled with the DOM library);
// only the endpoint methods are used, and they exist on both.
const endpoint = self as unknown as MessageEndpoint;

// `import.meta.env.MODE` is replaced at build time, so a production worker holds no scripted engine
// and an end-to-end worker holds no web-llm.
if (import.meta.env.MODE === 'e2e') {
  const scripted = import('./scripted/scripted-engine').then(({ ScriptedEngine }) => new ScriptedEngine());
  serveEngine(endpoint, {
    createEngine: () => scripted,
    onScenario: (scenario) => void scripted.then((engine) => engine.setScenario(scenario)),
  });
} else {
  serveEngine(endpoint, {
    createEngine: () => import('./web-llm/web-llm-engine').then(({ WebLlmEngine }) => new WebLlmEngine()),
  });
}
