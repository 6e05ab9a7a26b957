/** The callbacks of `registerSW` from `virtual:pwa-register` that the app uses. */
export interface RegisterOptions {
  /** Register now rather than at the window's `load` event. */
  immediate?: boolean;
  /** A new version is installed and waiting for this page's permission to take over. */
  onNeedRefresh?: () => void;
  /** The new version has taken control of this page; without this callback the plugin would reload at once. */
  onNeedReload?: () => void;
  onRegisteredSW?: (url: string, registration: ServiceWorkerRegistration | undefined) => void;
  onRegisterError?: (error: unknown) => void;
}

/** `registerSW` of `virtual:pwa-register` (or a fake): registers, and returns "let the waiting version in". */
export type RegisterServiceWorker = (options: RegisterOptions) => (reloadPage?: boolean) => Promise<void>;

/**
 * Where this page stands with the app's versions. `available`: a new version waits; `dismissed`: the user
 * said "later"; `activating`: the user let it in; `activated`: it now controls the page, and only a reload
 * shows it (`requestedHere` when this tab asked, not another tab of the app).
 */
export type UpdateState =
  | { readonly kind: 'current' }
  | { readonly kind: 'available' }
  | { readonly kind: 'dismissed' }
  | { readonly kind: 'activating' }
  | { readonly kind: 'activated'; readonly requestedHere: boolean };

export interface ServiceWorkerUpdates {
  readonly getState: () => UpdateState;
  readonly subscribe: (listener: () => void) => () => void;
  /** Lets the waiting version take over. The page is not reloaded here: see `UpdatePrompt`. */
  readonly activate: () => Promise<void>;
  readonly dismiss: () => void;
  readonly reload: () => void;
}

/**
 * `register`, run when `schedule` calls back rather than now; letting a waiting version in waits for it. The
 * first visit's registration installs the whole app (web-llm's 10 MB included) into the cache: started with
 * the page, it competes with the first screen for the network and the main thread.
 */
export function registerLater(
  register: RegisterServiceWorker,
  schedule: (run: () => void) => void,
): RegisterServiceWorker {
  return (options) => {
    const registered = new Promise<(reloadPage?: boolean) => Promise<void>>((resolve) => {
      schedule(() => resolve(register({ ...options, immediate: true })));
    });
    return async (reloadPage) => (await registered)(reloadPage);
  };
}

/**
 * Registers the service worker and keeps its update state for the UI. The reload after an update is left
 * to the UI, which knows whether an answer is being written; the plugin's own reload is switched off.
 */
export function createServiceWorkerUpdates(
  register: RegisterServiceWorker,
  platform: {
    readonly reload: () => void;
    /**
     * Calls back whenever a new version takes control of a page that already had one. The plugin's own
     * signal (`onNeedReload`) comes only in a page that was controlled when it registered, not in the tab
     * of a first visit that stayed open until the next version.
     */
    readonly watchController?: (onNewController: () => void) => void;
    readonly onRegistered?: (registration: ServiceWorkerRegistration) => void;
    readonly onError?: (error: unknown) => void;
  },
): ServiceWorkerUpdates {
  let state: UpdateState = { kind: 'current' };
  const listeners = new Set<() => void>();
  const set = (next: UpdateState): void => {
    state = next;
    for (const listener of listeners) listener();
  };
  const tookControl = (): void => {
    if (state.kind !== 'activated') set({ kind: 'activated', requestedHere: state.kind === 'activating' });
  };
  platform.watchController?.(tookControl);

  const letWaitingVersionIn = register({
    onNeedRefresh: () => {
      if (state.kind === 'current') set({ kind: 'available' });
    },
    onNeedReload: tookControl,
    onRegisteredSW: (_url, registration) => {
      if (registration) platform.onRegistered?.(registration);
    },
    onRegisterError: (error) => platform.onError?.(error),
  });

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async activate() {
      if (state.kind !== 'available' && state.kind !== 'dismissed') return;
      set({ kind: 'activating' });
      try {
        await letWaitingVersionIn();
      } catch (error) {
        platform.onError?.(error);
        set({ kind: 'available' });
      }
    },
    dismiss() {
      if (state.kind === 'available') set({ kind: 'dismissed' });
    },
    reload: () => platform.reload(),
  };
}
