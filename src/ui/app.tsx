import { useCallback, useEffect, useRef, useState } from 'react';
import { AppHeader, AppFrame } from './app-header';
import { useChat } from './chat-store-context';
import { ConversationList } from './conversations/conversation-list';
import { useI18n } from './i18n/i18n';
import type { MessageKey } from './i18n/messages';
import { Button } from './primitives/controls';
import { lazyPart, PartSlot } from './primitives/lazy-part';
import { SettingsButton } from './settings/settings-button';
import { ShareConversationButton } from './share/share-conversation-button';
import type { ModelStatus } from '../chat/types';
import type { ChatState } from '../chat/chat-store';

/** Whether a shared conversation is open (or being opened) in place of the user's own. */
const sharedOpenIn = (state: ChatState): boolean =>
  state.shared.kind === 'viewing' || state.shared.kind === 'opening';

const statusStyle: Record<ModelStatus['kind'], { readonly key: MessageKey; readonly dot: string }> = {
  idle: { key: 'model.status.idle', dot: 'bg-stone-400' },
  loading: { key: 'model.status.loading', dot: 'bg-amber-500 animate-pulse' },
  ready: { key: 'model.status.ready', dot: 'bg-emerald-500' },
  failed: { key: 'model.status.failed', dot: 'bg-red-600' },
  elsewhere: { key: 'model.status.elsewhere', dot: 'bg-stone-400' },
  'taken-over': { key: 'model.status.elsewhere', dot: 'bg-stone-400' },
};

function Header({ onOpenConversations }: { onOpenConversations: () => void }) {
  const { t } = useI18n();
  const model = useChat((state) => state.model);
  const checking = useChat((state) => state.preflight.kind === 'checking');
  // A shared conversation needs no model: its reader is not told about one (nor about a check not started).
  const sharedOpen = useChat(sharedOpenIn);
  const status = statusStyle[model.kind];
  return (
    <AppHeader
      menu={
        <Button
          variant="outlined"
          tone="muted"
          size="icon"
          aria-label={t('conversations.open')}
          aria-haspopup="dialog"
          onClick={onOpenConversations}
          className="md:hidden"
        >
          <span aria-hidden="true">☰</span>
        </Button>
      }
      status={
        <p
          className="flex items-center gap-2 text-sm whitespace-nowrap text-stone-700 dark:text-stone-300"
          data-testid="model-status"
          hidden={sharedOpen}
        >
          <span aria-hidden="true" className={`size-2.5 rounded-full ${status.dot}`} />
          <span className="hidden sm:inline">{t('model.name')} · </span>
          {/* On a phone the dot alone, so that the app's name fits: the model's panel below says the rest. */}
          <span className="max-sm:sr-only">
            {checking && model.kind === 'idle' ? t('model.status.checking') : t(status.key)}
          </span>
          {model.kind === 'ready' && model.offline && (
            <span className="hidden sm:inline">· {t('model.status.offline')}</span>
          )}
        </p>
      }
      actions={
        <>
          <ShareConversationButton />
          <SettingsButton />
        </>
      }
    />
  );
}

/**
 * On narrow screens the conversation list is a drawer: a modal dialog from the left. Its list is there only
 * while it is open: the sidebar's own list is the one the page keeps up to date, and a second copy of fifty
 * entries would double the work of opening the app and of every change to the list.
 */
function ConversationDrawer({ open, onClosed }: { open: boolean; onClosed: () => void }) {
  const { t } = useI18n();
  const drawer = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = drawer.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);
  // The same function at every render, so that the list's entries need not render again.
  const close = useCallback((): void => drawer.current?.close(), []);
  return (
    <dialog
      ref={drawer}
      onClose={onClosed}
      aria-label={t('conversations.title')}
      className="m-0 h-dvh max-h-none w-[min(20rem,85vw)] bg-stone-100 text-stone-900 backdrop:bg-black/40 md:hidden dark:bg-stone-900 dark:text-stone-100"
    >
      <div className="flex h-full flex-col">
        <Button variant="outlined" size="sm" onClick={close} className="m-3 mb-0 self-end">
          {t('conversations.close')}
        </Button>
        {open && <ConversationList onNavigate={close} />}
      </div>
    </dialog>
  );
}

// Each screen is a chunk: a shared link loads only what shows the conversation, the app's address only the chat.
export const chatScreen = lazyPart(() => import('./chat/chat-screen').then((module) => module.ChatScreen));
export const sharedScreen = lazyPart(() =>
  import('./share/shared-conversation-view').then((module) => module.StoredSharedConversation),
);

/** The user's own conversation, or a shared one in its place while it is open (it needs no model). */
function Main() {
  const sharedOpen = useChat(sharedOpenIn);
  const Screen = sharedOpen ? sharedScreen.Part : chatScreen.Part;
  return (
    <PartSlot>
      <Screen />
    </PartSlot>
  );
}

export function App() {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  return (
    <AppFrame
      side={
        <>
          <aside className="hidden w-72 shrink-0 border-r border-stone-200 bg-stone-100 md:block dark:border-stone-800 dark:bg-stone-900">
            <ConversationList />
          </aside>
          <ConversationDrawer open={drawerOpen} onClosed={closeDrawer} />
        </>
      }
      header={<Header onOpenConversations={() => setDrawerOpen(true)} />}
    >
      <Main />
    </AppFrame>
  );
}
