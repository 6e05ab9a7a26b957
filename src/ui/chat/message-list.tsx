import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ChatState, ChatStore } from '../../chat/chat-store';
import type { ChatMessage } from '../../conversation/messages';
import { useChat, useChatStore } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import { Button } from '../primitives/controls';
import { AnswerAnnouncer } from './answer-announcer';
import type { LiveText } from '../markdown/markdown-view';
import { chatMessageActions } from './message-actions';
import { MessageView, onlyLiveTextGrew, preloadMarkdown, type MessageItem } from './message-view';

/** How close to the bottom (px) still counts as "following" the answer. */
const FOLLOW_THRESHOLD = 48;
/** How long after the reader turned the wheel (touched, pressed a key) a scroll up is theirs. */
const READER_ACTION_MS = 1000;
/**
 * A message's height before it is laid out: a short question or a few lines of answer. Only the messages near
 * the viewport are in the page; the others take this room until they come near, and are measured then.
 */
const ESTIMATED_MESSAGE_PX = 120;
/** Messages kept in the page above and below the viewport: enough to scroll a screen without a blank. */
const OVERSCAN = 8;
/** The list's padding and the room between messages (Tailwind's py-6 and gap-4), for the virtualizer. */
const LIST_PADDING_PX = 24;
const MESSAGE_GAP_PX = 16;

/**
 * The message at `index`, read from the store by itself: the store keeps a message that did not change the
 * same object, so while an answer streams only the answer's view renders again, not the list and its other
 * messages.
 */
const StoredMessage = memo(function StoredMessage({
  index,
  count,
  measure,
}: {
  index: number;
  count: number;
  measure: MessageItem['ref'];
}) {
  const store = useChatStore();
  const message = useShownMessage(store, index);
  const id = message?.id;
  const live = useMemo(() => (id === undefined ? undefined : liveText(store, index, id)), [store, index, id]);
  const item = useMemo(() => ({ ref: measure, index, count }), [measure, index, count]);
  return message ? (
    <MessageView
      message={message}
      actions={chatMessageActions}
      item={item}
      {...(live === undefined ? {} : { live })}
    />
  ) : null;
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
  // Until the device check is done its panel above is small; the empty state waits for its final size, so
  // that nothing already drawn moves when it grows.
  const checking = useChat((state) => state.preflight.kind === 'checking' && state.model.kind === 'idle');
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  /** Where the list last scrolled itself to; the reader scrolled up if it is now above that. */
  const autoTop = useRef(0);
  /** The list's height when it last scrolled itself. */
  const autoHeight = useRef(0);
  /** When the reader last turned the wheel, touched, pressed a key or a button, or moved the focus in the list. */
  const readerActedAt = useRef(Number.NEGATIVE_INFINITY);
  const [awayFromLatest, setAwayFromLatest] = useState(false);
  const keyOf = useCallback((index: number): string | number => ids[index] ?? index, [ids]);
  // A conversation of a thousand exchanges would put two thousand messages in the page, all rendered, laid
  // out and styled again as the composer or an answer changes: only those near the viewport are.
  // eslint-disable-next-line react-hooks/incompatible-library -- the app is not built with the React Compiler: nothing memoizes this component but its own hooks
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLLIElement>({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_MESSAGE_PX,
    getItemKey: keyOf,
    overscan: OVERSCAN,
    paddingStart: LIST_PADDING_PX,
    paddingEnd: LIST_PADDING_PX,
    gap: MESSAGE_GAP_PX,
    // A conversation opens at its end (which `follow` then keeps): render the messages there from the start.
    initialOffset: () => Number.MAX_SAFE_INTEGER,
    // A list squeezed to no height by the panels above it (the model's, a link's problem) still holds the
    // messages where it is, for screen readers and for when it has room again; none fit no height.
    observeElementRect: (instance, onRect) =>
      observeElementRect(instance, (rect) => onRect({ ...rect, height: Math.max(rect.height, 1) })),
  });
  // A message that comes near the viewport from above is laid out at its own height, not the one guessed for
  // it, and moves what the reader sees. Scrolled up, the browser's scroll anchoring keeps the reader's place as
  // it lays the message out; following the end, the list keeps the end in view itself (`follow`). The
  // virtualizer's own correction would come on top, from the position it last heard of: it makes none.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = () => false;

  // Only the reader leaves the latest text. The list's height changes under the view as messages near it are
  // laid out at their own heights (the browser then moves the view to where it can still be), which is no
  // reason to stop following. The view is above where the list scrolled it to, and the reader just acted on the
  // list, or nothing changed its height since (find in page, a script).
  const readerScrolledUp = useCallback((element: HTMLElement): boolean => {
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
    return (
      !atEnd &&
      element.scrollTop + 1 < autoTop.current &&
      (performance.now() - readerActedAt.current < READER_ACTION_MS ||
        element.scrollHeight === autoHeight.current)
    );
  }, []);

  // Follows the answer while the reader is at the bottom; once they scroll up, it stays where they are.
  // Scroll events arrive a frame late, and tokens can come faster, so the position is checked here too.
  const follow = useCallback((): void => {
    const element = scroller.current;
    if (!element || !following.current) return;
    if (readerScrolledUp(element)) {
      following.current = false;
      setAwayFromLatest(true);
      return;
    }
    element.scrollTop = element.scrollHeight;
    autoTop.current = element.scrollTop;
    autoHeight.current = element.scrollHeight;
  }, [readerScrolledUp]);

  // New text is followed from the resize observer below, after layout; reading the height here, before it,
  // would force a layout of its own on every token. A new message is followed at once, and so is another
  // conversation, which opens at its end.
  const firstId = ids[0];
  useEffect(() => {
    following.current = true;
    readerActedAt.current = Number.NEGATIVE_INFINITY;
    setAwayFromLatest(false);
  }, [firstId]);
  useEffect(follow, [ids.length, firstId, follow]);

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
    // The border box: the room kept for the messages out of the page is the list's padding.
    observer.observe(content, { box: 'border-box' });
    // Every update of a streaming answer scrolls, and so fires this: a plain passive listener, not one of
    // React's, and a render only when the reader leaves the latest text or comes back to it.
    const onScroll = (): void => {
      // The list's own scroll to the end, which nothing moved since: nothing to learn, nor to lay out.
      if (following.current && element.scrollTop === autoTop.current) return;
      const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
      if (atEnd) following.current = true;
      else if (readerScrolledUp(element)) following.current = false;
      if (following.current) {
        // The view moved without the reader (the list got shorter under it): back to the end.
        if (!atEnd) element.scrollTop = element.scrollHeight;
        autoTop.current = element.scrollTop;
        autoHeight.current = element.scrollHeight;
      }
      setAwayFromLatest(!following.current);
    };
    const onReader = (): void => {
      readerActedAt.current = performance.now();
    };
    const readerEvents = ['wheel', 'touchmove', 'keydown', 'pointerdown', 'focusin'] as const;
    element.addEventListener('scroll', onScroll, { passive: true });
    for (const type of readerEvents) element.addEventListener(type, onReader, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      for (const type of readerEvents) element.removeEventListener(type, onReader);
    };
  }, [hasMessages, follow, readerScrolledUp]);

  const jumpToLatest = (): void => {
    const element = scroller.current;
    if (!element) return;
    following.current = true;
    // The reader's wheel before the jump no longer speaks for them.
    readerActedAt.current = Number.NEGATIVE_INFINITY;
    setAwayFromLatest(false);
    element.scrollTop = element.scrollHeight;
    autoTop.current = element.scrollTop;
    autoHeight.current = element.scrollHeight;
  };

  if (ids.length === 0) {
    if (checking) return <div className="flex-1" />;
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-1 px-6 text-center">
        <h2 className="text-lg font-semibold text-stone-800 dark:text-stone-200">{t('chat.empty.title')}</h2>
        <p className="text-sm text-stone-600 dark:text-stone-400">{t('chat.empty.body')}</p>
      </div>
    );
  }

  const items = virtualizer.getVirtualItems();
  const above = items[0]?.start ?? LIST_PADDING_PX;
  const below =
    virtualizer.getTotalSize() - (items.at(-1)?.end ?? virtualizer.getTotalSize() - LIST_PADDING_PX);
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        className="flex-1 overflow-y-auto will-change-scroll"
        style={{ overflowAnchor: awayFromLatest ? 'auto' : 'none' }}
        data-testid="message-scroller"
      >
        <ol
          ref={list}
          aria-label={t('chat.log')}
          className="mx-auto flex max-w-3xl flex-col gap-4 px-4"
          style={{ paddingTop: above, paddingBottom: below }}
        >
          {items.map((item) => (
            <StoredMessage
              key={item.key}
              index={item.index}
              count={ids.length}
              measure={virtualizer.measureElement}
            />
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
