import { createChatStore, type ChatStore } from '../chat/chat-store';
import { createConversationStore } from '../chat/persistence/conversation-store';
import { createSettingsStore, type SettingsStore } from '../chat/settings-store';
import { createWorkerEngine } from '../engine/create-worker-engine';
import { resolveArtifactsBase } from '../engine/model-records';
import { scenarioFromUrl } from './scenario-from-url';
import { webTabLock } from './tab-lock';

/** Wires the app: one engine worker, one chat store that talks to it, the browser's storage and locks. */
export function composeApp(): ChatStore {
  const engine = createWorkerEngine();
  if (import.meta.env.MODE === 'e2e') engine.setScenario(scenarioFromUrl(location.search));
  const store = createChatStore({
    engine,
    artifactsBaseUrl: resolveArtifactsBase(import.meta.env.VITE_MODEL_BASE_URL, document.baseURI),
    ...('storage' in navigator ? { storage: navigator.storage } : {}),
    ...('locks' in navigator ? { tabLock: webTabLock(navigator.locks) } : {}),
    ...('indexedDB' in window ? { repository: createConversationStore({ factory: indexedDB }) } : {}),
  });
  void store.getState().checkDevice();
  void store.getState().restore();
  // The last throttled save of a streaming answer, written before the page goes away.
  addEventListener('pagehide', () => void store.getState().flushSaves());
  return store;
}

/** The remembered app settings (language, theme), in localStorage: small, and needed before first paint. */
export function composeSettings(): SettingsStore {
  return createSettingsStore(localStorage);
}
