import { createContext, useContext, type ReactNode } from 'react';
import type { MarkdownClient } from './markdown-client';

const MarkdownClientContext = createContext<MarkdownClient | undefined>(undefined);

/** Gives the Markdown views another client than the app's worker (tests run the worker's code in-process). */
export function MarkdownClientProvider({
  client,
  children,
}: {
  client: MarkdownClient;
  children: ReactNode;
}) {
  return <MarkdownClientContext.Provider value={client}>{children}</MarkdownClientContext.Provider>;
}

/** The client from a provider above, if any. */
export function useProvidedMarkdownClient(): MarkdownClient | undefined {
  return useContext(MarkdownClientContext);
}
