import * as v from 'valibot';
import { check, looseObject, object } from '../../schema/issues';
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
/** The same limit on the file itself, checked before any of it is read (decoding 100 MB froze the page). */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
/**
 * How deep the objects of a record this version cannot read may nest: far deeper than any record the app writes
 * (five levels), far from where the browser's copy of a value into IndexedDB runs out of stack (20,000 did).
 */
export const MAX_RECORD_DEPTH = 100;

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

/** A key of a stored record: what the app's stores are keyed by, and nothing IndexedDB would refuse. */
const storedKey = v.union([v.pipe(v.string(), v.nonEmpty()), v.number()], 'expected an id');

/**
 * The fields the stores key the unreadable records by, which storing them again needs. The app never wrote a
 * record without them (its stores refuse one), so this is no change of the format: it refuses a file edited or
 * damaged so that the import would fail halfway through its writes.
 */
const unreadableKeysSchema = v.array(
  object({
    record: looseObject({ id: storedKey }),
    versions: v.array(looseObject({ conversationId: storedKey, id: storedKey }), 'expected an array'),
  }),
);

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

/** The size a backup file may have, checked before it is read: `too-large` past {@link MAX_BACKUP_BYTES}. */
export function checkBackupSize(bytes: number): BackupError | undefined {
  return bytes > MAX_BACKUP_BYTES
    ? { code: 'too-large', detail: `the file has ${bytes} bytes; a backup has at most ${MAX_BACKUP_BYTES}` }
    : undefined;
}

/**
 * Whether `value` has objects nested more than `limit` levels deep, found with a stack of its own so that no
 * value, however deep, can overflow the page's.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > limit) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/**
 * Why the backup's unreadable records could not be stored again as they are, or nothing: one lacks a key, is
 * there twice, names another conversation in a version's key, or nests too deep for the browser to store it.
 */
function unreadableProblem(unreadable: readonly UnreadableRecord[]): string | undefined {
  const keyed = check(unreadableKeysSchema, unreadable, 'unreadable');
  if (!keyed.ok) return keyed.reason;
  const seen = new Set<string | number>();
  for (const [index, { record, versions }] of keyed.value.entries()) {
    const at = `unreadable[${index}]`;
    if (seen.has(record.id)) return `${at}.record.id: ${JSON.stringify(record.id)} appears twice`;
    seen.add(record.id);
    const stray = versions.findIndex(({ conversationId }) => conversationId !== record.id);
    if (stray >= 0) {
      return `${at}.versions[${stray}].conversationId: expected the record's id, ${JSON.stringify(record.id)}`;
    }
    if (nestsDeeperThan(record, MAX_RECORD_DEPTH)) {
      return `${at}.record: nested more than ${MAX_RECORD_DEPTH} levels deep`;
    }
    const deep = versions.findIndex((version) => nestsDeeperThan(version, MAX_RECORD_DEPTH));
    if (deep >= 0) return `${at}.versions[${deep}]: nested more than ${MAX_RECORD_DEPTH} levels deep`;
  }
  return undefined;
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
  const problem = unreadableProblem(unreadable);
  if (problem !== undefined) return failure('invalid', problem);
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
