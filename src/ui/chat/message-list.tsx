import { useEffect, useRef } from 'react';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { MessageView } from './message-view';

/** How close to the bottom (px) still counts as "following" the answer. */
const FOLLOW_THRESHOLD = 48;

export function MessageList() {
  const { t } = useI18n();
  const messages = useChat((state) => state.messages);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  const onScroll = (): void => {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
  };

  if (messages.length === 0) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-1 px-6 text-center">
        <p className="text-lg font-semibold text-stone-800 dark:text-stone-200">{t('chat.empty.title')}</p>
        <p className="text-sm text-stone-600 dark:text-stone-400">{t('chat.empty.body')}</p>
      </div>
    );
  }

  return (
    <div ref={scroller} onScroll={onScroll} className="flex-1 overflow-y-auto">
      <ol aria-label={t('chat.log')} className="mx-auto flex max-w-3xl flex-col gap-4 px-4 py-6">
        {messages.map((message) => (
          <MessageView key={message.id} message={message} />
        ))}
      </ol>
    </div>
  );
}
