import { vi } from 'vitest';

/**
 * What the chat screen needs of a layout that jsdom does not do: a ResizeObserver that reports nothing, and a
 * viewport for the message list, which puts in the page only the messages that fit its scroller's height.
 */
export function stubLayout(viewportHeight = 400): void {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    },
  );
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(viewportHeight);
}
