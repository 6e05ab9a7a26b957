import type { ComponentType } from 'react';
import { createSharedPageStore, type SharedPageExit } from '../chat/shared-page-store';
import { UpdatePrompt } from '../ui/pwa/update-prompt';
import { SharedPage } from '../ui/share/shared-page';
import { decodeSharedLinkOffThread } from './shared-link-decoder';
import { takeSharedFragment } from './shared-link-location';

/**
 * Wires the page a shared link opens on (its fragment already out of the address bar): the link read off the
 * page's thread, a link pasted into the tab read in its place, and `leave` when the app takes over. `shown`:
 * called once the first screen is complete, which is when the conversation shows (or the app takes over).
 */
export function composeSharedPage(
  hash: string,
  leave: (exit: SharedPageExit) => void,
  shown: () => void,
): ComponentType {
  function openPasted(): void {
    const pasted = takeSharedFragment(window);
    if (pasted !== undefined) void store.getState().open(pasted);
  }
  const store = createSharedPageStore(hash, {
    decode: (link) => decodeSharedLinkOffThread(link),
    leave(exit) {
      removeEventListener('hashchange', openPasted);
      leave(exit);
    },
  });
  const stop = store.subscribe(({ view }) => {
    if (view.kind !== 'viewing') return;
    stop();
    shown();
  });
  addEventListener('hashchange', openPasted);
  return function SharedLinkPage() {
    return (
      <>
        <SharedPage store={store} />
        <UpdatePrompt />
      </>
    );
  };
}
