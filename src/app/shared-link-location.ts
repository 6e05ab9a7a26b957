import { isSharedFragment } from '../conversation/formats/share-fragment';

/** The parts of `window` a shared link is read from, so tests can stand in for the address bar. */
export interface AddressBar {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState' | 'state'>;
}

/**
 * Takes a shared conversation's fragment out of the address bar and returns it (undefined when the fragment
 * is anything else, which stays). The address keeps its path and query; replacing the entry rather than
 * adding one means the tab's history does not hold the conversation twice, and a reload does not open it
 * again.
 */
export function takeSharedFragment({ location, history }: AddressBar): string | undefined {
  const { hash } = location;
  if (!isSharedFragment(hash)) return undefined;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return hash;
}
