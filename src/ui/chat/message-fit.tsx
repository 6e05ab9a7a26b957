import { useMemo, useState, type ClipboardEvent, type DragEvent } from 'react';
import { contextWindowOf, messageFit, tooBigForBox, type MessageFit } from '../../chat/model/context-fit';
import { minimumTokens } from '../../generation/token-estimate';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';

/** The window a message of the current conversation must fit, and the room its answer keeps. */
export function useContextLimits(): { readonly contextWindow: number; readonly maxNewTokens: number } {
  const contextWindow = useChat(contextWindowOf);
  const maxNewTokens = useChat((state) => state.sampling.maxNewTokens);
  return useMemo(() => ({ contextWindow, maxNewTokens }), [contextWindow, maxNewTokens]);
}

/** Whether `text` can be answered, measured again only when it or the limits change. */
export function useMessageFit(text: string): MessageFit {
  const { contextWindow, maxNewTokens } = useContextLimits();
  return useMemo(() => messageFit(text, contextWindow, maxNewTokens), [text, contextWindow, maxNewTokens]);
}

/**
 * Says, as soon as a message cannot fit the model's window, by how much and what the limit is. The region is
 * always there (empty while the message fits), so screen readers hear the warning when it appears.
 */
export function MessageFitWarning({ fit, id }: { fit: MessageFit; id: string }) {
  const { t, formatNumber } = useI18n();
  return (
    <div id={id} role="status" className="text-sm text-red-800 dark:text-red-300 [&:not(:empty)]:mt-1.5">
      {fit.kind === 'too-long' &&
        t('composer.overLimit', {
          tokens: formatNumber(fit.tokens),
          limit: formatNumber(fit.limit),
          window: formatNumber(fit.contextWindow),
          answer: formatNumber(fit.answerTokens),
        })}
    </div>
  );
}

/** A paste or drop that was not put in the box, and why. */
export interface RefusedInsert {
  readonly characters: number;
  readonly tokens: number;
  readonly limit: number;
  readonly contextWindow: number;
}

/**
 * Keeps text that could never be sent out of a text box: a paste or drop that would make the box hold more
 * than `BOX_CHARACTERS` and more than the model's window is refused (the text stays on the clipboard), since
 * Chromium would lay all of it out at once. Anything smaller goes in, and the fit warning takes over.
 */
export function useInsertGuard(): {
  readonly refused: RefusedInsert | undefined;
  readonly clear: () => void;
  readonly onPaste: (event: ClipboardEvent<HTMLTextAreaElement>) => void;
  readonly onDrop: (event: DragEvent<HTMLTextAreaElement>) => void;
} {
  const { contextWindow, maxNewTokens } = useContextLimits();
  const [refused, setRefused] = useState<RefusedInsert | undefined>(undefined);

  const guard = (box: HTMLTextAreaElement, inserted: string, replacesSelection: boolean): boolean => {
    const start = replacesSelection ? box.selectionStart : box.value.length;
    const end = replacesSelection ? box.selectionEnd : box.value.length;
    const result = box.value.slice(0, start) + inserted + box.value.slice(end);
    if (!tooBigForBox(result, contextWindow, maxNewTokens)) {
      setRefused(undefined);
      return false;
    }
    const fit = messageFit(result, contextWindow, maxNewTokens);
    setRefused({
      characters: inserted.length,
      tokens: minimumTokens(inserted),
      limit: fit.kind === 'too-long' ? fit.limit : 0,
      contextWindow,
    });
    return true;
  };

  return {
    refused,
    clear: () => setRefused(undefined),
    onPaste(event) {
      if (guard(event.currentTarget, event.clipboardData.getData('text/plain'), true)) event.preventDefault();
    },
    onDrop(event) {
      // Where a drop lands in the text is only known once it is in; the end is the worst case.
      if (guard(event.currentTarget, event.dataTransfer.getData('text/plain'), false)) event.preventDefault();
    },
  };
}

export function RefusedInsertNotice({ refused }: { refused: RefusedInsert | undefined }) {
  const { t, formatNumber } = useI18n();
  // Rendered only with its text, as the composer's other notices: an alert is announced when it appears, and
  // an empty one would still be found by everything that looks for the page's alert.
  if (!refused) return null;
  return (
    <div role="alert" className="mt-1.5 text-sm text-red-800 dark:text-red-300">
      {t('composer.insertRefused', {
        characters: formatNumber(refused.characters),
        tokens: formatNumber(refused.tokens),
        limit: formatNumber(refused.limit),
        window: formatNumber(refused.contextWindow),
      })}
    </div>
  );
}
