import { ConversationRepositoryError, describeError } from '../persistence/database';
import type { ConversationRepository, ImportReport } from '../persistence/repository-types';
import type { ConversationSlice, ImportError } from './conversation-state';
import type { ConversationSync } from './conversation-sync';

export interface ConversationBackupDependencies {
  readonly repository: ConversationRepository | undefined;
  readonly sync: Pick<ConversationSync, 'written'> | undefined;
  readonly now: () => number;
  /** The conversation on screen: the whole backup when nothing is stored. */
  readonly current: () => ConversationSlice['current'];
  /** Saves the current conversation and waits for it to be written. */
  readonly saveNow: () => Promise<void>;
  /** Reads again what an import may have changed: the list and the current conversation. */
  readonly imported: () => Promise<void>;
}

// Backups are made and read now and then, never on the first screen: their format is a chunk of its own.
const backupFormat = () => import('../../conversation/formats/backup');

/** The JSON backup of every conversation: export, and an import checked whole before it adds anything. */
export function backupActions({
  repository,
  sync,
  now,
  current,
  saveNow,
  imported,
}: ConversationBackupDependencies): Pick<ConversationSlice, 'exportBackup' | 'importBackup'> {
  return {
    async exportBackup(settings) {
      const { exportBackup } = await backupFormat();
      await saveNow();
      if (!repository) return exportBackup(current().first ? [current()] : [], settings, now());
      const { conversations, unreadable } = await repository.backup();
      return exportBackup(conversations, settings, now(), unreadable);
    },

    async importBackup(file) {
      let format: Awaited<ReturnType<typeof backupFormat>>;
      try {
        format = await backupFormat();
      } catch (error) {
        return { ok: false, error: { code: 'not-loaded', detail: describeError(error) } };
      }
      const { checkBackupSize, parseBackup } = format;
      const tooLarge = checkBackupSize(file.size);
      if (tooLarge) return { ok: false, error: tooLarge };
      let text: string;
      try {
        text = await file.text();
      } catch (error) {
        // The file was moved, changed or taken away after it was picked.
        return { ok: false, error: { code: 'unreadable-file', detail: describeError(error) } };
      }
      const parsed = parseBackup(text);
      if (!parsed.ok) return parsed;
      if (!repository) {
        return {
          ok: true,
          backup: parsed.backup,
          report: { added: 0, updated: 0, kept: 0, unreadableAdded: 0, skipped: 0 },
        };
      }
      // A save that fails is told on its own (the storage notice) and tried again; the import goes on.
      await sync?.written();
      let report: ImportReport;
      try {
        report = await repository.import(parsed.backup);
      } catch (error) {
        return { ok: false, error: storageFailure(error) };
      }
      await imported();
      return { ok: true, backup: parsed.backup, report };
    },
  };
}

/** An import the repository refused, all of it unwritten: for lack of space, or for any other reason. */
function storageFailure(error: unknown): ImportError {
  const quota = error instanceof ConversationRepositoryError && error.code === 'quota-exceeded';
  return {
    code: quota ? 'storage-full' : 'write-failed',
    detail: error instanceof Error ? error.message : String(error),
  };
}
