import { useEffect, useState } from 'react';
import { appLink, shareLink, type SharePlatform } from '../../pwa/share-link';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { lazyPart, PartSlot } from '../primitives/lazy-part';
import type { Shown } from './share-panel';

// Shown only for a link that is long, too long, or could not be shared: a chunk of its own.
const sharePanel = lazyPart(() => import('./share-panel').then((module) => module.SharePanel));

const CONFIRMATION_MS = 4000;

/**
 * "이 대화 공유": puts the shown path of the current conversation into a link to the app (after the `#`, which
 * never reaches the host), and shares it with the Web Share API or copies it, saying how long it is. A link
 * that messengers may cut is shared only once the user has seen the warning and the offer of a file; one
 * past what a browser opens is not made at all.
 */
export function ShareConversationButton({ platform = navigator }: { platform?: SharePlatform }) {
  const { t, formatNumber } = useI18n();
  const makeShareLink = useChat((state) => state.makeShareLink);
  const title = useChat((state) => state.current.title);
  const unavailable = useChat(
    (state) => state.current.first === undefined || state.shared.kind === 'viewing',
  );
  const [shown, setShown] = useState<Shown>({ kind: 'nothing' });

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
        <div className="absolute top-full right-0 z-40 mt-2 w-[min(24rem,calc(100vw-1.5rem))]">
          <PartSlot>
            <sharePanel.Part shown={shown} onSend={(url, length) => void send(url, length)} onClose={close} />
          </PartSlot>
        </div>
      )}
    </div>
  );
}
