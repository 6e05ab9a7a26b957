import type { StorageProblem } from '../../chat/types';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { Button } from '../primitives/controls';

/** What the user is told of a storage problem. */
function messageOf(problem: StorageProblem): MessageKey {
  if (problem.kind === 'cleared') return 'storage.cleared';
  if (problem.failure === 'newer-version') {
    return problem.kind === 'not-saved' ? 'storage.newerVersion.unsaved' : 'storage.newerVersion';
  }
  if (problem.kind === 'not-saved') {
    return problem.failure === 'full' ? 'storage.notSaved.full' : 'storage.notSaved.failed';
  }
  return problem.kind === 'not-deleted' ? 'storage.notDeleted' : 'storage.notRead';
}

/**
 * What storage did not do (a save, a delete, a read), until it is done: what is on screen and what is stored
 * are told apart, and the user can try again (or, when a newer version of the app holds the database, reload
 * into it).
 */
export function StorageNotice() {
  const { t } = useI18n();
  const problem = useChat((state) => state.storageProblem);
  const retry = useChat((state) => state.retryStorage);
  const dismiss = useChat((state) => state.dismissStorageProblem);
  if (!problem) return null;
  const newer = problem.kind !== 'cleared' && problem.failure === 'newer-version';
  return (
    <div
      role="alert"
      data-testid="storage-notice"
      className="mx-auto mt-1.5 flex max-w-3xl flex-wrap items-center gap-x-3 gap-y-1 px-1 text-sm text-red-800 dark:text-red-300"
    >
      <p className="min-w-0 flex-1 basis-64">
        {t(messageOf(problem))}
        {problem.kind !== 'cleared' && (
          <span className="ml-1 text-xs break-all text-stone-600 dark:text-stone-400">
            ({problem.detail})
          </span>
        )}
      </p>
      <span className="flex shrink-0 gap-2">
        {newer ? (
          <Button variant="outlined" size="sm" type="button" onClick={() => window.location.reload()}>
            {t('storage.reload')}
          </Button>
        ) : (
          problem.kind !== 'cleared' && (
            <Button variant="outlined" size="sm" type="button" onClick={() => void retry()}>
              {t('storage.retry')}
            </Button>
          )
        )}
        <Button variant="ghost" tone="muted" size="sm" type="button" onClick={dismiss}>
          {t('storage.dismiss')}
        </Button>
      </span>
    </div>
  );
}
