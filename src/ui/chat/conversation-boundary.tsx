import type { ReactNode } from 'react';
import { useChat } from '../chat-store-context';
import { ErrorBoundary } from '../error-boundary';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';

function UnrenderableConversation() {
  const { t } = useI18n();
  const newConversation = useChat((state) => state.newConversation);
  return (
    <div role="alert" className="flex flex-1 flex-col items-center justify-center gap-2 px-6 text-center">
      <h2 className="text-lg font-semibold text-stone-800 dark:text-stone-200">
        {t('conversation.unrenderable.title')}
      </h2>
      <p className="text-sm text-stone-600 dark:text-stone-400">{t('conversation.unrenderable.body')}</p>
      <Button variant="primary" size="lg" onClick={newConversation} className="mt-2 text-sm">
        {t('conversations.new')}
      </Button>
    </div>
  );
}

/**
 * Keeps a conversation that cannot be shown from taking the app down: the list, the composer and every other
 * conversation still work, and opening another conversation tries again.
 */
export function ConversationBoundary({ children }: { children: ReactNode }) {
  const id = useChat((state) => state.current.id);
  return (
    <ErrorBoundary resetKey={id} fallback={() => <UnrenderableConversation />}>
      {children}
    </ErrorBoundary>
  );
}
