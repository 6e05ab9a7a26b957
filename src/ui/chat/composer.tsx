import { useId, useRef, type KeyboardEvent, type SubmitEvent } from 'react';
import { messageFit } from '../../chat/model/context-fit';
import { useI18n } from '../i18n/i18n';
import { useChat } from '../chat-store-context';
import { Button } from '../primitives/controls';
import {
  MessageFitWarning,
  RefusedInsertNotice,
  useContextLimits,
  useInsertGuard,
  useMessageFit,
} from './message-fit';
import { isSendKeystroke } from './send-keystroke';
import { StorageNotice } from './storage-notice';

export function Composer() {
  const { t, formatNumber } = useI18n();
  const send = useChat((state) => state.send);
  const stop = useChat((state) => state.stop);
  const answering = useChat((state) => state.status !== 'ready');
  const modelReady = useChat((state) => state.model.kind === 'ready');
  const draft = useChat((state) => state.draft);
  const setDraft = useChat((state) => state.setDraft);
  const notice = useChat((state) => state.notice);
  const contextWindow = useChat((state) =>
    state.model.kind === 'ready' ? state.model.model.contextWindow : undefined,
  );
  const composing = useRef(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const warningId = useId();
  const limits = useContextLimits();
  const fit = useMessageFit(draft);
  const insert = useInsertGuard(box);

  // Reads the box itself, not the last render's draft: the input event that commits the final Hangul
  // syllable can land in the same task as the Enter that sends, before React has re-rendered.
  const submit = (): void => {
    const text = box.current?.value ?? draft;
    // The warning already says why; the text stays in the box to be shortened.
    if (messageFit(text, limits.contextWindow, limits.maxNewTokens).kind === 'too-long') return;
    send(text);
  };

  const stopAnswer = (): void => {
    stop();
    // The Stop button gives way to Send; keep the keyboard user in the box rather than on <body>.
    box.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Escape' && answering && !composing.current) {
      event.preventDefault();
      stop();
      return;
    }
    if (!isSendKeystroke(event.nativeEvent, composing.current)) return;
    // Enter never inserts a line, even when the store declines the message (busy, not loaded).
    event.preventDefault();
    submit();
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    submit();
  };

  return (
    <form
      onSubmit={onSubmit}
      className="border-t border-stone-200 bg-white/90 px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] backdrop-blur dark:border-stone-800 dark:bg-stone-950/90"
    >
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <textarea
          ref={box}
          value={draft}
          onChange={(event) => {
            if (insert.accepts(event, draft)) setDraft(event.target.value);
          }}
          onPaste={insert.onPaste}
          onDrop={insert.onDrop}
          onKeyDown={onKeyDown}
          onCompositionStart={() => (composing.current = true)}
          onCompositionEnd={() => (composing.current = false)}
          aria-label={t('composer.label')}
          aria-describedby={`${warningId} ${hintId}`}
          aria-invalid={fit.kind === 'too-long' ? true : undefined}
          placeholder={t('composer.placeholder')}
          rows={1}
          className="field-sizing-content max-h-48 min-h-11 flex-1 resize-none rounded-2xl border border-stone-300 bg-white px-4 py-2.5 text-base leading-6 text-stone-900 placeholder:text-stone-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
        />
        {answering ? (
          <Button variant="inverse" size="xl" onClick={stopAnswer} className="shrink-0">
            {t('composer.stop')}
          </Button>
        ) : (
          <Button
            variant="primary"
            size="xl"
            type="submit"
            disabled={!modelReady || draft.trim() === '' || fit.kind === 'too-long'}
            className="shrink-0 disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-600 dark:disabled:bg-stone-700 dark:disabled:text-stone-300"
          >
            {t('composer.send')}
          </Button>
        )}
      </div>
      <div className="mx-auto max-w-3xl px-1">
        <MessageFitWarning fit={fit} id={warningId} />
        <RefusedInsertNotice refused={insert.refused} />
      </div>
      {notice && (
        <p role="alert" className="mx-auto mt-1.5 max-w-3xl px-1 text-sm text-red-800 dark:text-red-300">
          {notice.kind === 'unreadable'
            ? t('composer.unreadable', { title: notice.title || t('conversations.untitled') })
            : contextWindow === undefined
              ? t('error.context-window-exceeded')
              : t('composer.tooLong', { tokens: formatNumber(contextWindow) })}
        </p>
      )}
      <StorageNotice />
      <p id={hintId} className="mx-auto mt-1.5 max-w-3xl px-1 text-xs text-stone-600 dark:text-stone-400">
        {t(answering ? 'composer.hint.answering' : modelReady ? 'composer.hint' : 'composer.hint.notReady')}
      </p>
    </form>
  );
}
