import type { Conversation } from '../conversation';
import {
  markInterrupted,
  parseConversationData,
  toConversationData,
  type ConversationData,
} from './conversation-store';

export const BACKUP_FORMAT = 'hangul-llama-backup';
export const BACKUP_VERSION = 1;
/** Larger than any real history (it is text), small enough that parsing a wrong file cannot freeze the page. */
export const MAX_BACKUP_CHARACTERS = 64 * 1024 * 1024;

export interface BackupSettings {
  readonly locale?: 'ko' | 'en';
  readonly theme?: 'light' | 'dark' | 'system';
}

export interface Backup {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  /** ISO 8601, UTC. */
  readonly exportedAt: string;
  readonly conversations: readonly Conversation[];
  readonly settings: BackupSettings;
}

/**
 * `not-a-backup`: JSON, but not from this app. `newer-version`: from a newer version of the app, which may
 * have written something this one would lose. `invalid`: a backup, damaged or edited; `detail` names the field.
 */
export type BackupErrorCode = 'not-json' | 'not-a-backup' | 'newer-version' | 'invalid';

export interface BackupError {
  readonly code: BackupErrorCode;
  /** Technical detail in English, shown under the translated explanation. */
  readonly detail: string;
}

export type ParsedBackup =
  { readonly ok: true; readonly backup: Backup } | { readonly ok: false; readonly error: BackupError };

interface BackupFile {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  readonly exportedAt: string;
  readonly conversations: readonly ConversationData[];
  readonly settings: BackupSettings;
}

/** The backup file of these conversations and settings, as JSON; conversations keep every version. */
export function exportBackup(
  conversations: readonly Conversation[],
  settings: BackupSettings,
  now: number,
): string {
  const file: BackupFile = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date(now).toISOString(),
    conversations: conversations.map(toConversationData),
    // Only the known keys: a settings object with more in it must not leak the rest into the file.
    settings: {
      ...(settings.locale === undefined ? {} : { locale: settings.locale }),
      ...(settings.theme === undefined ? {} : { theme: settings.theme }),
    },
  };
  return JSON.stringify(file);
}

function failure(code: BackupErrorCode, detail: string): ParsedBackup {
  return { ok: false, error: { code, detail } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T | undefined {
  return value === undefined || allowed.some((item) => item === value);
}

function readSettings(value: unknown): BackupSettings | string {
  if (!isObject(value)) return 'settings: expected an object';
  const { locale, theme } = value;
  if (!oneOf(locale, ['ko', 'en'] as const)) return 'settings.locale: expected "ko", "en" or nothing';
  if (!oneOf(theme, ['light', 'dark', 'system'] as const)) {
    return 'settings.theme: expected "light", "dark", "system" or nothing';
  }
  return { ...(locale === undefined ? {} : { locale }), ...(theme === undefined ? {} : { theme }) };
}

/**
 * Reads a backup file, checking every field before anything is used: the caller replaces its data only on
 * `ok`, so a damaged or foreign file changes nothing. Answers cut off while the backup was made come back
 * stopped and `interrupted`. Fields this version does not know are left out.
 */
export function parseBackup(
  text: string,
  { maxCharacters = MAX_BACKUP_CHARACTERS }: { readonly maxCharacters?: number } = {},
): ParsedBackup {
  if (text.length > maxCharacters) {
    return failure(
      'invalid',
      `the file has ${text.length} characters; a backup has at most ${maxCharacters}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return failure('not-json', error instanceof Error ? error.message : String(error));
  }
  if (!isObject(data) || data['format'] !== BACKUP_FORMAT) {
    return failure('not-a-backup', `expected an object with "format": "${BACKUP_FORMAT}"`);
  }

  const version = data['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return failure('invalid', 'version: expected a whole number of at least 1');
  }
  if (version > BACKUP_VERSION) {
    return failure(
      'newer-version',
      `the backup has version ${version}; this version of the app reads up to ${BACKUP_VERSION}`,
    );
  }

  const exportedAt = data['exportedAt'];
  if (typeof exportedAt !== 'string' || Number.isNaN(Date.parse(exportedAt))) {
    return failure('invalid', 'exportedAt: expected a date and time');
  }

  const list = data['conversations'];
  if (!Array.isArray(list)) return failure('invalid', 'conversations: expected an array');
  const conversations: Conversation[] = [];
  const seen = new Set<string>();
  for (const [index, item] of list.entries()) {
    const parsed = parseConversationData(item, `conversations[${index}]`);
    if (!parsed.ok) return failure('invalid', parsed.reason);
    const { id } = parsed.value;
    if (seen.has(id)) return failure('invalid', `conversations[${index}].id: "${id}" appears twice`);
    seen.add(id);
    conversations.push(markInterrupted(parsed.value));
  }

  const settings = readSettings(data['settings']);
  if (typeof settings === 'string') return failure('invalid', settings);

  return {
    ok: true,
    backup: { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt, conversations, settings },
  };
}
