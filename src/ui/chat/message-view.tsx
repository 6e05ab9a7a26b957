import { lazy, memo, Suspense, useState, type ComponentType } from 'react';
import { sameFields } from '../../conversation/messages';
import type { AssistantMessage, ChatMessage, UserMessage } from '../../conversation/messages';
import { ErrorBoundary } from '../error-boundary';
import { errorKey } from '../i18n/messages';
import { useI18n } from '../i18n/i18n';
import { MARKDOWN_BUDGET } from '../markdown/markdown-budget';
import type { LiveText } from '../markdown/markdown-view';
import { ReloadWhenIdle } from '../primitives/lazy-part';
import { LongText } from './long-text';

const MESSAGE_TEXT = 'message-text';

type AnswerProps = {
  readonly text: string;
  readonly streaming?: boolean;
  readonly testId?: string;
  readonly live?: LiveText;
};

function PlainAnswer({ text, testId }: AnswerProps) {
  return <LongText text={text} {...(testId === undefined ? {} : { testId })} />;
}

/**
 * An answer whose Markdown view could not be loaded: its text, plain, and a note that a reload brings the
 * formatting back. A tab opened before a deployment asks for chunks the host no longer has; the reload waits,
 * as an update does, until no answer is being written and no model is loading.
 */
function UnformattedAnswer(props: AnswerProps) {
  const { t } = useI18n();
  return (
    <>
      <div role="note" className="mb-1 text-xs text-amber-800 dark:text-amber-300">
        <p>{t('markdown.plain.notLoaded')}</p>
        <ReloadWhenIdle />
      </div>
      <PlainAnswer {...props} />
    </>
  );
}

/** The Markdown view is on the page: until then an answer shows its text as plain text, rendered by React. */
let markdownLoaded = false;

// DOMPurify and the Markdown worker's client would take the page past its 150 KB budget; they arrive with the
// first answer, which shows as plain text until then (and stays so, with a note, if the chunk cannot be loaded).
const markdownModule = () =>
  import('../markdown/markdown-view').then((module) => {
    markdownLoaded = true;
    return module;
  });

const MarkdownView = lazy((): Promise<{ default: ComponentType<AnswerProps> }> =>
  markdownModule().then(
    (module) => ({ default: module.MarkdownView }),
    () => ({ default: UnformattedAnswer }),
  ),
);

/** Loads the Markdown view and starts its worker before the first answer needs them. */
export function preloadMarkdown(): void {
  markdownModule().then(
    (module) => module.warmUpMarkdown(),
    () => undefined,
  );
}

function AnswerText({ message, live }: { message: AssistantMessage; live: LiveText | undefined }) {
  const { t, formatNumber } = useI18n();
  const { content } = message;
  if (content.length > MARKDOWN_BUDGET) {
    return (
      <>
        <p className="mb-1 text-xs text-amber-800 dark:text-amber-300">
          {t('markdown.plain.tooLong', {
            length: formatNumber(content.length),
            budget: formatNumber(MARKDOWN_BUDGET),
          })}
        </p>
        <LongText text={content} testId={MESSAGE_TEXT} />
      </>
    );
  }
  return (
    <Suspense fallback={<LongText text={content} testId={MESSAGE_TEXT} />}>
      <MarkdownView
        text={content}
        streaming={message.status === 'streaming'}
        testId={MESSAGE_TEXT}
        {...(live === undefined ? {} : { live })}
      />
    </Suspense>
  );
}

/** Tokens, speed and time of a finished answer, each only when it is known. */
function AnswerStats({ message }: { message: Extract<AssistantMessage, { usage: unknown }> }) {
  const { t, formatNumber } = useI18n();
  const { usage } = message;
  // An answer cut off by a reload has no statistics: its zeros would read as "0 tokens at 0.0 tokens/s".
  if ((message.status === 'stopped' && message.interrupted) || usage.completionTokens <= 0) return null;
  const parts = [t('message.stats.tokens', { tokens: formatNumber(usage.completionTokens) })];
  if (usage.decodeTokensPerSecond > 0) {
    parts.push(t('message.stats.speed', { speed: formatNumber(usage.decodeTokensPerSecond, 1) }));
  }
  if (usage.totalMs > 0)
    parts.push(t('message.stats.seconds', { seconds: formatNumber(usage.totalMs / 1000, 1) }));
  return (
    <>
      {usage.prefillTokensPerSecond > 0 && (
        <span>{t('message.prefill', { speed: formatNumber(usage.prefillTokensPerSecond, 1) })}</span>
      )}
      <span>{parts.join(' · ')}</span>
    </>
  );
}

function AnswerFooter({ message }: { message: AssistantMessage }) {
  const { t } = useI18n();
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
          <AnswerStats message={message} />
        </p>
      );
    case 'failed':
      return (
        <div role="alert" className="mt-2 text-sm text-red-800 dark:text-red-300">
          <p className="font-medium">{t('message.failed')}</p>
          <p>{t(errorKey(message.error.code))}</p>
          {message.error.message !== '' && (
            <details className="mt-1 text-xs text-stone-600 dark:text-stone-400">
              <summary>{t('error.details')}</summary>
              <code className="break-all">{message.error.message}</code>
            </details>
          )}
        </div>
      );
    default:
      return message satisfies never;
  }
}

/** Where a message is in a list that holds only some of its messages (see `MessageList`). */
export interface MessageItem {
  /** Measures the item as it is laid out. */
  readonly ref: (element: HTMLLIElement | null) => void;
  /** Its place among all the conversation's messages (0 = first), and how many there are. */
  readonly index: number;
  readonly count: number;
}

/** The list item's attributes for `item`: its measuring, and its place for screen readers. */
function itemAttributes(item: MessageItem | undefined) {
  return item === undefined
    ? {}
    : {
        ref: item.ref,
        'data-index': item.index,
        'aria-posinset': item.index + 1,
        'aria-setsize': item.count,
      };
}

/** What acts on a message: the chat's buttons under a question and an answer, and a question's editor. */
export interface MessageActions {
  readonly Question: ComponentType<{ message: UserMessage; onEdit: () => void }>;
  readonly Editor: ComponentType<{ message: UserMessage; onDone: () => void }>;
  readonly Answer: ComponentType<{ message: AssistantMessage }>;
}

type MessageViewProps = {
  readonly message: ChatMessage;
  /**
   * The chat's actions. Without them the message is read-only: a conversation that is not the user's (a
   * shared one), shown with nothing that acts on it, and without the code of the actions.
   */
  readonly actions?: MessageActions;
  /** The answer's text as it streams, for its Markdown view to follow without a render per update. */
  readonly live?: LiveText;
  readonly item?: MessageItem;
};

/**
 * Only the text of a streaming answer grew, which its Markdown view, given the answer's `live` text, follows
 * without a render: the message has nothing else to render. Its first text, and text past the Markdown budget
 * (shown plain), are rendered as any other change.
 */
export function onlyLiveTextGrew(before: ChatMessage, after: ChatMessage): boolean {
  return (
    markdownLoaded &&
    before.role === 'assistant' &&
    after.role === 'assistant' &&
    before.status === 'streaming' &&
    before.content !== '' &&
    after.content.length <= MARKDOWN_BUDGET &&
    sameFields({ ...before, content: '' }, { ...after, content: '' })
  );
}

/**
 * The chat store keeps a message that did not change the same object, but a shared conversation's messages
 * and a fallback's are derived anew: the fields, not the identity, say whether there is anything to render.
 */
function sameMessage(before: MessageViewProps, after: MessageViewProps): boolean {
  return (
    before.actions === after.actions &&
    before.live === after.live &&
    before.item === after.item &&
    sameFields(before.message, after.message)
  );
}

function QuestionView({
  message,
  actions,
  item,
}: {
  message: UserMessage;
  actions: MessageActions | undefined;
  item: MessageItem | undefined;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  return (
    <li className="flex flex-col items-end gap-1" data-role="user" {...itemAttributes(item)}>
      {editing && actions ? (
        <actions.Editor message={message} onDone={() => setEditing(false)} />
      ) : (
        <>
          <div className="max-w-[85%] rounded-2xl rounded-br-md bg-teal-700 px-4 py-2.5 text-white">
            <span className="sr-only">{t('message.user')}: </span>
            <LongText text={message.content} testId={MESSAGE_TEXT} />
          </div>
          {actions && <actions.Question message={message} onEdit={() => setEditing(true)} />}
        </>
      )}
    </li>
  );
}

const MessageContent = memo(function MessageContent({ message, actions, live, item }: MessageViewProps) {
  const { t } = useI18n();
  if (message.role === 'user') return <QuestionView message={message} actions={actions} item={item} />;
  return (
    <li
      className="flex justify-start"
      data-role="assistant"
      data-status={message.status}
      {...itemAttributes(item)}
    >
      <div className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-4 py-2.5 text-stone-900 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:text-stone-100 dark:ring-stone-800">
        <span className="sr-only">{t('message.assistant')}: </span>
        {message.content !== '' && <AnswerText message={message} live={live} />}
        <AnswerFooter message={message} />
        {actions && <actions.Answer message={message} />}
      </div>
    </li>
  );
}, sameMessage);

/** The message may be malformed in any way; nothing in its fallback may throw again. */
function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '';
  }
}

/** What a message that failed to render shows instead: a note, and its text as it is. */
function UnrenderableMessage({ message, item }: MessageViewProps) {
  const { t } = useI18n();
  const text = plainText(message.content);
  return (
    <li
      className={`flex ${message.role === 'user' ? 'justify-end' : 'justify-start'}`}
      data-role={message.role}
      data-status="unrenderable"
      {...itemAttributes(item)}
    >
      <div className="max-w-[85%] rounded-2xl bg-white px-4 py-2.5 text-stone-900 ring-1 ring-amber-300 dark:bg-stone-900 dark:text-stone-100 dark:ring-amber-700">
        <p role="alert" className="mb-1 text-xs font-medium text-amber-800 dark:text-amber-300">
          {t('message.unrenderable')}
        </p>
        <LongText text={text} testId={MESSAGE_TEXT} />
      </div>
    </li>
  );
}

/** One message of the conversation; if it cannot be rendered, only it shows a fallback. */
export const MessageView = memo(function MessageView({ message, actions, live, item }: MessageViewProps) {
  const placed = item === undefined ? {} : { item };
  return (
    <ErrorBoundary resetKey={message} fallback={() => <UnrenderableMessage message={message} {...placed} />}>
      <MessageContent
        message={message}
        {...(actions === undefined ? {} : { actions })}
        {...(live === undefined ? {} : { live })}
        {...placed}
      />
    </ErrorBoundary>
  );
}, sameMessage);
