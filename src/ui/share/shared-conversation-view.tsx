import { useEffect, useId, useRef } from 'react';
import type { SharedView } from '../../chat/shared-slice';
import { useChat } from '../chat-store-context';
import { MessageView, preloadMarkdown } from '../chat/message-view';
import { ErrorBoundary } from '../error-boundary';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { CloseSharedButton } from './close-shared-button';

/** A shared conversation being read or shown (anything else is not this view's). */
type SharedViewProps = {
  readonly view: SharedView;
  readonly onSave: () => void;
  readonly onClose: () => void;
  /** Its reader points at or focuses Save or Close: what they need can start coming. */
  readonly onIntent?: () => void;
};

function SharedMessages({ view }: { view: SharedView }) {
  const { t } = useI18n();
  useEffect(preloadMarkdown, []);
  if (view.kind !== 'viewing') return null;
  if (view.messages.length === 0) {
    return (
      <p className="px-6 py-10 text-center text-sm text-stone-600 dark:text-stone-400">{t('shared.empty')}</p>
    );
  }
  return (
    <ol aria-label={t('chat.log')} className="mx-auto flex max-w-3xl flex-col gap-4 px-4 py-6">
      {view.messages.map((message) => (
        <MessageView key={message.id} message={message} />
      ))}
    </ol>
  );
}

/**
 * A conversation someone sent as a link, in place of the user's own: read-only (no message box, no action
 * on a message), marked as shared and as unverified, rendered by the same sanitizing Markdown view as the
 * user's answers. It needs neither the model nor WebGPU. Saving makes it a conversation of the user's;
 * closing goes back to theirs as they were.
 */
export function SharedConversationView({ view, onSave, onClose, onIntent }: SharedViewProps) {
  const { t } = useI18n();
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const viewing = view.kind === 'viewing';
  // Someone arriving from a link is told at once where they are.
  useEffect(() => {
    if (viewing) heading.current?.focus();
  }, [viewing]);

  if (view.kind === 'opening') {
    return (
      <p
        role="status"
        className="flex flex-1 items-center justify-center text-sm text-stone-600 dark:text-stone-400"
      >
        {t('shared.opening')}
      </p>
    );
  }
  if (view.kind !== 'viewing') return null;
  const { conversation, modelId } = view.shared;
  return (
    <section
      aria-labelledby={titleId}
      data-testid="shared-conversation"
      className="flex min-h-0 flex-1 flex-col"
    >
      <div className="border-b border-amber-300 bg-amber-50 px-4 py-3 dark:border-amber-800 dark:bg-amber-950/40">
        <div className="mx-auto flex max-w-3xl flex-col gap-2">
          <h2
            id={titleId}
            ref={heading}
            tabIndex={-1}
            className="flex min-w-0 items-baseline gap-2 focus:outline-none"
          >
            <span className="shrink-0 rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-950 dark:bg-amber-800 dark:text-amber-50">
              {t('shared.badge')}
            </span>
            <span className="truncate text-base font-semibold">{conversation.title}</span>
          </h2>
          <p className="text-sm text-amber-950 dark:text-amber-100">{t('shared.untrusted')}</p>
          <p className="text-xs text-stone-700 dark:text-stone-300">
            {t('shared.readOnly')}
            {modelId !== undefined && <> · {t('shared.model', { model: modelId })}</>}
          </p>
          <div className="flex flex-wrap gap-2">
            <Button
              variant="primary"
              size="lg"
              onClick={onSave}
              {...(onIntent === undefined ? {} : { onIntent })}
              className="text-sm"
            >
              {t('shared.save')}
            </Button>
            <CloseSharedButton onClose={onClose} {...(onIntent === undefined ? {} : { onIntent })} />
          </div>
        </div>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <ErrorBoundary
          resetKey={view}
          fallback={() => (
            <p role="alert" className="px-6 py-10 text-center text-sm text-red-800 dark:text-red-300">
              {t('shared.unrenderable')}
            </p>
          )}
        >
          <SharedMessages view={view} />
        </ErrorBoundary>
      </div>
    </section>
  );
}

/** The shared conversation the chat store holds: one opened in the app, or handed over to it. */
export function StoredSharedConversation() {
  const view = useChat((state) => state.shared);
  const saveShared = useChat((state) => state.saveShared);
  const closeShared = useChat((state) => state.closeShared);
  return <SharedConversationView view={view} onSave={() => void saveShared()} onClose={closeShared} />;
}
