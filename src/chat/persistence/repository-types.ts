import type { UnreadableRecord } from '../../conversation/formats/records';
import type { Conversation } from '../../conversation/conversation';
import type { ConversationSummary, UnreadableSummary } from './schemas';
import type { SearchHit } from './search-index';

/** What the conversation repository offers, and what it tells: the types its parts and its callers share. */

/** A record the repository could not read; it stays in the database untouched. */
export interface SkippedRecord {
  readonly key: IDBValidKey;
  readonly reason: string;
}

/** The conversation list: what can be opened, newest first, and what this version cannot read (kept). */
export interface ConversationList {
  readonly summaries: readonly ConversationSummary[];
  readonly unreadable: readonly UnreadableSummary[];
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly summary: ConversationSummary }
  | { readonly kind: 'unchanged' }
  /** Another tab deleted the conversation: nothing was written, so it does not come back. */
  | { readonly kind: 'deleted' };

export interface SearchResult {
  /** Newest first. */
  readonly hits: readonly SearchHit[];
  /** The search stopped at its limit: more conversations may hold the text. */
  readonly more: boolean;
}

/** A conversation this version cannot read, as stored: its record and the records of its versions. */
export interface StoredData {
  readonly conversations: readonly Conversation[];
  readonly unreadable: readonly UnreadableRecord[];
}

/** What an import did, conversation by conversation. */
export interface ImportReport {
  /** New here (a conversation with the id of one this version cannot read is added beside it). */
  readonly added: number;
  /** Replaced by the backup's copy, which was newer. */
  readonly updated: number;
  /** Kept as they were, because this browser's copy was as new or newer. */
  readonly kept: number;
  /** Records from the backup this version cannot read, stored as they were for a newer version. */
  readonly unreadableAdded: number;
  /** Records the backup also holds readable, under the same id: the readable copy is imported, not these. */
  readonly skipped: number;
}

/** What another tab changed, as it tells the others. */
export type ExternalChange =
  | {
      readonly kind: 'saved';
      readonly id: string;
      /** Versions written (new, or their answer grew) and taken back. */
      readonly versions: readonly string[];
      readonly removed: readonly string[];
    }
  | { readonly kind: 'deleted'; readonly id: string }
  | { readonly kind: 'imported' }
  /**
   * The whole database was deleted under this tab (the browser's "clear site data", or a page of this site):
   * nothing this tab read or saved is stored any more. Never told by another tab: each sees it itself.
   */
  | { readonly kind: 'cleared' };

/** The part of `BroadcastChannel` the repository uses to tell the other tabs what changed. */
export interface ChangeChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface ConversationRepository {
  /** The conversation list, from the summaries alone. */
  list(): Promise<ConversationList>;
  /**
   * The conversation, with answers whose tab has gone marked `interrupted` (in what is returned only); undefined
   * if it is not stored or cannot be read. One that cannot be read is listed from then on among `unreadable`,
   * its records left as they are.
   */
  get(id: string): Promise<Conversation | undefined>;
  /**
   * Writes what changed from `previous` (the conversation as this tab last read or saved it) to `next`, in one
   * transaction with its summary and search index: new versions and answers that grew, the header's changed
   * fields. Versions this tab did not touch are not written, so another tab's work is never overwritten.
   * Refuses, with `invalid-conversation`, what could not be read back.
   */
  save(next: Conversation, previous: Conversation | undefined): Promise<SaveOutcome>;
  /**
   * As `save`, started before returning, for a page being hidden or closed: it writes the changed versions
   * without reading anything first, since the page may get no more turns.
   */
  saveAtExit(next: Conversation, previous: Conversation | undefined): void;
  delete(id: string): Promise<void>;
  /**
   * As `delete`, started before returning, for a page being hidden or closed; `previous` is the conversation as
   * this tab last read or saved it. What the page has no time to finish, the next page to open the database
   * does, unless the conversation has gained versions since.
   */
  deleteAtExit(id: string, previous: Conversation): void;
  /**
   * The conversations, newest first, whose title or any question or answer of any version contains `text`,
   * ignoring case and runs of white space, up to `limit`. Blank text finds nothing.
   */
  search(text: string, limit?: number): Promise<SearchResult>;
  /** Everything stored, for a full backup: the conversations, and what this version cannot read, as it is. */
  backup(): Promise<StoredData>;
  /**
   * Adds a backup's conversations: one with an id already here replaces the stored one only if it is newer
   * (`updatedAt`). Nothing stored is deleted, whether this version can read it or not. All or nothing: a
   * failure (`quota-exceeded`, `write-failed`) writes none of it.
   */
  import(data: StoredData): Promise<ImportReport>;
  /** Calls `listener` when another tab changed the conversations; returns a function that stops it. */
  onExternalChange(listener: (change: ExternalChange) => void): () => void;
}

/** The repository as it is opened: the page that opened it closes it (tests do, between cases). */
export interface ClosableConversationRepository extends ConversationRepository {
  close(): void;
}
