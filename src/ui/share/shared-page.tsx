import { useStore } from 'zustand';
import type { SharedPageStore } from '../../chat/shared-page-store';
import { AppFrame, AppHeader } from '../app-header';
import { SharedConversationView } from './shared-conversation-view';

/**
 * The page a shared link opens on: the app's header and the conversation, and nothing else of the app (no
 * conversation list, no model, no storage) until its reader saves or closes it.
 */
export function SharedPage({ store }: { store: SharedPageStore }) {
  const view = useStore(store, (state) => state.view);
  const save = useStore(store, (state) => state.save);
  const close = useStore(store, (state) => state.close);
  return (
    <AppFrame header={<AppHeader />}>
      <SharedConversationView view={view} onSave={save} onClose={close} />
    </AppFrame>
  );
}
