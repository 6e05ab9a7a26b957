import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ChatState, ChatStore } from '../chat/chat-store';
import { reloadDecision, type ReloadDecision } from '../pwa/reload-decision';

const ChatStoreContext = createContext<ChatStore | undefined>(undefined);

export function ChatStoreProvider({ store, children }: { store: ChatStore; children: ReactNode }) {
  return <ChatStoreContext.Provider value={store}>{children}</ChatStoreContext.Provider>;
}

/** Reads a slice of the chat store; components re-render only when their slice changes. */
export function useChat<T>(selector: (state: ChatState) => T): T {
  const store = useContext(ChatStoreContext);
  if (!store) throw new Error('useChat needs a ChatStoreProvider above it.');
  return useStore(store, selector);
}

/**
 * The chat store itself, for event handlers that read the state when they run: a component that needs the
 * current conversation only on a click must not render again on every token of an answer.
 */
export function useChatStore(): ChatStore {
  const store = useContext(ChatStoreContext);
  if (!store) throw new Error('useChatStore needs a ChatStoreProvider above it.');
  return store;
}

const neverChanges = (): (() => void) => () => undefined;

/**
 * Whether the page may reload now (see `reloadDecision`). Without a chat store (the page a shared link opens
 * on, before the app itself is loaded) no answer is being written and no model loads: nothing would be lost.
 */
export function useReloadDecision(): ReloadDecision {
  const store = useContext(ChatStoreContext);
  const subscribe = store?.subscribe ?? neverChanges;
  const chat = useSyncExternalStore(subscribe, () => store?.getState().status ?? 'ready');
  const model = useSyncExternalStore(subscribe, () => store?.getState().model.kind ?? 'idle');
  return reloadDecision(chat, model);
}
