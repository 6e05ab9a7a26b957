import type { Conversation, Exchange } from './conversation';
import { exchangesOf } from './conversation';

/**
 * The conversation with a new id, and a new id for every exchange and every version, dated `now`. A shared
 * conversation saved this way can never take the place of one of the user's own, even when the link was made
 * from a conversation of this very browser (the same ids). Questions keep when they were asked. Nothing here
 * recurses, whatever the depth.
 */
export function withNewIds(conversation: Conversation, newId: () => string, now: number): Conversation {
  const copies = new Map<Exchange, Exchange>();
  // Reversed, the order lists every exchange after all that follow it, so those are already copied.
  for (const exchange of exchangesOf(conversation.first).reverse()) {
    copies.set(exchange, {
      id: newId(),
      selected: exchange.selected,
      versions: exchange.versions.map((version) => ({
        ...version,
        id: newId(),
        next: version.next && copies.get(version.next),
      })),
    });
  }
  return {
    ...conversation,
    id: newId(),
    createdAt: now,
    updatedAt: now,
    first: conversation.first && copies.get(conversation.first),
  };
}
