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

/** One conversation, with answers whose tab has gone marked `interrupted`; undefined if it cannot be read. */
export async function getConversation(
  { readMany }: RecordReader,
  presence: TabPresence,
  id: string,
): Promise<Conversation | undefined> {
  const [conversation] = await readMany([id], () => presence.alive());
  return conversation;
}
