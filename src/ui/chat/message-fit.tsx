import {
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type RefObject,
} from 'react';
import {
  BOX_CHARACTERS,
  contextWindowOf,
  messageFit,
  tooBigForBox,
  type MessageFit,
} from '../../chat/model/context-fit';
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

/** Text that was not put in a box, and why. */
export interface RefusedInsert {
  readonly characters: number;
  readonly tokens: number;
  readonly limit: number;
  readonly contextWindow: number;
  /** A paste: the text is still on the clipboard. */
  readonly pasted: boolean;
}

/** What `after` has that `before` had not: `after` less the start and the end they share. */
export function insertedText(before: string, after: string): string {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end += 1;
  }
  return after.slice(start, after.length - end);
}

/**
 * Keeps text that could never be sent out of a text box, however it comes (a paste, a drop, an input method's
 * commit, a script): text that would make the box hold more than `BOX_CHARACTERS` and more than the model's
 * window is refused, since Chromium lays a text box's whole content out at once (a million characters hold
 * the page for seconds). Anything smaller goes in, and the fit warning takes over.
 *
 * A paste or a drop is seen before it lands, and so is an insertion that says what it inserts (`beforeinput`:
 * an input method's commit, a spelling fix); text that is already in the box when the page hears of it (a
 * script's) is taken out again by `accepts`, in the same task, before anything lays it out.
 */
export function useInsertGuard(box: RefObject<HTMLTextAreaElement | null>): {
  readonly refused: RefusedInsert | undefined;
  /**
   * Whether the box may take the text of its `change` event, having held `before`; if not, it keeps `before`
   * and the notice says why.
   */
  readonly accepts: (event: ChangeEvent<HTMLTextAreaElement>, before: string) => boolean;
  readonly onPaste: (event: ClipboardEvent<HTMLTextAreaElement>) => void;
  readonly onDrop: (event: DragEvent<HTMLTextAreaElement>) => void;
} {
  const { contextWindow, maxNewTokens } = useContextLimits();
  const [refused, setRefused] = useState<RefusedInsert | undefined>(undefined);

  const refuse = useCallback(
    (inserted: string, result: string, pasted: boolean): boolean => {
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
        pasted,
      });
      return true;
    },
    [contextWindow, maxNewTokens],
  );

  const guard = useCallback(
    (
      element: HTMLTextAreaElement,
      inserted: string,
      replacesSelection: boolean,
      pasted: boolean,
    ): boolean => {
      const { value } = element;
      const start = replacesSelection ? element.selectionStart : value.length;
      const end = replacesSelection ? element.selectionEnd : value.length;
      // Most insertions are a keystroke into a short text: nothing to build or count.
      if (value.length - (end - start) + inserted.length <= BOX_CHARACTERS) {
        setRefused(undefined);
        return false;
      }
      return refuse(inserted, value.slice(0, start) + inserted + value.slice(end), pasted);
    },
    [refuse],
  );

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onBeforeInput = (event: InputEvent): void => {
      // A syllable being composed (Hangul is) cannot be refused. Pastes and drops were seen by their own
      // events, which say where the text came from.
      if (event.isComposing || !event.cancelable) return;
      if (event.inputType === 'insertFromPaste' || event.inputType === 'insertFromDrop') return;
      const inserted = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
      if (inserted !== '' && guard(element, inserted, true, false)) event.preventDefault();
    };
    element.addEventListener('beforeinput', onBeforeInput);
    return () => element.removeEventListener('beforeinput', onBeforeInput);
  }, [box, guard]);

  return {
    refused,
    accepts(event, before) {
      const after = event.target.value;
      // Taking a syllable out while it is composed would break the input method; a composition brings in a
      // syllable or a word, not a text that freezes the page.
      const composing = event.nativeEvent instanceof InputEvent && event.nativeEvent.isComposing;
      if (after.length <= BOX_CHARACTERS || composing) {
        setRefused(undefined);
        return true;
      }
      return !refuse(insertedText(before, after), after, false);
    },
    onPaste(event) {
      if (guard(event.currentTarget, event.clipboardData.getData('text/plain'), true, true))
        event.preventDefault();
    },
    onDrop(event) {
      // Where a drop lands in the text is only known once it is in; the end is the worst case.
      if (guard(event.currentTarget, event.dataTransfer.getData('text/plain'), false, false)) {
        event.preventDefault();
      }
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
      {t(refused.pasted ? 'composer.insertRefused' : 'composer.insertRefused.other', {
        characters: formatNumber(refused.characters),
        tokens: formatNumber(refused.tokens),
        limit: formatNumber(refused.limit),
        window: formatNumber(refused.contextWindow),
      })}
    </div>
  );
}
