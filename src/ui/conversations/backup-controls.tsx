import { useRef, useState } from 'react';
import type { ImportErrorCode, ImportReport } from '../../chat/chat-store';
import { useChat, useChatStore } from '../chat-store-context';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { Button } from '../primitives/controls';
import { useSettings } from '../settings-context';

// Files are made now and then, never on the first screen: their formats are a chunk of their own.
const conversationFiles = () => import('./conversation-files');

const detailOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const backupErrorKeys: Record<ImportErrorCode, MessageKey> = {
  'not-json': 'backup.error.not-json',
  'not-a-backup': 'backup.error.not-a-backup',
  'newer-version': 'backup.error.newer-version',
  'too-large': 'backup.error.too-large',
  invalid: 'backup.error.invalid',
  'unreadable-file': 'backup.error.unreadable-file',
  'storage-full': 'backup.error.storage-full',
  'write-failed': 'backup.error.write-failed',
  'not-loaded': 'backup.error.not-loaded',
};

type Outcome =
  | { readonly kind: 'imported'; readonly report: ImportReport }
  | { readonly kind: 'failed'; readonly message: string };

/** What an import did, one sentence per kind of outcome that happened. */
function reportLines(report: ImportReport, t: ReturnType<typeof useI18n>['t']): string[] {
  const lines = [
    report.added > 0 ? t('backup.importedAdded', { count: report.added }) : undefined,
    report.updated > 0 ? t('backup.importedUpdated', { count: report.updated }) : undefined,
    report.kept > 0 ? t('backup.importedKept', { count: report.kept }) : undefined,
    report.unreadableAdded > 0
      ? t('backup.importedUnreadable', { count: report.unreadableAdded })
      : undefined,
    report.skipped > 0 ? t('backup.importedSkipped', { count: report.skipped }) : undefined,
  ].filter((line) => line !== undefined);
  return lines.length > 0 ? lines : [t('backup.importedNone')];
}

/** Backup of everything as JSON (export and checked import), and the current conversation as Markdown. */
export function BackupControls() {
  const { t } = useI18n();
  const exportBackup = useChat((state) => state.exportBackup);
  const importBackup = useChat((state) => state.importBackup);
  const store = useChatStore();
  // Only whether there is something to export: the conversation itself is read on the click, so an answer's
  // every update does not render the backup buttons again.
  const empty = useChat((state) => state.current.first === undefined);
  const locale = useSettings((state) => state.locale);
  const theme = useSettings((state) => state.theme);
  const setLocale = useSettings((state) => state.setLocale);
  const setTheme = useSettings((state) => state.setTheme);
  const input = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);

  const fail = (message: string): void => setOutcome({ kind: 'failed', message });

  const onFile = async (file: File): Promise<void> => {
    const result = await importBackup(file);
    if (!result.ok) {
      setOutcome({
        kind: 'failed',
        message: `${t(backupErrorKeys[result.error.code])} (${result.error.detail})`,
      });
      return;
    }
    if (result.backup.settings.locale) setLocale(result.backup.settings.locale);
    if (result.backup.settings.theme) setTheme(result.backup.settings.theme);
    setOutcome({ kind: 'imported', report: result.report });
  };

  return (
    <div className="flex flex-col gap-0.5 border-t border-stone-200 pt-2 dark:border-stone-800">
      <Button
        variant="ghost"
        tone="muted"
        size="xs"
        className="text-left"
        onClick={() =>
          void Promise.all([exportBackup({ locale, theme }), conversationFiles()]).then(
            ([text, { download, today }]) =>
              download(`hangul-llama-backup-${today()}.json`, 'application/json', text),
            (error: unknown) => fail(t('backup.exportFailed', { detail: detailOf(error) })),
          )
        }
      >
        {t('backup.export')}
      </Button>
      <Button
        variant="ghost"
        tone="muted"
        size="xs"
        className="text-left"
        onClick={() => input.current?.click()}
      >
        {t('backup.import')}
      </Button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid="backup-input"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (file) void onFile(file);
        }}
      />
      <Button
        variant="ghost"
        tone="muted"
        size="xs"
        className="text-left disabled:opacity-50"
        disabled={empty}
        onClick={() =>
          void conversationFiles().then(
            ({ downloadMarkdown }) => downloadMarkdown(store.getState().current, t),
            (error: unknown) => fail(t('backup.exportFailed', { detail: detailOf(error) })),
          )
        }
      >
        {t('backup.markdown')}
      </Button>
      <div role="status" className="text-xs">
        {outcome?.kind === 'imported' &&
          reportLines(outcome.report, t).map((line) => (
            <p key={line} className="px-2 text-teal-800 dark:text-teal-300">
              {line}
            </p>
          ))}
      </div>
      {outcome?.kind === 'failed' && (
        <p role="alert" className="px-2 text-xs text-red-800 dark:text-red-300">
          {outcome.message}
        </p>
      )}
    </div>
  );
}
