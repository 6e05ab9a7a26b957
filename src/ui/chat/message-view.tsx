import type { AssistantMessage, ChatMessage } from '../../chat/types';
import { errorKey } from '../i18n/messages';
import { useI18n } from '../i18n/i18n';

function AnswerFooter({ message }: { message: AssistantMessage }) {
  const { t, formatNumber } = useI18n();
  switch (message.status) {
    case 'pending':
      return <p className="text-sm text-stone-600 dark:text-stone-400">{t('message.pending')}</p>;
    case 'streaming':
      return null;
    case 'complete':
    case 'stopped':
      return (
        <p className="mt-2 flex flex-wrap gap-x-3 text-xs text-stone-600 dark:text-stone-400">
          {message.status === 'stopped' && (
            <span className="font-medium text-amber-800 dark:text-amber-300">{t('message.stopped')}</span>
          )}
          {message.status === 'complete' && message.truncated && <span>{t('message.truncated')}</span>}
          {message.droppedTurns > 0 && <span>{t('message.dropped', { count: message.droppedTurns })}</span>}
          <span>
            {t('message.stats', {
              tokens: formatNumber(message.usage.completionTokens),
              speed: formatNumber(message.usage.decodeTokensPerSecond, 1),
              seconds: formatNumber(message.usage.totalMs / 1000, 1),
            })}
          </span>
        </p>
      );
    case 'failed':
      return (
        <div role="alert" className="mt-2 text-sm text-red-800 dark:text-red-300">
          <p className="font-medium">{t('message.failed')}</p>
          <p>{t(errorKey(message.error.code))}</p>
        </div>
      );
    default:
      return message satisfies never;
  }
}

export function MessageView({ message }: { message: ChatMessage }) {
  const { t } = useI18n();
  if (message.role === 'user') {
    return (
      <li className="flex justify-end" data-role="user">
        <div className="max-w-[85%] rounded-2xl rounded-br-md bg-teal-700 px-4 py-2.5 text-white">
          <span className="sr-only">{t('message.user')}: </span>
          <p className="break-keep whitespace-pre-wrap" data-testid="message-text">
            {message.content}
          </p>
        </div>
      </li>
    );
  }
  return (
    <li className="flex justify-start" data-role="assistant" data-status={message.status}>
      <div className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-4 py-2.5 text-stone-900 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-800">
        <span className="sr-only">{t('message.assistant')}: </span>
        {message.content !== '' && (
          <p className="break-keep whitespace-pre-wrap" data-testid="message-text">
            {message.content}
            {message.status === 'streaming' && (
              <span
                aria-hidden="true"
                className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-teal-600 align-middle"
              />
            )}
          </p>
        )}
        <AnswerFooter message={message} />
      </div>
    </li>
  );
}
