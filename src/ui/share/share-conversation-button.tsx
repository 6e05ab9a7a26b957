import { useEffect, useId, useState, type ComponentPropsWithRef } from 'react';
import { MAX_LINK_LENGTH, MESSENGER_LINK_LENGTH, shownPath } from '../../conversation/formats/shared-link';
import { appLink, shareLink, type SharePlatform } from '../../pwa/share-link';
import { useChat, useChatStore } from '../chat-store-context';
import { downloadConversationBackup, downloadMarkdown } from '../conversations/conversation-files';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

const CONFIRMATION_MS = 4000;

/**
 * What the button is showing: nothing, a link being made, a confirmation (it goes away), or a panel that
 * waits for the user: a link that messengers may cut, one too long to be a link, or one to copy by hand.
 */
type Shown =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'working' }
  | { readonly kind: 'done'; readonly outcome: 'shared' | 'copied'; readonly length: number }
  | { readonly kind: 'failed' | 'long'; readonly url: string; readonly length: number }
  | { readonly kind: 'too-long'; readonly length: number };

/** An action of the panel under the button. */
function PanelButton(props: Omit<ComponentPropsWithRef<'button'>, 'className'>) {
  return <Button variant="outlined" size="md" className="font-medium" {...props} />;
}

/**
 * "이 대화 공유": puts the shown path of the current conversation into a link to the app (after the `#`, which
 * never reaches the host), and shares it with the Web Share API or copies it, saying how long it is. A link
 * that messengers may cut is shared only once the user has seen the warning and the offer of a file; one
 * past what a browser opens is not made at all.
 */
export function ShareConversationButton({ platform = navigator }: { platform?: SharePlatform }) {
  const { t, formatNumber } = useI18n();
  const makeShareLink = useChat((state) => state.makeShareLink);
  const store = useChatStore();
  const title = useChat((state) => state.current.title);
  const unavailable = useChat(
    (state) => state.current.first === undefined || state.shared.kind === 'viewing',
  );
  const [shown, setShown] = useState<Shown>({ kind: 'nothing' });
  const panelTitle = useId();

  // A panel is about the link of the conversation it was made for: another conversation closes it.
  const currentId = useChat((state) => state.current.id);
  const [shownFor, setShownFor] = useState(currentId);
  if (shownFor !== currentId) {
    setShownFor(currentId);
    setShown({ kind: 'nothing' });
  }

  useEffect(() => {
    if (shown.kind !== 'done') return;
    const timer = setTimeout(() => setShown({ kind: 'nothing' }), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  const send = async (url: string, length: number): Promise<void> => {
    const outcome = await shareLink(platform, {
      url,
      title: title || t('app.title'),
      text: t('share.conversation.text'),
    });
    if (outcome === 'cancelled') setShown({ kind: 'nothing' });
    else if (outcome === 'failed') setShown({ kind: 'failed', url, length });
    else setShown({ kind: 'done', outcome, length });
  };

  const share = async (): Promise<void> => {
    setShown({ kind: 'working' });
    const plan = await makeShareLink(appLink(location.href)).catch(() => ({ kind: 'empty' }) as const);
    switch (plan.kind) {
      case 'empty':
        setShown({ kind: 'nothing' });
        return;
      case 'short':
        await send(plan.url, plan.length);
        return;
      case 'long':
        setShown({ kind: 'long', url: plan.url, length: plan.length });
        return;
      case 'too-long':
        setShown({ kind: 'too-long', length: plan.length });
        return;
    }
  };

  const length = 'length' in shown ? formatNumber(shown.length) : '';
  const status =
    shown.kind === 'working'
      ? t('share.conversation.working')
      : shown.kind === 'done'
        ? t(shown.outcome === 'shared' ? 'share.conversation.shared' : 'share.conversation.copied', {
            length,
          })
        : '';
  const close = (): void => setShown({ kind: 'nothing' });
  const files = (
    <>
      <PanelButton onClick={() => downloadMarkdown(store.getState().current, t)}>
        {t('share.conversation.markdown')}
      </PanelButton>
      <PanelButton onClick={() => downloadConversationBackup(shownPath(store.getState().current))}>
        {t('share.conversation.json')}
      </PanelButton>
    </>
  );

  return (
    <div className="relative">
      <Button
        variant="outlined"
        tone="muted"
        size="sm"
        title={unavailable ? t('share.conversation.unavailable') : t('share.conversation.label')}
        disabled={unavailable || shown.kind === 'working'}
        onClick={() => void share()}
        className="whitespace-nowrap disabled:opacity-50 disabled:hover:bg-transparent"
      >
        {t('share.conversation')}
      </Button>
      <p
        role="status"
        data-testid="share-conversation-status"
        className={
          status
            ? 'absolute top-full right-0 z-40 mt-2 w-max max-w-72 rounded-lg bg-stone-900 px-3 py-2 text-xs text-white shadow-lg dark:bg-stone-100 dark:text-stone-900'
            : 'sr-only'
        }
      >
        {status}
      </p>
      {(shown.kind === 'long' || shown.kind === 'too-long' || shown.kind === 'failed') && (
        <div
          role="dialog"
          aria-labelledby={panelTitle}
          className="absolute top-full right-0 z-40 mt-2 flex w-[min(24rem,calc(100vw-1.5rem))] flex-col gap-2 rounded-xl bg-white p-4 text-sm text-stone-900 shadow-xl ring-1 ring-stone-200 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-700"
        >
          <h2 id={panelTitle} className="font-semibold">
            {t('share.conversation.title')}
          </h2>
          {shown.kind === 'long' && (
            <p role="alert" className="text-amber-800 dark:text-amber-300">
              {t('share.conversation.long', { length, limit: formatNumber(MESSENGER_LINK_LENGTH) })}
            </p>
          )}
          {shown.kind === 'too-long' && (
            <p role="alert" className="text-red-800 dark:text-red-300">
              {t('share.conversation.tooLong', { length, limit: formatNumber(MAX_LINK_LENGTH) })}
            </p>
          )}
          {shown.kind === 'failed' && (
            <>
              <p role="alert">{t('share.conversation.failed', { length })}</p>
              <textarea
                readOnly
                aria-label={t('share.conversation.linkLabel')}
                value={shown.url}
                rows={3}
                onFocus={(event) => event.currentTarget.select()}
                className="w-full rounded-lg border border-stone-300 bg-stone-50 p-2 font-mono text-xs break-all dark:border-stone-700 dark:bg-stone-950"
              />
            </>
          )}
          <p className="text-xs text-stone-600 dark:text-stone-400">{t('share.conversation.privacy')}</p>
          <div className="flex flex-wrap justify-end gap-2">
            {shown.kind === 'long' && (
              <PanelButton onClick={() => void send(shown.url, shown.length)}>
                {t('share.conversation.anyway')}
              </PanelButton>
            )}
            {files}
            <PanelButton onClick={close}>{t('share.conversation.close')}</PanelButton>
          </div>
        </div>
      )}
    </div>
  );
}
