import type { EngineErrorInfo } from '../../engine/protocol';
import type { SamplingParams } from '../../generation/sampling';
import type { Conversation } from '../../conversation/conversation';
import type { Backup, BackupErrorCode, BackupSettings } from '../../conversation/formats/backup';
import type { ChatMessage } from '../../conversation/messages';
import type { ImportReport } from '../persistence/repository-types';
import type { ConversationSummary, UnreadableSummary } from '../persistence/schemas';
import type { SearchHit } from '../persistence/search-index';
import type { ChatStatus, ComposerNotice, SendOutcome, StorageProblem } from '../types';

/**
 * Why an import wrote nothing: the file was refused (`BackupErrorCode`), could not be read (`unreadable-file`),
 * or the storage failed: `storage-full` (the browser's quota) or `write-failed` (any other failure).
 */
export type ImportErrorCode =
  | BackupErrorCode
  | 'unreadable-file'
  | 'storage-full'
  | 'write-failed'
  /** The app's backup code (a chunk of its own) could not be fetched: offline before it was cached, or gone. */
  | 'not-loaded';

export interface ImportError {
  readonly code: ImportErrorCode;
  /** Technical detail in English, shown under the translated explanation. */
  readonly detail: string;
}

/** What an import did: failed (nothing changed), or what it added, replaced and kept. */
export type ImportOutcome =
  | { readonly ok: false; readonly error: ImportError }
  | { readonly ok: true; readonly backup: Backup; readonly report: ImportReport };

/** What the conversation slice does to the model slice, named. */
export interface ModelEffects {
  readonly isReady: () => boolean;
  /** An answer failed in a way that took the model with it. */
  readonly gone: (error: EngineErrorInfo) => void;
}

/** What the conversation slice does to the shared-conversation view (the shared slice), named. */
export interface SharedViewEffects {
  /** The user went to one of their own conversations: a shared one on screen gives way. */
  readonly leave: () => void;
}

export interface ConversationSlice {
  readonly conversations: readonly ConversationSummary[];
  /** Stored conversations this version cannot read: kept, counted in the list, included in a full backup. */
  readonly unreadable: readonly UnreadableSummary[];
  readonly current: Conversation;
  /** The selected path of the current conversation, as messages (derived from `current`). */
  readonly messages: readonly ChatMessage[];
  readonly status: ChatStatus;
  /** This conversation's sampling values (the model card's until changed). */
  readonly sampling: SamplingParams;
  /** The text in the message box; kept here so a message the model cannot take comes back to it. */
  readonly draft: string;
  readonly notice: ComposerNotice | undefined;
  /** What storage did not do (a save, a delete, a read), until it is done or dismissed. */
  readonly storageProblem: StorageProblem | undefined;
  /** A conversation just deleted, until the undo offer expires. */
  readonly deleted: Conversation | undefined;
  readonly searchResults: readonly SearchHit[] | undefined;
  /** The search stopped at its limit: more conversations may hold the text. */
  readonly searchMore: boolean;

  /** Tries again what storage refused (the saves waiting, the delete, the read), at once. */
  readonly retryStorage: () => Promise<void>;
  /** Hides the storage problem shown (saves that failed are still tried again by themselves). */
  readonly dismissStorageProblem: () => void;
  /** Writes whatever is waiting to be saved (the page is being hidden). */
  readonly flushSaves: () => Promise<void>;
  /** Starts writing the answer being streamed before returning: the page is being closed. */
  readonly saveAtExit: () => void;
  /** Reads the saved conversations and opens the latest. */
  readonly restore: () => Promise<void>;
  /** Sends a user message and starts streaming its answer; anything but `sent` leaves the text unused. */
  readonly send: (text: string) => SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  readonly stop: () => void;
  /** A new answer to the question at `depth`; the old answer stays as a version. */
  readonly regenerate: (depth: number) => SendOutcome;
  /** The question at `depth` edited and sent again; the old question, its answer and what followed stay as a version. */
  readonly editAndResend: (depth: number, text: string) => SendOutcome;
  /** Shows another version of the exchange at `depth`. */
  readonly selectVersion: (depth: number, index: number) => void;
  readonly setDraft: (text: string) => void;
  readonly setSampling: (change: Partial<Omit<SamplingParams, 'seed'>>) => void;
  /** A seed makes answers reproducible; undefined draws a new one for every answer. */
  readonly setSeed: (seed: number | undefined) => void;
  /** Back to the model card's values (and no seed). */
  readonly resetSampling: () => void;
  readonly newConversation: () => void;
  readonly openConversation: (id: string) => Promise<void>;
  /**
   * Stores a conversation that is not yet stored (its id new to this browser, a shared one saved with new ids)
   * and opens it.
   */
  readonly addConversation: (conversation: Conversation) => Promise<void>;
  readonly renameConversation: (id: string, title: string) => Promise<void>;
  readonly deleteConversation: (id: string) => Promise<void>;
  readonly undoDelete: () => Promise<void>;
  readonly searchConversations: (query: string) => Promise<void>;
  /** Every conversation (every version), what cannot be read as it is, and the settings: a JSON backup. */
  readonly exportBackup: (settings: BackupSettings) => Promise<string>;
  /**
   * Restores a backup file: its size checked before it is read, then checked whole, so a bad or foreign file
   * changes nothing; then its conversations are added in one transaction, a stored one with the same id
   * replaced only by a newer copy. Nothing stored is deleted, and a failure writes nothing. Never rejects.
   */
  readonly importBackup: (file: Blob) => Promise<ImportOutcome>;
}
