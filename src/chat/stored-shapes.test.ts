import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_LOCALES,
  BACKUP_THEMES,
  BACKUP_VERSION,
  backupFileSchema,
} from '../conversation/formats/backup';
import { headerSchema, legacyRecordSchema, versionRecordSchema } from '../conversation/formats/records';
import { SHARE_VERSION, sharedEnvelopeSchema } from '../conversation/formats/shared-link';
import { differences, shapeOf, type Shape } from '../test/schema-shape';
import { GPU_FIT_VERSION, storedGpuFitSchema } from './model/gpu-fit-storage';
import { DATABASE_VERSION, openConversationDatabase } from './persistence/database';
import { exitDeleteSchema } from './persistence/exit-writes';
import {
  searchHeadSchema,
  searchTextSchema,
  summarySchema,
  unreadableSummarySchema,
} from './persistence/schemas';
import type { SearchFilter } from './persistence/search-index';
import { localeSchema, SETTINGS_VERSION, storedSettingsSchema, themeSchema } from './settings-store';

/*
 * Every format this app leaves behind it (IndexedDB, localStorage, backup files, shared links) against the
 * shapes recorded for its version in `stored-shapes.json`. A stored shape that changes while its version
 * stays the same fails here: what an older page wrote would then be read by rules it was not written for.
 * Raise the format's version (for the database: add a step to `conversationMigrations`, which raises
 * `DATABASE_VERSION`), then record the new version's shapes with
 * `RECORD_STORED_SHAPES=1 npx vitest run src/chat/stored-shapes.test.ts`. A recorded version is never
 * written over.
 */

const RECORDED = new URL('./stored-shapes.json', import.meta.url);

type Recorded = Record<string, Record<string, Record<string, Shape>>>;

/** The database's object stores, their keys and their indexes, as an upgrade to the current version makes them. */
async function databaseStructure(): Promise<Shape> {
  const db = await openConversationDatabase(new IDBFactory());
  try {
    const names = [...db.objectStoreNames].sort();
    const transaction = db.transaction(names);
    return Object.fromEntries(
      names.map((name) => {
        const store = transaction.objectStore(name);
        const indexes = [...store.indexNames].sort().map((index) => {
          const { keyPath, unique, multiEntry } = store.index(index);
          return { name: index, keyPath, unique, multiEntry };
        });
        return [name, { keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes }];
      }),
    );
  } finally {
    db.close();
  }
}

/**
 * The stores whose values have no schema of their own (they are written and read only by this version's code,
 * rebuilt when missing), described here, each checked against the type the code uses.
 */
/** Bytes of any buffer, as the filter's type has them. */
const bytes = Uint8Array as new () => Uint8Array;
const searchFilterSchema = v.object({ id: v.string(), bits: v.instance(bytes), added: v.number() });
const staleSearchSchema = v.object({ id: v.string() });
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const filterMatches: Same<v.InferOutput<typeof searchFilterSchema>, SearchFilter> = true;

async function currentFormats(): Promise<Record<string, { version: number; shapes: Record<string, Shape> }>> {
  return {
    database: {
      version: DATABASE_VERSION,
      shapes: {
        structure: await databaseStructure(),
        conversations: [shapeOf(headerSchema), shapeOf(legacyRecordSchema)],
        versions: shapeOf(versionRecordSchema),
        exitWrites: shapeOf(versionRecordSchema),
        summaries: [shapeOf(summarySchema), shapeOf(unreadableSummarySchema)],
        search: shapeOf(searchFilterSchema),
        staleSearch: shapeOf(staleSearchSchema),
        searchHeads: shapeOf(searchHeadSchema),
        searchText: shapeOf(searchTextSchema),
        'localStorage exit writes': [shapeOf(versionRecordSchema), shapeOf(exitDeleteSchema)],
      },
    },
    'backup file': { version: BACKUP_VERSION, shapes: { file: shapeOf(backupFileSchema) } },
    'shared link': { version: SHARE_VERSION, shapes: { envelope: shapeOf(sharedEnvelopeSchema) } },
    'settings (localStorage)': {
      version: SETTINGS_VERSION,
      shapes: { settings: shapeOf(storedSettingsSchema) },
    },
    'GPU fit (localStorage)': { version: GPU_FIT_VERSION, shapes: { fit: shapeOf(storedGpuFitSchema) } },
  };
}

function readRecorded(): Recorded {
  return existsSync(RECORDED) ? (JSON.parse(readFileSync(RECORDED, 'utf8')) as Recorded) : {};
}

const formats = await currentFormats();

describe('stored shapes', () => {
  it.each(Object.entries(formats))(
    'the %s keeps the shape recorded for its version',
    (name, { version, shapes }) => {
      const recorded = readRecorded();
      const kept = recorded[name]?.[String(version)];
      if (kept === undefined && process.env['RECORD_STORED_SHAPES'] === '1') {
        recorded[name] = { ...recorded[name], [String(version)]: shapes };
        writeFileSync(RECORDED, `${JSON.stringify(recorded, null, 2)}\n`);
        return;
      }
      expect(
        kept,
        `Version ${version} of the ${name} has no recorded shapes: record them (RECORD_STORED_SHAPES=1).`,
      ).toBeDefined();
      const changed = differences(kept as Shape, shapes);
      expect(
        changed,
        `The ${name}'s stored shape changed without a new version (${version}). Raise its version (the ` +
          'database: a new step in conversationMigrations) and record the new shapes. Changed: ' +
          changed.join(', '),
      ).toEqual([]);
    },
  );

  it('records no version ahead of the code, and none of a format that no longer exists', () => {
    const recorded = readRecorded();
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(formats).sort());
    for (const [name, versions] of Object.entries(recorded)) {
      for (const version of Object.keys(versions)) {
        expect(Number(version), name).toBeLessThanOrEqual(formats[name]?.version ?? 0);
      }
    }
  });

  it('describes the stores without a schema by the types their code uses', () => {
    expect(filterMatches).toBe(true);
  });

  it('carries in a backup every language and theme the settings can hold', () => {
    expect(
      localeSchema.options.every((locale) => (BACKUP_LOCALES as readonly string[]).includes(locale)),
    ).toBe(true);
    expect(themeSchema.options.every((theme) => (BACKUP_THEMES as readonly string[]).includes(theme))).toBe(
      true,
    );
  });
});
