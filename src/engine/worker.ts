import { serveEngine } from './engine-host';
import { probeGpu, type GpuLike } from './gpu-probe';
import { lazyEngine } from './lazy-engine';
import type { MessageEndpoint } from './message-endpoint';

// The worker's global scope is typed as a window here (the app is compiled with the DOM library);
// only the endpoint methods are used, and they exist on both.
const endpoint = self as unknown as MessageEndpoint;

// `import.meta.env.MODE` is replaced at build time, so a production worker holds no scripted engine
// and an end-to-end worker holds no web-llm.
if (import.meta.env.MODE === 'e2e') {
  const scripted = import('./scripted/scripted-engine').then(({ ScriptedEngine }) => new ScriptedEngine());
  serveEngine(endpoint, {
    engine: lazyEngine(
      () => scripted,
      async () => (await scripted).inspectDevice(),
    ),
    onScenario: (scenario) => void scripted.then((engine) => engine.setScenario(scenario)),
  });
} else {
  const gpu = (navigator as { gpu?: GpuLike }).gpu;
  serveEngine(endpoint, {
    engine: lazyEngine(
      () => import('./web-llm/web-llm-engine').then(({ WebLlmEngine }) => new WebLlmEngine()),
      () => probeGpu(gpu),
    ),
  });
}
