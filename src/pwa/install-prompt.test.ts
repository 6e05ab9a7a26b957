import { describe, expect, it, vi } from 'vitest';
import { listenForInstallPrompt } from './install-prompt';

function installOffer(outcome: 'accepted' | 'dismissed') {
  const prompt = vi.fn(() => Promise.resolve());
  const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
    prompt,
    userChoice: Promise.resolve({ outcome }),
  });
  return { event, prompt };
}

describe('listenForInstallPrompt', () => {
  it('keeps the browser’s offer, and uses it once', async () => {
    const target = new EventTarget();
    const install = listenForInstallPrompt(target);
    const listener = vi.fn();
    install.subscribe(listener);
    expect(install.isAvailable()).toBe(false);
    await expect(install.install()).resolves.toBe('unavailable');

    const { event, prompt } = installOffer('accepted');
    target.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(install.isAvailable()).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);

    await expect(install.install()).resolves.toBe('accepted');
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(install.isAvailable()).toBe(false);
  });

  it('drops the offer once the app is installed another way', () => {
    const target = new EventTarget();
    const install = listenForInstallPrompt(target);
    target.dispatchEvent(installOffer('dismissed').event);
    target.dispatchEvent(new Event('appinstalled'));
    expect(install.isAvailable()).toBe(false);
  });

  it('ignores an event that cannot prompt', () => {
    const target = new EventTarget();
    const install = listenForInstallPrompt(target);
    target.dispatchEvent(new Event('beforeinstallprompt'));
    expect(install.isAvailable()).toBe(false);
  });
});
