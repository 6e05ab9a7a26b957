import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

/** Copies text; false when the browser has no clipboard here (not a secure context) or refused it. */
export async function copyText(text: string): Promise<boolean> {
  try {
    // Inside the try: without a clipboard, `navigator.clipboard` is undefined and this throws at once.
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Told by the caller: it says copying failed and offers the text to copy by hand.
    return false;
  }
}

/**
 * Past this many characters the text is not put in a text box: Chromium lays a box's whole text out at once
 * (100,000 spaced Hangul characters take about a second without a Korean font).
 */
export const BY_HAND_CHARACTERS = 100_000;

/**
 * What a copy button shows when the clipboard refused: that it did, and the text in a read-only box, selected,
 * to copy by hand. A text too long for a box is left to the conversation's Markdown export.
 */
export function CopyByHand({ text, onClose }: { text: string; onClose: () => void }) {
  const { t } = useI18n();
  const box = useRef<HTMLTextAreaElement>(null);
  const boxed = text.length <= BY_HAND_CHARACTERS;
  useEffect(() => {
    box.current?.focus();
    box.current?.select();
  }, []);
  return (
    <div className="mt-2 flex w-full flex-col gap-1">
      <p role="alert" className="text-sm text-red-800 dark:text-red-300">
        {t(boxed ? 'copy.failed' : 'copy.failedTooLong')}
      </p>
      {boxed && (
        <textarea
          ref={box}
          readOnly
          aria-label={t('copy.text')}
          value={text}
          rows={6}
          onFocus={(event) => event.currentTarget.select()}
          className="w-full rounded-lg border border-stone-300 bg-white p-2 text-sm text-stone-900 dark:border-stone-700 dark:bg-stone-950 dark:text-stone-100"
        />
      )}
      <Button variant="ghost" tone="faint" size="xs" className="self-end" onClick={onClose}>
        {t('copy.close')}
      </Button>
    </div>
  );
}
