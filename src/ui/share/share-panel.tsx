import { useId, type ComponentPropsWithRef } from 'react';
import { MAX_LINK_LENGTH, MESSENGER_LINK_LENGTH, shownPath } from '../../conversation/formats/shared-link';
import { useChatStore } from '../chat-store-context';
import { downloadConversationBackup, downloadMarkdown } from '../conversations/conversation-files';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

/**
 * What the button is showing: nothing, a link being made, a confirmation (it goes away), or a panel that
 * waits for the user: a link that messengers may cut, one too long to be a link, or one to copy by hand.
 */
export type Shown =
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
 * The panel under "이 대화 공유" that waits for the user: a link messengers may cut (share it anyway, or send
 * a file instead), one too long to be a link, or one the browser would not share or copy (copy it by hand).
 */
export function SharePanel({
  shown,
  onSend,
  onClose,
}: {
  shown: Extract<Shown, { kind: 'long' | 'too-long' | 'failed' }>;
  onSend: (url: string, length: number) => void;
  onClose: () => void;
}) {
  const { t, formatNumber } = useI18n();
  const store = useChatStore();
  const panelTitle = useId();
  const length = formatNumber(shown.length);
  return (
    <div
      role="dialog"
      aria-labelledby={panelTitle}
      className="flex flex-col gap-2 rounded-xl bg-white p-4 text-sm text-stone-900 shadow-xl ring-1 ring-stone-200 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-700"
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
          <PanelButton onClick={() => onSend(shown.url, shown.length)}>
            {t('share.conversation.anyway')}
          </PanelButton>
        )}
        <PanelButton onClick={() => downloadMarkdown(store.getState().current, t)}>
          {t('share.conversation.markdown')}
        </PanelButton>
        <PanelButton onClick={() => downloadConversationBackup(shownPath(store.getState().current))}>
          {t('share.conversation.json')}
        </PanelButton>
        <PanelButton onClick={onClose}>{t('share.conversation.close')}</PanelButton>
      </div>
    </div>
  );
}
