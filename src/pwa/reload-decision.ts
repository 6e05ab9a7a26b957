import type { ChatStatus, ModelStatus } from '../chat/types';

/** Whether the page may reload into a new version now, or what it waits for. */
export type ReloadDecision =
  { readonly kind: 'now' } | { readonly kind: 'wait'; readonly reason: 'answering' | 'loading-model' };

/**
 * A reload ends whatever the page is doing: an answer being written would stop half-way, and a model load
 * would start over. So the page reloads only when neither is under way.
 */
export function reloadDecision(chat: ChatStatus, model: ModelStatus['kind']): ReloadDecision {
  if (chat === 'submitted' || chat === 'streaming') return { kind: 'wait', reason: 'answering' };
  if (model === 'loading') return { kind: 'wait', reason: 'loading-model' };
  return { kind: 'now' };
}
