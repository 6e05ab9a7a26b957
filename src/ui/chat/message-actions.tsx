import { useId, useRef, useState, type ComponentPropsWithRef } from 'react';
import { BOX_CHARACTERS } from '../../chat/model/context-fit';
import type { AssistantMessage, UserMessage } from '../../conversation/messages';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { copyText, CopyByHand } from './copy-by-hand';
import type { MessageActions } from './message-view';
import { MessageFitWarning, RefusedInsertNotice, useInsertGuard, useMessageFit } from './message-fit';

/** A small action beside a message; disabled, it fades more than other buttons do. */
function ActionButton(props: Omit<ComponentPropsWithRef<'button'>, 'className'>) {
  return <Button variant="ghost" tone="faint" size="xs" className="disabled:opacity-40" {...props} />;
}

/** "‹ 2 / 3 ›": browse the versions an exchange has had (edits and regenerations). */
export function VersionSwitcher({ message }: { message: UserMessage }) {
  const { t } = useI18n();
  const selectVersion = useChat((state) => state.selectVersion);
  const busy = useChat((state) => state.status !== 'ready');
  if (message.versionCount < 2) return null;
  const { depth, selectedVersion: selected, versionCount: count } = message;
  return (
    <div
      className="flex items-center gap-1 text-xs text-stone-600 dark:text-stone-400"
      data-testid="version-switcher"
    >
      <ActionButton
        aria-label={t('message.previousVersion')}
        disabled={busy || selected === 0}
        onClick={() => selectVersion(depth, selected - 1)}
      >
        ‹
      </ActionButton>
      <span aria-live="polite">{t('message.version', { index: selected + 1, count })}</span>
      <ActionButton
        aria-label={t('message.nextVersion')}
        disabled={busy || selected === count - 1}
        onClick={() => selectVersion(depth, selected + 1)}
      >
        ›
      </ActionButton>
    </div>
  );
}

/** Edit a question and send it again; the old question and its answer stay as a version. */
export function QuestionEditor({ message, onDone }: { message: UserMessage; onDone: () => void }) {
  const { t } = useI18n();
  const editAndResend = useChat((state) => state.editAndResend);
  const [text, setText] = useState(message.content);
  const id = useId();
  const warningId = useId();
  const fit = useMessageFit(text);
  const box = useRef<HTMLTextAreaElement>(null);
  const insert = useInsertGuard(box);
  return (
    <form
      className="flex w-full max-w-[85%] flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (fit.kind === 'fits' && editAndResend(message.depth, text) === 'sent') onDone();
      }}
    >
      <label htmlFor={id} className="sr-only">
        {t('message.editLabel')}
      </label>
      <textarea
        ref={box}
        id={id}
        value={text}
        onChange={(event) => {
          if (insert.accepts(event, text)) setText(event.target.value);
        }}
        onPaste={insert.onPaste}
        onDrop={insert.onDrop}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onDone();
        }}
        aria-describedby={warningId}
        aria-invalid={fit.kind === 'too-long' ? true : undefined}
        rows={3}
        className="w-full rounded-2xl border border-stone-300 bg-white px-4 py-2.5 text-stone-900 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
      />
      <MessageFitWarning fit={fit} id={warningId} />
      <RefusedInsertNotice refused={insert.refused} />
      <div className="flex justify-end gap-2">
        <ActionButton onClick={onDone}>{t('message.cancelEdit')}</ActionButton>
        <Button
          variant="primary"
          type="submit"
          disabled={text.trim() === '' || fit.kind === 'too-long'}
          className="rounded-lg px-3 py-1 text-sm disabled:opacity-50"
        >
          {t('message.resend')}
        </Button>
      </div>
    </form>
  );
}

export function QuestionActions({ message, onEdit }: { message: UserMessage; onEdit: () => void }) {
  const { t, formatNumber } = useI18n();
  const busy = useChat((state) => state.status !== 'ready' || state.model.kind !== 'ready');
  const fit = useMessageFit(message.content);
  // Such a question (from a backup) could never be sent, and a text box would lay all of it out at once.
  const uneditable = fit.kind === 'too-long' && message.content.length > BOX_CHARACTERS;
  return (
    <div className="flex flex-col items-end gap-1">
      {fit.kind === 'too-long' && (
        <p className="max-w-[85%] text-right text-xs text-stone-600 dark:text-stone-400">
          {t('message.questionOverLimit', {
            tokens: formatNumber(fit.tokens),
            limit: formatNumber(fit.limit),
          })}
        </p>
      )}
      <div className="flex items-center justify-end gap-1">
        <VersionSwitcher message={message} />
        <ActionButton disabled={busy || uneditable} onClick={onEdit}>
          {t('message.edit')}
        </ActionButton>
      </div>
    </div>
  );
}

/** Copy and regenerate, under a finished answer. */
export function AnswerActions({ message }: { message: AssistantMessage }) {
  const { t } = useI18n();
  const regenerate = useChat((state) => state.regenerate);
  const busy = useChat((state) => state.status !== 'ready' || state.model.kind !== 'ready');
  // Messages alternate question and answer, so the question of depth d is the message at 2d.
  const question = useChat((state) => state.messages[message.depth * 2]?.content ?? '');
  const questionFits = useMessageFit(question).kind === 'fits';
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copyButton = useRef<HTMLButtonElement>(null);
  if (message.status === 'pending' || message.status === 'streaming') return null;
  return (
    <>
      <div className="mt-1 flex gap-1">
        <ActionButton
          ref={copyButton}
          disabled={message.content === ''}
          onClick={() =>
            void copyText(message.content).then((done) => {
              if (!done) {
                setCopy('failed');
                return;
              }
              setCopy('copied');
              setTimeout(() => setCopy((now) => (now === 'copied' ? 'idle' : now)), 2000);
            })
          }
        >
          {copy === 'copied' ? t('message.copied') : t('message.copy')}
        </ActionButton>
        <ActionButton disabled={busy || !questionFits} onClick={() => regenerate(message.depth)}>
          {t('message.regenerate')}
        </ActionButton>
      </div>
      {copy === 'failed' && (
        <CopyByHand
          text={message.content}
          onClose={() => {
            setCopy('idle');
            copyButton.current?.focus();
          }}
        />
      )}
    </>
  );
}

/** The chat's actions on its messages, for {@link MessageView} (one object, so that it never renders anew). */
export const chatMessageActions: MessageActions = {
  Question: QuestionActions,
  Editor: QuestionEditor,
  Answer: AnswerActions,
};
