/** What starts the fragment (`#share=…`) of a link that carries a conversation. */
export const SHARE_FRAGMENT_PREFIX = 'share=';

/** Whether an address's fragment (with or without its `#`) carries a shared conversation. */
export function isSharedFragment(hash: string): boolean {
  return (hash.startsWith('#') ? hash.slice(1) : hash).startsWith(SHARE_FRAGMENT_PREFIX);
}
