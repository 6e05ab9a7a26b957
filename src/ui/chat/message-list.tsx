import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ChatState, ChatStore } from '../../chat/chat-store';
import type { ChatMessage } from '../../conversation/messages';
import { useChat, useChatStore } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { AnswerAnnouncer } from './answer-announcer';
import type { LiveText } from '../markdown/markdown-view';
import { MessageView, onlyLiveTextGrew, preloadMarkdown } from './message-view';

/** How close to the bottom (px) still counts as "following" the answer. */
const FOLLOW_THRESHOLD = 48;

/**
 * The message at `index`, read from the store by itself: the store keeps a message that did not change the
 * same object, so while an answer streams only the answer's view renders again, not the list and its other
 * messages.
 */
const StoredMessage = memo(function StoredMessage({ index }: { index: number }) {
  const store = useChatStore();
  const message = useShownMessage(store, index);
  const id = message?.id;
  const live = useMemo(() => (id === undefined ? undefined : liveText(store, index, id)), [store, index, id]);
  return message ? <MessageView message={message} {...(live === undefined ? {} : { live })} /> : null;
});

/**
 * The message at `index` as it is to be rendered: while only the text of a streaming answer grows, the message
 * last rendered, since its view follows that text by itself (see `liveText`) and nothing else has changed.
 */
function useShownMessage(store: ChatStore, index: number): ChatMessage | undefined {
  const source = useMemo(() => shownMessage(store, index), [store, index]);
  return useSyncExternalStore(source.subscribe, source.read);
}

function shownMessage(store: ChatStore, index: number) {
  let shown: ChatMessage | undefined;
  return {
    subscribe: (onChange: () => void) => store.subscribe(onChange),
    read: (): ChatMessage | undefined => {
      const next = store.getState().messages[index];
      // Most changes of the store (the draft, the status) leave the message the very same object.
      const grew =
        next === shown || (shown !== undefined && next?.id === shown.id && onlyLiveTextGrew(shown, next));
      if (!grew) shown = next;
      return shown;
    },
  };
}

/**
 * The text of the message `id` at `index` while it streams, straight from the store: its view takes each
 * update without a render of React (which would cost every update of the answer a render and a commit).
 */
function liveText(store: ChatStore, index: number, id: string): LiveText {
  return (onText) => {
    let given: string | undefined;
    const give = (state: ChatState): void => {
      const message = state.messages[index];
      if (message?.id !== id || message.role !== 'assistant' || message.status !== 'streaming') return;
      if (message.content === given) return;
      given = message.content;
      onText(message.content);
    };
    give(store.getState());
    return store.subscribe(give);
  };
}

export function MessageList() {
  const { t } = useI18n();
  const ids = useChat(useShallow((state) => state.messages.map((message) => message.id)));
  const modelReady = useChat((state) => state.model.kind === 'ready');
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  /** Where the list last scrolled itself to; the reader scrolled up if it is now above that. */
  const autoTop = useRef(0);
  const [awayFromLatest, setAwayFromLatest] = useState(false);

  // Follows the answer while the reader is at the bottom; once they scroll up, it stays where they are.
  // Scroll events arrive a frame late, and tokens can come faster, so the position is checked here too.
  const follow = useCallback((): void => {
    const element = scroller.current;
    if (!element || !following.current) return;
    // Text that got shorter (Markdown taking shape) pulls the end, and the view with it, up: no reader did.
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - 1;
    if (element.scrollTop + 1 < autoTop.current && !atBottom) {
      following.current = false;
      setAwayFromLatest(true);
      return;
    }
    element.scrollTop = element.scrollHeight;
    autoTop.current = element.scrollTop;
  }, []);

  // New text is followed from the resize observer below, after layout; reading the height here, before it,
  // would force a layout of its own on every token. A new message is followed at once.
  useEffect(follow, [ids.length, follow]);

  // Content also grows without a store change (the Markdown module arriving, a code block highlighting).
  const list = useRef<HTMLOListElement>(null);
  const hasMessages = ids.length > 0;
  useEffect(() => {
    if (hasMessages || modelReady) preloadMarkdown();
  }, [hasMessages, modelReady]);
  useEffect(() => {
    const element = scroller.current;
    const content = list.current;
    if (!element || !content) return;
    const observer = new ResizeObserver(follow);
    observer.observe(content);
    // Every update of a streaming answer scrolls, and so fires this: a plain passive listener, not one of
    // React's, and a render only when the reader leaves the latest text or comes back to it. The reader left
    // it only by scrolling up: the event comes a frame after the scroll, and the answer may have grown by
    // more than the threshold since (a table arriving at once), which is no reason to stop following it.
    const onScroll = (): void => {
      // The list's own scroll to the end, which nothing moved since: nothing to learn, nor to lay out.
      if (following.current && element.scrollTop === autoTop.current) return;
      const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
      const scrolledUp = element.scrollTop + 1 < autoTop.current;
      following.current = atEnd || (following.current && !scrolledUp);
      if (following.current) autoTop.current = element.scrollTop;
      setAwayFromLatest(!following.current);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
    };
  }, [hasMessages, follow]);

  const jumpToLatest = (): void => {
    const element = scroller.current;
    if (!element) return;
    following.current = true;
    setAwayFromLatest(false);
    element.scrollTop = element.scrollHeight;
    autoTop.current = element.scrollTop;
  };

  if (ids.length === 0) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-1 px-6 text-center">
        <h2 className="text-lg font-semibold text-stone-800 dark:text-stone-200">{t('chat.empty.title')}</h2>
        <p className="text-sm text-stone-600 dark:text-stone-400">{t('chat.empty.body')}</p>
      </div>
    );
  }

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        className="flex-1 overflow-y-auto will-change-scroll"
        data-testid="message-scroller"
      >
        <ol ref={list} aria-label={t('chat.log')} className="mx-auto flex max-w-3xl flex-col gap-4 px-4 py-6">
          {ids.map((id, index) => (
            <StoredMessage key={id} index={index} />
          ))}
        </ol>
      </div>
      {awayFromLatest && (
        <Button
          variant="inverse"
          onClick={jumpToLatest}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full px-4 py-2 text-sm shadow-lg"
        >
          {t('chat.jumpToLatest')}
        </Button>
      )}
      <AnswerAnnouncer />
    </div>
  );
}
