import { lazy, memo, Suspense, useState, type ComponentType } from 'react';
import type { AssistantMessage, ChatMessage, UserMessage } from '../../chat/types';
import { errorKey } from '../i18n/messages';
import { useI18n } from '../i18n/i18n';
import { AnswerActions, QuestionActions, QuestionEditor } from './message-actions';

type AnswerProps = { readonly text: string; readonly streaming?: boolean };

function PlainAnswer({ text }: AnswerProps) {
  return <p className="break-keep whitespace-pre-wrap">{text}</p>;
}

// marked, DOMPurify and highlight.js would take the page past its 150 KB budget; they arrive with the first
// answer, which shows as plain text until then (and stays so if the chunk cannot be loaded).
const MarkdownView = lazy((): Promise<{ default: ComponentType<AnswerProps> }> =>
  import('../markdown/markdown-view').then(
    (module) => ({ default: module.MarkdownView }),
    () => ({ default: PlainAnswer }),
  ),
);

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
            <span className="font-medium text-amber-800 dark:text-amber-300">
              {message.interrupted ? t('message.interrupted') : t('message.stopped')}
            </span>
          )}
          {message.status === 'complete' && message.truncated && <span>{t('message.truncated')}</span>}
          {message.droppedTurns > 0 && <span>{t('message.dropped', { count: message.droppedTurns })}</span>}
          {message.usage.prefillTokensPerSecond > 0 && (
            <span>
              {t('message.prefill', { speed: formatNumber(message.usage.prefillTokensPerSecond, 1) })}
            </span>
          )}
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

type MessageViewProps = { readonly message: ChatMessage };

/**
 * The store derives every message object again on each token, so identity says nothing; the fields do. Without
 * this, each token renders every earlier message and its footer (whose number formatting is not cheap) again.
 */
function sameMessage(before: MessageViewProps, after: MessageViewProps): boolean {
  const keys = Object.keys(after.message) as (keyof ChatMessage)[];
  return (
    keys.length === Object.keys(before.message).length &&
    keys.every((key) => Object.is(before.message[key], after.message[key]))
  );
}

function QuestionView({ message }: { message: UserMessage }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  return (
    <li className="flex flex-col items-end gap-1" data-role="user">
      {editing ? (
        <QuestionEditor message={message} onDone={() => setEditing(false)} />
      ) : (
        <>
          <div className="max-w-[85%] rounded-2xl rounded-br-md bg-teal-700 px-4 py-2.5 text-white">
            <span className="sr-only">{t('message.user')}: </span>
            <p className="break-keep whitespace-pre-wrap" data-testid="message-text">
              {message.content}
            </p>
          </div>
          <QuestionActions message={message} onEdit={() => setEditing(true)} />
        </>
      )}
    </li>
  );
}

export const MessageView = memo(function MessageView({ message }: MessageViewProps) {
  const { t } = useI18n();
  if (message.role === 'user') return <QuestionView message={message} />;
  return (
    <li className="flex justify-start" data-role="assistant" data-status={message.status}>
      <div className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-4 py-2.5 text-stone-900 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-800">
        <span className="sr-only">{t('message.assistant')}: </span>
        {message.content !== '' && (
          <div data-testid="message-text">
            <Suspense fallback={<PlainAnswer text={message.content} />}>
              <MarkdownView text={message.content} streaming={message.status === 'streaming'} />
            </Suspense>
          </div>
        )}
        <AnswerFooter message={message} />
        <AnswerActions message={message} />
      </div>
    </li>
  );
}, sameMessage);
