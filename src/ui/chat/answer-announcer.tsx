import { useEffect, useState } from 'react';
import type { ChatState } from '../../chat/chat-store';
import type { ChatMessage } from '../../conversation/messages';
import { useChatStore } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';

/** How often new text of a streaming answer is handed to screen readers. */
const ANNOUNCE_EVERY_MS = 1500;
/**
 * The most one announcement reads out. An answer can be millions of characters (from a backup, an echo); a
 * live region lays its text out like any other, and no one listens to more than this at once anyway.
 */
const ANNOUNCE_AT_MOST = 1_000;

/**
 * Reads the streamed answer to screen readers through a polite live region: the text that arrived since the
 * last announcement, cut at the last sentence end, every second and a half, then the rest when the answer ends.
 * Announcing every token would flood the reader; announcing nothing until the end would leave it silent.
 */
export function AnswerAnnouncer() {
  const { t } = useI18n();
  const store = useChatStore();
  const [announcement, setAnnouncement] = useState('');

  // Read from the store as it changes, not through a render: the answer changes ten times a second.
  useEffect(() => {
    let seen: ChatMessage | undefined;
    let announced: { id: string; length: number } | undefined;
    let lastAnnouncedAt = 0;
    const check = ({ messages }: ChatState): void => {
      const last = messages.at(-1);
      if (last === seen) return;
      seen = last;
      if (last?.role !== 'assistant') return;
      const { id, content, status } = last;
      const done = status !== 'pending' && status !== 'streaming';
      if (announced?.id !== id) {
        // An answer first seen finished did not stream here (a conversation opened or reloaded): it is on the
        // page to be read, not news to announce.
        announced = { id, length: done ? content.length : 0 };
        lastAnnouncedAt = performance.now();
      }
      const from = announced.length;
      let until = content.length;
      if (!done) {
        if (performance.now() - lastAnnouncedAt < ANNOUNCE_EVERY_MS) return;
        const sentenceEnd = Math.max(...['.', '!', '?', '。', '\n'].map((mark) => content.lastIndexOf(mark)));
        until = sentenceEnd + 1;
      }
      if (until <= from) return;
      announced = { id, length: until };
      lastAnnouncedAt = performance.now();
      const text = content.slice(from, Math.min(until, from + ANNOUNCE_AT_MOST)).trim();
      setAnnouncement(until - from > ANNOUNCE_AT_MOST ? `${text}…` : text);
    };
    check(store.getState());
    return store.subscribe(check);
  }, [store]);

  return (
    <div aria-live="polite" aria-atomic="false" className="sr-only" data-testid="answer-announcer">
      {announcement && <p>{`${t('message.assistant')}: ${announcement}`}</p>}
    </div>
  );
}
