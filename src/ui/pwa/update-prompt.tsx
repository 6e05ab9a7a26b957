import { useEffect, useId, useSyncExternalStore } from 'react';
import { useReloadDecision } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { usePwa } from '../../pwa/pwa-context';

/**
 * Tells the user a new version of the app is ready and lets them switch to it. The switch reloads the
 * page, so it is refused while an answer is being written or the model is loading, and a reload another
 * tab caused waits for the user here.
 */
export function UpdatePrompt() {
  const { t } = useI18n();
  const { updates } = usePwa();
  const state = useSyncExternalStore(updates.subscribe, updates.getState);
  const hintId = useId();
  const decision = useReloadDecision();
  // This tab asked for the update, so it reloads as soon as nothing would be lost.
  const reloadNow = state.kind === 'activated' && state.requestedHere && decision.kind === 'now';
  useEffect(() => {
    if (reloadNow) updates.reload();
  }, [reloadNow, updates]);

  if (state.kind === 'current' || state.kind === 'dismissed' || reloadNow) return null;
  const waiting = decision.kind === 'wait';
  const activated = state.kind === 'activated';
  return (
    <section
      aria-label={t('pwa.update.available')}
      className="fixed inset-x-3 top-3 z-50 mx-auto max-w-md rounded-xl bg-white p-4 text-stone-900 shadow-lg ring-1 ring-stone-300 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-700"
    >
      <p role="status" className="font-semibold">
        {t(activated ? 'pwa.update.activated' : 'pwa.update.available')}
      </p>
      {waiting && (
        <p id={hintId} className="mt-1 text-sm text-stone-600 dark:text-stone-400">
          {t(`pwa.update.wait.${decision.reason}`)}
        </p>
      )}
      <div className="mt-3 flex justify-end gap-2">
        {state.kind === 'available' && (
          <Button variant="outlined" tone="muted" size="md" onClick={updates.dismiss}>
            {t('pwa.update.later')}
          </Button>
        )}
        <Button
          variant="primary"
          size="md"
          ringOffset={false}
          disabled={waiting || state.kind === 'activating'}
          aria-describedby={waiting ? hintId : undefined}
          onClick={activated ? updates.reload : () => void updates.activate()}
          className="disabled:cursor-not-allowed disabled:bg-stone-400 dark:disabled:bg-stone-600"
        >
          {t(
            activated
              ? 'pwa.update.reload'
              : state.kind === 'activating'
                ? 'pwa.update.applying'
                : 'pwa.update.apply',
          )}
        </Button>
      </div>
    </section>
  );
}
