import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { Button } from '../primitives/controls';
import { appLink, shareLink, type ShareOutcome } from '../../pwa/share-link';

const CONFIRMATION_MS = 4000;

const outcomeKey: Record<Exclude<ShareOutcome, 'cancelled'>, MessageKey> = {
  shared: 'pwa.share.shared',
  copied: 'pwa.share.copied',
  failed: 'pwa.share.failed',
};

/** Shares the app's link (the Web Share API where there is one, else the clipboard) and says what it did. */
export function ShareButton() {
  const { t } = useI18n();
  const [result, setResult] = useState<{ readonly outcome: ShareOutcome; readonly url: string }>();

  useEffect(() => {
    // A failure stays: its message holds the link for copying by hand.
    if (!result || result.outcome === 'failed') return;
    const timer = setTimeout(() => setResult(undefined), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [result]);

  const share = async (): Promise<void> => {
    const url = appLink(location.href);
    setResult(undefined);
    const outcome = await shareLink(navigator, { url, title: t('app.title'), text: t('app.tagline') });
    setResult({ outcome, url });
  };

  const message =
    result && result.outcome !== 'cancelled' ? t(outcomeKey[result.outcome], { url: result.url }) : '';
  return (
    <div className="relative">
      <Button
        variant="outlined"
        tone="muted"
        size="sm"
        title={t('pwa.share.label')}
        onClick={() => void share()}
        className="whitespace-nowrap"
      >
        {t('pwa.share')}
      </Button>
      <p
        role="status"
        data-testid="share-status"
        className={
          message
            ? 'absolute top-full right-0 z-40 mt-2 w-max max-w-72 rounded-lg bg-stone-900 px-3 py-2 text-xs break-all text-white shadow-lg select-text dark:bg-stone-100 dark:text-stone-900'
            : 'sr-only'
        }
      >
        {message}
      </p>
    </div>
  );
}
