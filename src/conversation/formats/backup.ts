import * as v from 'valibot';
import { check, object } from '../../schema/issues';
import type { Conversation } from '../conversation';
import { markInterrupted } from '../interrupted';
import {
  conversationDataSchema,
  fromConversationData,
  toConversationData,
  type ConversationData,
} from './conversation-data';
import type { UnreadableRecord } from './records';

export const BACKUP_FORMAT = 'hangul-llama-backup';
export const BACKUP_VERSION = 1;
/** Larger than any real history (it is text), small enough that parsing a wrong file cannot freeze the page. */
export const MAX_BACKUP_CHARACTERS = 64 * 1024 * 1024;

/**
 * The settings a backup carries, in the file's own terms: the settings store keeps its own schema, and a test
 * checks that every value it can hold is one a backup can carry.
 */
export const BACKUP_LOCALES = ['ko', 'en'] as const;
export const BACKUP_THEMES = ['light', 'dark', 'system'] as const;

const settingsSchema = object({
  locale: v.exactOptional(v.picklist(BACKUP_LOCALES, 'expected "ko", "en" or nothing')),
  theme: v.exactOptional(v.picklist(BACKUP_THEMES, 'expected "light", "dark", "system" or nothing')),
});

export type BackupSettings = v.InferOutput<typeof settingsSchema>;

/**
 * A conversation this version of the app could not read when it made the backup (written by a newer version,
 * or damaged), as it was stored: kept in the file so that nothing is lost, and stored again on import.
 */
const unreadableSchema = object({
  record: v.pipe(
    v.looseObject({ id: v.union([v.pipe(v.string(), v.nonEmpty()), v.number()], 'expected an id') }),
    v.transform((record): unknown => record),
  ),
  versions: v.array(v.unknown(), 'expected an array'),
});

const headSchema = v.looseObject({ format: v.literal(BACKUP_FORMAT) });

const versionSchema = v.pipe(
  v.number('version: expected a whole number of at least 1'),
  v.integer('version: expected a whole number of at least 1'),
  v.minValue(1, 'version: expected a whole number of at least 1'),
);

export const backupFileSchema = object({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_VERSION),
  /** ISO 8601, UTC. */
  exportedAt: v.pipe(
    v.string('expected a date and time'),
    v.check((value) => !Number.isNaN(Date.parse(value)), 'expected a date and time'),
  ),
  conversations: v.array(conversationDataSchema, 'expected an array'),
  /** Absent from files of versions that kept nothing they could not read. */
  unreadable: v.exactOptional(v.array(unreadableSchema, 'expected an array')),
  settings: settingsSchema,
});

/** The file as written; `backupFileSchema` reads it back. */
interface BackupFile {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  readonly exportedAt: string;
  readonly conversations: readonly ConversationData[];
  readonly unreadable?: readonly UnreadableRecord[];
  readonly settings: BackupSettings;
}

export interface Backup {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  /** ISO 8601, UTC. */
  readonly exportedAt: string;
  readonly conversations: readonly Conversation[];
  readonly unreadable: readonly UnreadableRecord[];
  readonly settings: BackupSettings;
}

/**
 * `not-a-backup`: JSON, but not from this app. `newer-version`: from a newer version of the app, which may
 * have written something this one would lose. `too-large`: over {@link MAX_BACKUP_CHARACTERS}, not read at all.
 * `invalid`: a backup, damaged or edited; `detail` names the field.
 */
export type BackupErrorCode = 'not-json' | 'not-a-backup' | 'newer-version' | 'too-large' | 'invalid';

export interface BackupError {
  readonly code: BackupErrorCode;
  /** Technical detail in English, shown under the translated explanation. */
  readonly detail: string;
}

export type ParsedBackup =
  { readonly ok: true; readonly backup: Backup } | { readonly ok: false; readonly error: BackupError };

/**
 * The backup file of these conversations and settings, as JSON; conversations keep every version, and what
 * this version cannot read is kept as it was stored.
 */
export function exportBackup(
  conversations: readonly Conversation[],
  settings: BackupSettings,
  now: number,
  unreadable: readonly UnreadableRecord[] = [],
): string {
  const file: BackupFile = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date(now).toISOString(),
    conversations: conversations.map(toConversationData),
    ...(unreadable.length === 0 ? {} : { unreadable }),
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

/**
 * Reads a backup file, checking every field before anything is used: the caller changes its data only on
 * `ok`, so a damaged or foreign file changes nothing. Answers cut off while the backup was made come back
 * stopped and `interrupted`. Fields this version does not know are left out.
 */
export function parseBackup(
  text: string,
  { maxCharacters = MAX_BACKUP_CHARACTERS }: { readonly maxCharacters?: number } = {},
): ParsedBackup {
  if (text.length > maxCharacters) {
    return failure(
      'too-large',
      `the file has ${text.length} characters; a backup has at most ${maxCharacters}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return failure('not-json', error instanceof Error ? error.message : String(error));
  }
  const head = v.safeParse(headSchema, data);
  if (!head.success) return failure('not-a-backup', `expected an object with "format": "${BACKUP_FORMAT}"`);
  const version = v.safeParse(versionSchema, head.output['version']);
  if (!version.success) return failure('invalid', version.issues[0].message);
  if (version.output > BACKUP_VERSION) {
    return failure(
      'newer-version',
      `the backup has version ${version.output}; this version of the app reads up to ${BACKUP_VERSION}`,
    );
  }

  const file = check(backupFileSchema, data, '');
  if (!file.ok) return failure('invalid', file.reason.replace(/^\./, ''));
  const conversations: Conversation[] = [];
  const seen = new Set<string>();
  for (const [index, item] of file.value.conversations.entries()) {
    const built = fromConversationData(item, `conversations[${index}]`);
    if (!built.ok) return failure('invalid', built.reason);
    const { id } = built.value;
    if (seen.has(id)) return failure('invalid', `conversations[${index}].id: "${id}" appears twice`);
    seen.add(id);
    conversations.push(markInterrupted(built.value));
  }
  const { exportedAt, unreadable = [], settings } = file.value;
  return {
    ok: true,
    backup: {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      exportedAt,
      conversations,
      unreadable,
      settings,
    },
  };
}
