import { useStore } from 'zustand';
import type { SharedPageStore } from '../../chat/shared-page-store';
import { AppFrame, AppHeader } from '../app-header';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { SharedConversationView } from './shared-conversation-view';

/** The app coming to take over, or why it could not: the conversation stays on this page meanwhile. */
function Handover({ store }: { store: SharedPageStore }) {
  const { t } = useI18n();
  const handover = useStore(store, (state) => state.handover);
  const retry = useStore(store, (state) => state.retry);
  if (handover === 'loading') {
    return (
      <p role="status" className="px-4 py-2 text-center text-sm text-stone-600 dark:text-stone-400">
        {t('shared.handover.loading')}
      </p>
    );
  }
  if (handover !== 'failed') return null;
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-center gap-3 border-b border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
    >
      <p>{t('shared.handover.failed')}</p>
      <Button variant="outlined" size="sm" onClick={retry}>
        {t('shared.handover.retry')}
      </Button>
    </div>
  );
}

/**
 * The page a shared link opens on: the app's header and the conversation, and nothing else of the app (no
 * conversation list, no model, no storage) until its reader saves or closes it.
 */
export function SharedPage({ store, onIntent }: { store: SharedPageStore; onIntent?: () => void }) {
  const view = useStore(store, (state) => state.view);
  const save = useStore(store, (state) => state.save);
  const close = useStore(store, (state) => state.close);
  return (
    <AppFrame header={<AppHeader />}>
      <Handover store={store} />
      <SharedConversationView
        view={view}
        onSave={save}
        onClose={close}
        {...(onIntent === undefined ? {} : { onIntent })}
      />
    </AppFrame>
  );
}
