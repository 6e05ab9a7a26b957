import { createChatStore, type ChatStore } from '../chat/chat-store';
import { createConversationRepository } from '../chat/persistence/conversation-repository';
import type { SharedPageExit } from '../chat/shared-page-store';
import { createWorkerEngine } from '../engine/create-worker-engine';
import { resolveArtifactsBase } from '../engine/model-records';
import { scenarioFromUrl } from './scenario-from-url';
import { decodeSharedLinkOffThread } from './shared-link-decoder';
import { takeSharedFragment } from './shared-link-location';
import { webTabLock } from './tab-lock';
import { webTabPresence } from './tab-presence';

function conversationRepository() {
  return createConversationRepository({
    factory: indexedDB,
    exitStorage: localStorage,
    ...('locks' in navigator ? { presence: webTabPresence(navigator.locks) } : {}),
    ...('BroadcastChannel' in window ? { channel: new BroadcastChannel('hangul-llama:conversations') } : {}),
  });
}

/**
 * Wires the app: one engine worker, one chat store that talks to it, the browser's storage and locks. `from`:
 * how the page a shared link opened on was left, which the app carries on (it stores a conversation saved
 * there, and says why a link could not be read).
 */
export function composeApp(from?: SharedPageExit): ChatStore {
  const engine = createWorkerEngine();
  if (import.meta.env.MODE === 'e2e') engine.setScenario(scenarioFromUrl(location.search));
  const store = createChatStore({
    engine,
    artifactsBaseUrl: resolveArtifactsBase(import.meta.env.VITE_MODEL_BASE_URL, document.baseURI),
    ...('storage' in navigator ? { storage: navigator.storage } : {}),
    ...('locks' in navigator ? { tabLock: webTabLock(navigator.locks) } : {}),
    ...('indexedDB' in window ? { repository: conversationRepository() } : {}),
    fitStorage: localStorage,
    browser: navigator.userAgent,
    versions: { app: __APP_VERSION__, webLlm: __WEB_LLM_VERSION__ },
    decodeLink: (hash) => decodeSharedLinkOffThread(hash),
  });
  void store.getState().restore();
  if (from !== undefined && from.kind !== 'closed') store.getState().showSharedLink(from.link);
  if (from?.kind === 'saved') void store.getState().saveShared();
  // A shared conversation in the link: read once, then out of the address bar. A link pasted into a tab that
  // already shows the app only changes the fragment, so that is read as well.
  const openShared = (): void => {
    const hash = takeSharedFragment(window);
    if (hash !== undefined) void store.getState().openSharedLink(hash);
  };
  openShared();
  addEventListener('hashchange', openShared);
  // The device check starts the engine worker: at once for the chat, but not for a shared conversation, which
  // needs no model (the chat screen starts it when it is shown).
  if (store.getState().shared.kind !== 'opening') store.getState().ensureDeviceCheck();
  // The text of a streaming answer shown last, written before the page goes: a closing page gets no more
  // turns, so the write starts here, before the handler returns, without reading anything first.
  addEventListener('pagehide', () => store.getState().saveAtExit());
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void store.getState().flushSaves();
  });
  return store;
}
