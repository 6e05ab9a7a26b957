import { useEffect, useRef, useState } from 'react';
import { useChat } from '../chat-store-context';
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
  const last = useChat((state) => state.messages.at(-1));
  const [announcement, setAnnouncement] = useState('');
  const announced = useRef<{ id: string; length: number } | undefined>(undefined);
  const lastAnnouncedAt = useRef(0);

  const answer = last?.role === 'assistant' ? last : undefined;
  const id = answer?.id;
  const content = answer?.content ?? '';
  const status = answer?.status;

  useEffect(() => {
    if (id === undefined || status === undefined) return;
    const done = status !== 'pending' && status !== 'streaming';
    if (announced.current?.id !== id) {
      // An answer first seen finished did not stream here (a conversation opened or reloaded): it is on the
      // page to be read, not news to announce.
      announced.current = { id, length: done ? content.length : 0 };
      lastAnnouncedAt.current = performance.now();
    }
    const from = announced.current.length;
    let until = content.length;
    if (!done) {
      if (performance.now() - lastAnnouncedAt.current < ANNOUNCE_EVERY_MS) return;
      const sentenceEnd = Math.max(...['.', '!', '?', '。', '\n'].map((mark) => content.lastIndexOf(mark)));
      until = sentenceEnd + 1;
    }
    if (until <= from) return;
    announced.current = { id, length: until };
    lastAnnouncedAt.current = performance.now();
    const text = content.slice(from, Math.min(until, from + ANNOUNCE_AT_MOST)).trim();
    setAnnouncement(until - from > ANNOUNCE_AT_MOST ? `${text}…` : text);
  }, [id, content, status]);

  return (
    <div aria-live="polite" aria-atomic="false" className="sr-only" data-testid="answer-announcer">
      {announcement && <p>{`${t('message.assistant')}: ${announcement}`}</p>}
    </div>
  );
}
