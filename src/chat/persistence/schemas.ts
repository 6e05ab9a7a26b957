import * as v from 'valibot';
import { count, identifier, text, timestamp } from '../../conversation/formats/fields';
import { RECORD_SCHEMA } from '../../conversation/formats/records';
import { object } from '../../schema/issues';

/**
 * What a search keeps of a conversation's text (`SearchHead`, `SearchText` in `search-index.ts`). Derived from
 * the header and versions, and deleted by every save: a search reads the conversation whole where they are
 * missing, and writes them again.
 */
const searchPlaces = { exchangeIds: v.array(identifier), versions: v.array(count) };

export const searchHeadSchema = object({
  id: identifier,
  updatedAt: timestamp,
  head: text,
  whole: v.boolean('expected true or false'),
  ...searchPlaces,
});

export const searchTextSchema = object({ id: identifier, updatedAt: timestamp, text });

/** What the conversation list shows of a conversation, written with it so the list never reads the rest. */
export const summarySchema = object({
  schema: v.literal(RECORD_SCHEMA),
  id: identifier,
  title: text,
  updatedAt: timestamp,
  /** The last question on the selected path, on one line and cut short. */
  preview: text,
});

export type SummaryRecord = v.InferOutput<typeof summarySchema>;
export type ConversationSummary = Omit<SummaryRecord, 'schema'>;

/** A conversation kept untouched because this version cannot read it; its own records stay as they were. */
export const unreadableSummarySchema = object({
  id: v.union([v.string(), v.number()]),
  unreadable: v.string(),
});

export type UnreadableSummary = v.InferOutput<typeof unreadableSummarySchema>;
