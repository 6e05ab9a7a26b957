/** The parts of a keydown that decide whether Enter sends (a `KeyboardEvent` has them all). */
export interface SendKeyEvent {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly isComposing: boolean;
  /** Deprecated in the DOM, but the only signal Safari gives for the Enter that ends a composition. */
  readonly keyCode: number;
}

/**
 * Whether a keydown should send the message: Enter without Shift, and never while an IME composition
 * (Hangul) is open. Chrome flags the Enter that ends a composition with `isComposing`; Safari ends the
 * composition first but still reports keyCode 229 ("IME is processing"); `composing` is the component's
 * own record of compositionstart/compositionend, for browsers that report neither.
 */
export function isSendKeystroke(event: SendKeyEvent, composing: boolean): boolean {
  if (event.key !== 'Enter' || event.shiftKey) return false;
  return !(composing || event.isComposing || event.keyCode === 229);
}
