import { createChatStore, type ChatStore } from '../chat/chat-store';
import { createWorkerEngine } from '../engine/create-worker-engine';
import { defaultModelId } from '../engine/model-records';
import { scenarioFromUrl } from './scenario-from-url';

/** Wires the app: one engine worker, one chat store that talks to it. */
export function composeApp(): ChatStore {
  const engine = createWorkerEngine();
  if (import.meta.env.MODE === 'e2e') engine.setScenario(scenarioFromUrl(location.search));
  return createChatStore({
    engine,
    model: {
      modelId: defaultModelId,
      artifactsBaseUrl: new URL('models/', document.baseURI).href,
    },
  });
}
