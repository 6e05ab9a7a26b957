import * as v from 'valibot';
import type { ChangeChannel, ExternalChange } from './repository-types';

/** What another tab's message must be to be heard. */
const externalChangeSchema = v.variant('kind', [
  v.object({
    kind: v.literal('saved'),
    id: v.string(),
    versions: v.array(v.string()),
    removed: v.array(v.string()),
  }),
  v.object({ kind: v.literal('deleted'), id: v.string() }),
  v.object({ kind: v.literal('imported') }),
]);

/** How the tabs tell each other what they changed, over the channel (a BroadcastChannel in the app). */
export interface ChangeBroadcast {
  /** Tells the other tabs what this one changed. */
  readonly tell: (change: ExternalChange) => void;
  /** Calls `listener` when another tab changed the conversations; returns a function that stops it. */
  readonly onExternalChange: (listener: (change: ExternalChange) => void) => () => void;
  /** Tells this tab's listeners of a change no tab told (the database deleted under it). */
  readonly happened: (change: ExternalChange) => void;
  readonly close: () => void;
}

/**
 * The broadcast over `channel` (none: a tab alone). What another tab says is checked, then handed to `heard`
 * (what this tab keeps of the conversations, made to read them again) before the listeners.
 */
export function createChangeBroadcast(
  channel: ChangeChannel | undefined,
  heard: (change: ExternalChange) => void,
): ChangeBroadcast {
  const listeners = new Set<(change: ExternalChange) => void>();
  channel?.addEventListener('message', (event) => {
    const parsed = v.safeParse(externalChangeSchema, event.data);
    if (!parsed.success) return;
    const change = parsed.output;
    heard(change);
    for (const listener of listeners) listener(change);
  });
  return {
    tell(change) {
      try {
        channel?.postMessage(change);
      } catch {
        // A closed channel: the other tabs see the change when they next read.
      }
    },
    onExternalChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    happened(change) {
      for (const listener of listeners) listener(change);
    },
    close: () => channel?.close(),
  };
}
