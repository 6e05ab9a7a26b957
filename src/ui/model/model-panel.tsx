import { useChat } from '../chat-store-context';
import { errorKey, phaseKey } from '../i18n/messages';
import { useI18n } from '../i18n/i18n';

const buttonClass =
  'rounded-xl px-4 py-2 font-medium focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 focus-visible:outline-none';

/** The model's load state while it is not ready: the load button, the progress bar, or what went wrong. */
export function ModelPanel() {
  const { t, formatNumber } = useI18n();
  const model = useChat((state) => state.model);
  const loadModel = useChat((state) => state.loadModel);
  const cancelLoad = useChat((state) => state.cancelLoad);
  if (model.kind === 'ready') return null;

  return (
    <section
      aria-labelledby="model-panel-title"
      className="mx-auto mt-4 w-[calc(100%-2rem)] max-w-3xl rounded-2xl bg-white p-5 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800"
    >
      {model.kind === 'idle' && (
        <>
          <h2 id="model-panel-title" className="text-lg font-semibold">
            {t('model.idle.title')}
          </h2>
          <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{t('model.idle.body')}</p>
          <button
            type="button"
            onClick={() => void loadModel()}
            className={`${buttonClass} mt-4 bg-teal-700 text-white hover:bg-teal-800`}
          >
            {t('model.load')}
          </button>
        </>
      )}
      {model.kind === 'loading' && (
        <>
          <h2 id="model-panel-title" className="text-lg font-semibold">
            {t('model.loading.title')}
          </h2>
          <div
            role="progressbar"
            aria-label={t('model.progressLabel')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round((model.progress?.fraction ?? 0) * 100)}
            className="mt-3 h-2 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-800"
          >
            <div
              className="h-full bg-teal-600 transition-[width]"
              style={{ width: `${(model.progress?.fraction ?? 0) * 100}%` }}
            />
          </div>
          <p className="mt-2 flex justify-between text-sm text-stone-700 tabular-nums dark:text-stone-300">
            <span>{t(phaseKey(model.progress?.phase ?? 'preparing'))}</span>
            {model.progress?.loadedBytes !== undefined && model.progress.totalBytes !== undefined && (
              <span>
                {t('model.megabytes', {
                  done: formatNumber(model.progress.loadedBytes / 1e6),
                  total: formatNumber(model.progress.totalBytes / 1e6),
                })}
              </span>
            )}
          </p>
          <button
            type="button"
            onClick={cancelLoad}
            className={`${buttonClass} mt-3 bg-stone-200 text-stone-900 hover:bg-stone-300 dark:bg-stone-800 dark:text-stone-100`}
          >
            {t('model.cancel')}
          </button>
        </>
      )}
      {model.kind === 'failed' && (
        <div role="alert">
          <h2 id="model-panel-title" className="text-lg font-semibold text-red-800 dark:text-red-300">
            {t('model.failed.title')}
          </h2>
          <p className="mt-1 text-sm">{t(errorKey(model.error.code))}</p>
          <details className="mt-2 text-xs text-stone-600 dark:text-stone-400">
            <summary>{t('error.details')}</summary>
            <code className="break-all">{model.error.message}</code>
          </details>
          <button
            type="button"
            onClick={() => void loadModel()}
            className={`${buttonClass} mt-4 bg-teal-700 text-white hover:bg-teal-800`}
          >
            {t('model.retry')}
          </button>
        </div>
      )}
    </section>
  );
}
