/** Chromium's `beforeinstallprompt` event (not in the DOM typings): install on demand, once. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ readonly outcome: 'accepted' | 'dismissed' }>;
}

function isInstallPrompt(event: Event): event is BeforeInstallPromptEvent {
  return typeof (event as Partial<BeforeInstallPromptEvent>).prompt === 'function';
}

export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

export interface InstallPrompt {
  /** Whether the browser offers installation right now. */
  readonly isAvailable: () => boolean;
  readonly subscribe: (listener: () => void) => () => void;
  /** Shows the browser's install dialog; the offer is used up either way. */
  readonly install: () => Promise<InstallOutcome>;
}

/**
 * Keeps the browser's install offer for a button. Listening must start before React renders: the event
 * can come early, and a missed one does not come again until the next visit.
 */
export function listenForInstallPrompt(target: EventTarget): InstallPrompt {
  let offer: BeforeInstallPromptEvent | undefined;
  const listeners = new Set<() => void>();
  const set = (next: BeforeInstallPromptEvent | undefined): void => {
    offer = next;
    for (const listener of listeners) listener();
  };
  target.addEventListener('beforeinstallprompt', (event) => {
    if (!isInstallPrompt(event)) return;
    // Keeps the browser's own mini-infobar away; the app's button offers it instead.
    event.preventDefault();
    set(event);
  });
  target.addEventListener('appinstalled', () => set(undefined));
  return {
    isAvailable: () => offer !== undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async install() {
      const current = offer;
      if (!current) return 'unavailable';
      set(undefined);
      await current.prompt();
      return (await current.userChoice).outcome;
    },
  };
}
