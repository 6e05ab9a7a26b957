import type { ComponentType } from 'react';
import { createSharedPageStore, type SharedPageExit } from '../chat/shared-page-store';
import { SharedPage } from '../ui/share/shared-page';
import { decodeSharedLinkOffThread } from './shared-link-decoder';
import { takeSharedFragment } from './shared-link-location';

export interface SharedPageWiring {
  /** Fetches the app and hands over to it; rejects when it cannot be fetched. */
  readonly leave: (exit: SharedPageExit) => Promise<void>;
  /** Starts fetching the app, when its reader points at or focuses Save or Close. */
  readonly preloadApp: () => void;
  /** Called once the first screen is complete: when the conversation shows (or the app takes over). */
  readonly shown: () => void;
}

/**
 * Wires the page a shared link opens on (its fragment already out of the address bar): the link read off the
 * page's thread, a link pasted into the tab read in its place, and the app when it takes over.
 */
export function composeSharedPage(
  hash: string,
  { leave, preloadApp, shown }: SharedPageWiring,
): ComponentType {
  function openPasted(): void {
    const pasted = takeSharedFragment(window);
    if (pasted !== undefined) void store.getState().open(pasted);
  }
  const store = createSharedPageStore(hash, {
    decode: (link) => decodeSharedLinkOffThread(link),
    leave: (exit) => leave(exit).then(() => removeEventListener('hashchange', openPasted)),
  });
  const stop = store.subscribe(({ view }) => {
    if (view.kind !== 'viewing') return;
    stop();
    shown();
  });
  addEventListener('hashchange', openPasted);
  // No update prompt here: a new version waiting changes nothing for a conversation read here, and the app
  // this page hands over to offers it.
  return function SharedLinkPage() {
    return <SharedPage store={store} onIntent={preloadApp} />;
  };
}
