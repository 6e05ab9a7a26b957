import { useId } from 'react';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { sharedProblemKey } from '../i18n/messages';
import { CloseSharedButton } from './close-shared-button';

/** Why a shared link could not be opened, above the user's own conversation, which it left as it was. */
export function SharedLinkProblem() {
  const { t } = useI18n();
  const view = useChat((state) => state.shared);
  const closeShared = useChat((state) => state.closeShared);
  const titleId = useId();
  if (view.kind !== 'invalid') return null;
  return (
    <div
      role="alert"
      aria-labelledby={titleId}
      className="border-b border-red-200 bg-red-50 px-4 py-3 dark:border-red-900 dark:bg-red-950/40"
    >
      <div className="mx-auto flex max-w-3xl flex-wrap items-start gap-x-4 gap-y-2">
        <div className="min-w-0 flex-1">
          <p id={titleId} className="font-semibold text-red-900 dark:text-red-200">
            {t('shared.invalid.title')}
          </p>
          <p className="text-sm text-red-900 dark:text-red-200">{t(sharedProblemKey(view.problem))}</p>
          <details className="mt-1 text-xs text-stone-600 dark:text-stone-400">
            <summary>{t('error.details')}</summary>
            <code className="break-all">{view.detail}</code>
          </details>
        </div>
        <CloseSharedButton onClose={closeShared} />
      </div>
    </div>
  );
}
