import { useEffect, useRef, useState } from 'react';
import { useChat } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';

/** How often new text of a streaming answer is handed to screen readers. */
const ANNOUNCE_EVERY_MS = 1500;

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
    if (announced.current?.id !== id) {
      announced.current = { id, length: 0 };
      lastAnnouncedAt.current = performance.now();
    }
    const from = announced.current.length;
    const done = status !== 'pending' && status !== 'streaming';
    let until = content.length;
    if (!done) {
      if (performance.now() - lastAnnouncedAt.current < ANNOUNCE_EVERY_MS) return;
      const sentenceEnd = Math.max(...['.', '!', '?', '。', '\n'].map((mark) => content.lastIndexOf(mark)));
      until = sentenceEnd + 1;
    }
    if (until <= from) return;
    announced.current = { id, length: until };
    lastAnnouncedAt.current = performance.now();
    setAnnouncement(content.slice(from, until).trim());
  }, [id, content, status]);

  return (
    <div aria-live="polite" aria-atomic="false" className="sr-only" data-testid="answer-announcer">
      {announcement && <p>{`${t('message.assistant')}: ${announcement}`}</p>}
    </div>
  );
}
