/** Links may leave for the web or a mail client; nothing else (no javascript:, data:, file:, relative paths). */
export const SAFE_URL = /^(?:https?|mailto):/i;

/** Every link opens in a new tab without giving that tab the app's window or address. */
export const LINK_REL = 'noopener noreferrer';
