import { describe, expect, it } from 'vitest';
import { takeSharedFragment, type AddressBar } from './shared-link-location';

/** An address bar whose history records each replacement, as `history.replaceState` would make it. */
function addressBar(url: string) {
  const replaced: { state: unknown; url: string }[] = [];
  let current = new URL(url);
  const bar: AddressBar = {
    get location() {
      return { hash: current.hash, pathname: current.pathname, search: current.search };
    },
    history: {
      state: { kept: true },
      replaceState(state: unknown, _unused: string, next?: string | URL | null) {
        replaced.push({ state, url: String(next) });
        current = new URL(String(next), current);
      },
    },
  };
  return { bar, replaced, url: () => current.href };
}

describe('reading a shared link from the address bar', () => {
  it('takes the fragment once and leaves the path and query, replacing the history entry', () => {
    const { bar, replaced, url } = addressBar(
      'https://host.example/deep/app/?tokenDelayMs=5#share=1.4.00000000.AAAA',
    );
    expect(takeSharedFragment(bar)).toBe('#share=1.4.00000000.AAAA');
    expect(url()).toBe('https://host.example/deep/app/?tokenDelayMs=5');
    expect(replaced).toEqual([{ state: { kept: true }, url: '/deep/app/?tokenDelayMs=5' }]);
    expect(takeSharedFragment(bar)).toBeUndefined();
    expect(replaced).toHaveLength(1);
  });

  it('takes a bad shared link out too: it is read, and says why, once', () => {
    const { bar, url } = addressBar('https://host.example/#share=garbage');
    expect(takeSharedFragment(bar)).toBe('#share=garbage');
    expect(url()).toBe('https://host.example/');
  });

  it('leaves any other fragment where it is', () => {
    for (const address of [
      'https://host.example/#top',
      'https://host.example/?q=1',
      'https://host.example/',
    ]) {
      const { bar, replaced, url } = addressBar(address);
      expect(takeSharedFragment(bar)).toBeUndefined();
      expect(replaced).toEqual([]);
      expect(url()).toBe(address);
    }
  });
});
