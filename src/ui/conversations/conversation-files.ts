import type { Conversation } from '../../conversation/conversation';
import { exportBackup } from '../../conversation/formats/backup';
import { conversationToMarkdown } from '../../conversation/formats/markdown';
import type { MessageKey } from '../i18n/messages';

type Translate = (key: MessageKey) => string;

/** Hands text to the browser as a file download. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click has handed the blob to the download before the next task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const today = (): string => new Date().toISOString().slice(0, 10);

/** The conversation's selected path as a Markdown file, in the reader's language. */
export function downloadMarkdown(conversation: Conversation, t: Translate): void {
  download(
    `${conversation.title || 'conversation'}.md`,
    'text/markdown',
    conversationToMarkdown(conversation, {
      exportedAt: Date.now(),
      labels: {
        user: t('message.user'),
        assistant: t('message.assistant'),
        exportedAt: t('backup.exportedAt'),
        stopped: t('message.stopped'),
        interrupted: t('message.interrupted'),
        failed: t('message.failed'),
      },
    }),
  );
}

/**
 * A backup file holding this one conversation and no settings: "백업 가져오기" reads it in any copy of the
 * app, so it travels where a link would be cut.
 */
export function downloadConversationBackup(conversation: Conversation): void {
  download(
    `${conversation.title || 'conversation'}.json`,
    'application/json',
    exportBackup([conversation], {}, Date.now()),
  );
}
