import { check } from '../../schema/issues';
import type { Conversation } from '../../conversation/conversation';
import {
  BY_CONVERSATION_INDEX,
  CONVERSATIONS_STORE,
  EXIT_WRITES_STORE,
  parseLegacyRecord,
  VERSIONS_STORE,
  type ReadTransaction,
} from './database';
import type { Connection } from './connection';
import { exitEntries, withExitWrites, type ExitStorage } from './exit-writes';
import { interrupted, isUnsettled } from '../../conversation/interrupted';
import {
  headerSchema,
  RECORD_SCHEMA,
  versionRecordSchema,
  type VersionRecord,
} from '../../conversation/formats/records';
import { summarySchema } from './schemas';
import type { SkippedRecord } from './repository-types';
import { fromRecords } from '../../conversation/formats/records';

/** Newest first; ids settle ties, so that every tab lists the same order. */
export function newestFirst(a: { readonly id: string; readonly updatedAt: number }, b: typeof a): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A conversation read from its records, or why it could not be. */
export type Read =
  | { readonly ok: true; readonly conversation: Conversation }
  | { readonly ok: false; readonly reason: string };

/** A header and its version records, checked and built; `alive` tells which writers are still there. */
export function readRecords(
  rawHeader: unknown,
  rawVersions: readonly unknown[],
  alive: ReadonlySet<string> | undefined,
): Read {
  const header = check(headerSchema, rawHeader, 'record');
  if (!header.ok) {
    const schema = (rawHeader as { schema?: unknown } | undefined)?.schema;
    return {
      ok: false,
      reason:
        typeof schema === 'number' && schema > RECORD_SCHEMA
          ? `record.schema: format ${schema} is newer than this version reads (${RECORD_SCHEMA})`
          : header.reason,
    };
  }
  const versions: VersionRecord[] = [];
  for (const [index, raw] of rawVersions.entries()) {
    const version = check(versionRecordSchema, raw, `versions[${index}]`);
    if (!version.ok) return version;
    versions.push(version.value);
  }
  const conversation = fromRecords(header.value, versions, (record) =>
    alive && isUnsettled(record.answer) && !(record.writer !== undefined && alive.has(record.writer))
      ? interrupted(record.answer)
      : record.answer,
  );
  return { ok: true, conversation };
}

/** The stored records of one conversation, with what closing pages wrote put in. */
export interface RawConversation {
  readonly header: unknown;
  readonly records: unknown[];
}

export interface RecordReader {
  /**
   * The conversations, read in one transaction whose requests all go out at once (a search reads fifty: one
   * transaction each made it wait on each in turn); `alive` is asked for only when one has an answer still
   * being written. An id that is not stored, or whose records cannot be read, gives undefined.
   */
  readonly readMany: (
    ids: readonly string[],
    alive: () => Promise<ReadonlySet<string>>,
    /** Whether a conversation may have text written as a page closed, when the caller knows (a search does). */
    mayHaveExitWrites?: (id: string) => boolean,
  ) => Promise<(Conversation | undefined)[]>;
  /** One conversation, or why its records cannot be read (told as skipped); undefined if it is not stored. */
  readonly readOne: (id: string, alive: () => Promise<ReadonlySet<string>>) => Promise<Read | undefined>;
  /** The stored records of each conversation (undefined: none), with what closing pages wrote put in. */
  readonly readRaw: (
    transaction: ReadTransaction,
    ids: readonly string[],
    mayHaveExitWrites: (id: string) => boolean,
  ) => Promise<(RawConversation | undefined)[]>;
}

export function createRecordReader(
  { reading }: Connection,
  exitStorage: ExitStorage | undefined,
  onSkippedRecord: (skipped: SkippedRecord) => void,
): RecordReader {
  async function readEach(
    ids: readonly string[],
    alive: () => Promise<ReadonlySet<string>>,
    mayHaveExitWrites: (id: string) => boolean,
  ): Promise<(Read | undefined)[]> {
    const raws = await reading((db) =>
      readRaw(
        db.transaction([CONVERSATIONS_STORE, VERSIONS_STORE, EXIT_WRITES_STORE]),
        ids,
        mayHaveExitWrites,
      ),
    );
    return Promise.all(
      raws.map(async (raw, index) => {
        const id = ids[index] ?? '';
        if (raw === undefined) return undefined;
        const unsettled = raw.records.some((record) => {
          const status = (record as { answer?: { status?: unknown } } | undefined)?.answer?.status;
          return status === 'pending' || status === 'streaming';
        });
        const result = readRecords(raw.header, raw.records, unsettled ? await alive() : new Set());
        if (!result.ok) onSkippedRecord({ key: id, reason: result.reason });
        return result;
      }),
    );
  }

  async function readMany(
    ids: readonly string[],
    alive: () => Promise<ReadonlySet<string>>,
    mayHaveExitWrites: (id: string) => boolean = () => true,
  ): Promise<(Conversation | undefined)[]> {
    const reads = await readEach(ids, alive, mayHaveExitWrites);
    return reads.map((read) => (read?.ok ? read.conversation : undefined));
  }

  async function readOne(id: string, alive: () => Promise<ReadonlySet<string>>): Promise<Read | undefined> {
    const [read] = await readEach([id], alive, () => true);
    return read;
  }

  async function readRaw(
    transaction: ReadTransaction,
    ids: readonly string[],
    mayHaveExitWrites: (id: string) => boolean,
  ): Promise<(RawConversation | undefined)[]> {
    const headers = transaction.objectStore(CONVERSATIONS_STORE);
    const versions = transaction.objectStore(VERSIONS_STORE).index(BY_CONVERSATION_INDEX);
    const exits = transaction.objectStore(EXIT_WRITES_STORE).index(BY_CONVERSATION_INDEX);
    const raws = await Promise.all(
      ids.map((id) =>
        Promise.all([headers.get(id), versions.getAll(id), mayHaveExitWrites(id) ? exits.getAll(id) : []]),
      ),
    );
    const exitRecords = exitEntries(exitStorage).map(({ record }) => record);
    return raws.map(([header, records, exitWrites], index) =>
      header === undefined
        ? undefined
        : { header, records: withExitWrites(records, [...exitWrites, ...exitRecords], ids[index] ?? '') },
    );
  }

  return { readMany, readOne, readRaw };
}

/** Why a summary cannot be listed, for the entry of those this version cannot read. */
export function describeSummaryProblem(record: unknown): string {
  const schema = (record as { schema?: unknown } | undefined)?.schema;
  if (typeof schema === 'number' && schema > RECORD_SCHEMA) {
    return `record.schema: format ${schema} is newer than this version reads (${RECORD_SCHEMA})`;
  }
  const checked = check(summarySchema, record, 'summary');
  return checked.ok ? 'summary: unknown' : checked.reason;
}

/** A record from a backup's unreadable list, read as this version would: as a header, or as a version 1 record. */
export function readKept(record: unknown, versions: readonly unknown[]): Read {
  const current = readRecords(record, versions, undefined);
  if (current.ok || versions.length > 0) return current;
  const legacy = parseLegacyRecord(record);
  return legacy.ok ? { ok: true, conversation: legacy.value } : current;
}
