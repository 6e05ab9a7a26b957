import { exportBackup, parseBackup } from '../../conversation/formats/backup';
import type { ConversationRepository } from '../persistence/repository-types';
import type { ConversationSlice } from './conversation-state';
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
      await saveNow();
      if (!repository) return exportBackup(current().first ? [current()] : [], settings, now());
      const { conversations, unreadable } = await repository.backup();
      return exportBackup(conversations, settings, now(), unreadable);
    },

    async importBackup(text) {
      const parsed = parseBackup(text);
      if (!parsed.ok) return parsed;
      if (!repository) {
        return {
          ok: true,
          backup: parsed.backup,
          report: { added: 0, updated: 0, kept: 0, unreadableAdded: 0 },
        };
      }
      await sync?.written();
      const report = await repository.import(parsed.backup);
      await imported();
      return { ok: true, backup: parsed.backup, report };
    },
  };
}
