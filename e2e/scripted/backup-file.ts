/** One exchange of a conversation in a backup file (the format of src/conversation/formats/backup.ts, version 1). */
export interface BackupExchange {
  readonly question: string;
  readonly answer: string;
  readonly status?: 'complete' | 'stopped';
}

const usage = {
  promptTokens: 12,
  completionTokens: 3,
  prefillTokensPerSecond: 100,
  decodeTokensPerSecond: 20,
  timeToFirstTokenMs: 50,
  totalMs: 200,
};

/** One conversation of a backup file. */
export interface BackupConversation {
  readonly id?: string;
  readonly title?: string;
  readonly updatedAt?: number;
  readonly exchanges: readonly BackupExchange[];
}

function conversationData({
  id = 'imported-conversation',
  title = '가져온 대화',
  updatedAt = Date.UTC(2026, 0, 2),
  exchanges,
}: BackupConversation): unknown {
  const createdAt = Date.UTC(2026, 0, 1);
  return {
    id,
    title,
    createdAt,
    updatedAt,
    sampling: {
      temperature: 1,
      topK: 20,
      topP: 0.92,
      repetitionPenalty: 1.2,
      noRepeatNgramSize: 3,
      maxNewTokens: 1024,
    },
    first: exchanges.length > 0 ? `${id}-0` : null,
    exchanges: exchanges.map(({ question, answer, status = 'complete' }, index) => ({
      id: `${id}-${index}`,
      selected: 0,
      versions: [
        {
          question,
          askedAt: createdAt + index,
          next: index + 1 < exchanges.length ? `${id}-${index + 1}` : null,
          answer:
            status === 'complete'
              ? { content: answer, createdAt, status, truncated: false, usage, droppedTurns: 0 }
              : { content: answer, createdAt, status, usage, droppedTurns: 0 },
        },
      ],
    })),
  };
}

/**
 * A backup file holding these conversations, and `unreadable` as records this version could not read, written
 * as the app writes it (the unreadable records verbatim, so a test can damage them).
 */
export function backupFileOf(
  conversations: readonly BackupConversation[],
  unreadable: readonly unknown[] = [],
): Buffer {
  const file = {
    format: 'hangul-llama-backup',
    version: 1,
    exportedAt: new Date(Date.UTC(2026, 0, 3)).toISOString(),
    settings: {},
    conversations: conversations.map(conversationData),
    ...(unreadable.length > 0 ? { unreadable } : {}),
  };
  return Buffer.from(JSON.stringify(file));
}

/**
 * A backup file holding one conversation, written as the app writes it, so a test can bring in what the app
 * would never produce by itself (an answer of millions of characters, a date that is no date).
 */
export function backupFile(conversation: BackupConversation): Buffer {
  return backupFileOf([conversation]);
}
