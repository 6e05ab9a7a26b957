import { describe, expect, it, vi } from 'vitest';
import { createServiceWorkerUpdates, registerLater, type RegisterOptions } from './service-worker-updates';

/** A stand-in for `registerSW`: the test plays the service worker's side through the captured callbacks. */
function fakeRegistration(letIn: () => Promise<void> = () => Promise.resolve()) {
  let callbacks: RegisterOptions = {};
  const updateServiceWorker = vi.fn(letIn);
  const reload = vi.fn();
  const updates = createServiceWorkerUpdates(
    (options) => {
      callbacks = options;
      return updateServiceWorker;
    },
    { reload },
  );
  return { updates, updateServiceWorker, reload, sw: () => callbacks };
}

describe('createServiceWorkerUpdates', () => {
  it('has nothing to offer until a new version waits', () => {
    const { updates } = fakeRegistration();
    expect(updates.getState()).toEqual({ kind: 'current' });
  });

  it('offers a waiting version, and tells its subscribers', () => {
    const { updates, sw } = fakeRegistration();
    const listener = vi.fn();
    const unsubscribe = updates.subscribe(listener);
    sw().onNeedRefresh?.();
    expect(updates.getState()).toEqual({ kind: 'available' });
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    updates.dismiss();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(updates.getState()).toEqual({ kind: 'dismissed' });
  });

  it('lets the waiting version in when asked, and knows the reload was asked for here', async () => {
    const { updates, updateServiceWorker, reload, sw } = fakeRegistration();
    sw().onNeedRefresh?.();
    await updates.activate();
    expect(updateServiceWorker).toHaveBeenCalledTimes(1);
    expect(updates.getState()).toEqual({ kind: 'activating' });
    sw().onNeedReload?.();
    expect(updates.getState()).toEqual({ kind: 'activated', requestedHere: true });
    // The reload itself is the UI's call (it knows whether an answer is streaming).
    expect(reload).not.toHaveBeenCalled();
  });

  it('hears of a new controller from the page too, once', async () => {
    let newController = (): void => undefined;
    let callbacks: RegisterOptions = {};
    const updates = createServiceWorkerUpdates(
      (options) => {
        callbacks = options;
        return () => Promise.resolve();
      },
      { reload: vi.fn(), watchController: (listener) => (newController = listener) },
    );
    callbacks.onNeedRefresh?.();
    await updates.activate();
    newController();
    callbacks.onNeedReload?.();
    expect(updates.getState()).toEqual({ kind: 'activated', requestedHere: true });
  });

  it('marks a version another tab let in as not asked for here', () => {
    const { updates, sw } = fakeRegistration();
    sw().onNeedRefresh?.();
    sw().onNeedReload?.();
    expect(updates.getState()).toEqual({ kind: 'activated', requestedHere: false });
  });

  it('does nothing on activate without a waiting version, and offers it again if letting it in fails', async () => {
    const failing = fakeRegistration(() => Promise.reject(new Error('gone')));
    await failing.updates.activate();
    expect(failing.updateServiceWorker).not.toHaveBeenCalled();
    failing.sw().onNeedRefresh?.();
    await failing.updates.activate();
    expect(failing.updates.getState()).toEqual({ kind: 'available' });
  });
});

describe('registerLater', () => {
  it('registers only when scheduled, at once then, and a waiting version waits for the registration', async () => {
    const letIn = vi.fn(() => Promise.resolve());
    const register = vi.fn<(options: RegisterOptions) => typeof letIn>(() => letIn);
    let scheduled: (() => void) | undefined;
    const onNeedRefresh = vi.fn();
    const letWaitingIn = registerLater(register, (run) => (scheduled = run))({ onNeedRefresh });
    expect(register).not.toHaveBeenCalled();

    const asked = letWaitingIn(false);
    await Promise.resolve();
    expect(letIn).not.toHaveBeenCalled();
    scheduled?.();
    await asked;
    expect(register).toHaveBeenCalledTimes(1);
    expect(register.mock.calls[0]?.[0]).toEqual({ onNeedRefresh, immediate: true });
    expect(letIn).toHaveBeenCalledWith(false);
  });
});
