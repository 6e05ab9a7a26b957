import * as v from 'valibot';
import type { Conversation } from '../../conversation/conversation';
import type { Connection } from './connection';
import { SUMMARIES_STORE } from './database';
import { describeSummaryProblem, newestFirst, type RecordReader } from './record-reader';
import {
  summarySchema,
  unreadableSummarySchema,
  type ConversationSummary,
  type UnreadableSummary,
} from './schemas';
import type { TabPresence } from './tab-presence';
import type { ConversationList } from './repository-types';

/** The conversation list, from the summaries alone: what can be opened, and what this version cannot read. */
export async function listConversations({ reading }: Connection): Promise<ConversationList> {
  const records = await reading((db) => db.getAll(SUMMARIES_STORE));
  const summaries: ConversationSummary[] = [];
  const unreadable: UnreadableSummary[] = [];
  for (const record of records) {
    const summary = v.safeParse(summarySchema, record);
    if (summary.success) {
      const { schema: _schema, ...rest } = summary.output;
      summaries.push(rest);
      continue;
    }
    const kept = v.safeParse(unreadableSummarySchema, record);
    const id = (record as { id?: unknown }).id;
    unreadable.push(
      kept.success
        ? kept.output
        : { id: typeof id === 'number' ? id : String(id), unreadable: describeSummaryProblem(record) },
    );
  }
  return { summaries: summaries.sort(newestFirst), unreadable };
}

/**
 * One conversation, with answers whose tab has gone marked `interrupted`; undefined if it cannot be read. One
 * whose records cannot be read (a version record damaged, say) is listed from then on with those this version
 * cannot read: its records stay as they are, and a full backup keeps them.
 */
export async function getConversation(
  connection: Connection,
  { readOne }: RecordReader,
  presence: TabPresence,
  id: string,
): Promise<Conversation | undefined> {
  const read = await readOne(id, () => presence.alive());
  if (read === undefined) return undefined;
  if (read.ok) return read.conversation;
  await listAsUnreadable(connection, id, read.reason).catch(() => {
    // Then it stays listed as it was, and reading it again tries once more: nothing is lost either way.
  });
  return undefined;
}

/**
 * Lists a stored conversation among those this version cannot read: its summary is the one record written. Only
 * a summary this version wrote is replaced: one deleted meanwhile stays deleted, and one a newer version wrote
 * is already listed so and stays as that version left it.
 */
async function listAsUnreadable({ writing }: Connection, id: string, reason: string): Promise<void> {
  await writing(async (db) => {
    const transaction = db.transaction(SUMMARIES_STORE, 'readwrite');
    if (v.is(summarySchema, await transaction.store.get(id))) {
      const summary: UnreadableSummary = { id, unreadable: reason };
      void transaction.store.put(summary);
    }
    await transaction.done;
  });
}
