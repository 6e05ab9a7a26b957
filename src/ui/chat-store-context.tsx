import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ChatState, ChatStore } from '../chat/chat-store';

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
