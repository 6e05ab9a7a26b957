// The IndexedDB classes idb looks for as globals (`instanceof IDBRequest`), from the fake.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportBackup, MAX_BACKUP_BYTES, parseBackup } from '../../conversation/formats/backup';
import { conversationOf, version } from '../../test/conversations';
import { backupActions, type ConversationBackupDependencies } from './conversation-backup';
import { createConversationRepository } from '../persistence/conversation-repository';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
  vi.restoreAllMocks();
});

const fileOf = (text: string) => new Blob([text], { type: 'application/json' });

const shown = conversationOf('shown', [version('v1', '화면의 질문')], { title: '화면', updatedAt: 5 });
const blank = conversationOf('blank', []);

/** Backup actions whose calls to the rest of the store are written in `log`. */
function actions(dependencies: Partial<ConversationBackupDependencies> = {}) {
  const log: string[] = [];
  const backup = backupActions({
    repository: undefined,
    sync: undefined,
    now: () => Date.UTC(2025, 0, 2),
    current: () => shown,
    saveNow: () => Promise.resolve(void log.push('saved')),
    imported: () => Promise.resolve(void log.push('read again')),
    ...dependencies,
  });
  return { backup, log };
}

function stored() {
  const repository = createConversationRepository({ factory: new IDBFactory() });
  cleanups.push(() => repository.close());
  return repository;
}

const conversationsIn = (text: string) => {
  const parsed = parseBackup(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.backup.conversations.map(({ id }) => id);
};

describe('exporting a backup', () => {
  it('saves what is waiting, then writes every stored conversation, with the settings', async () => {
    const repository = stored();
    await repository.save(conversationOf('kept', [version('v', '저장된 질문')]), undefined);
    const { backup, log } = actions({ repository });
    const text = await backup.exportBackup({ theme: 'dark' });
    expect(log).toEqual(['saved']);
    expect(conversationsIn(text)).toEqual(['kept']);
    expect(parseBackup(text)).toMatchObject({
      ok: true,
      backup: { exportedAt: '2025-01-02T00:00:00.000Z', settings: { theme: 'dark' } },
    });
  });

  it('writes the conversation on screen when nothing is stored, and none before its first message', async () => {
    expect(conversationsIn(await actions().backup.exportBackup({}))).toEqual(['shown']);
    expect(conversationsIn(await actions({ current: () => blank }).backup.exportBackup({}))).toEqual([]);
  });
});

describe('importing a backup', () => {
  it('refuses a file that is not one, changing nothing', async () => {
    const { backup, log } = actions({ repository: stored() });
    expect(await backup.importBackup(fileOf('{"format":"something else"}'))).toMatchObject({
      ok: false,
      error: { code: 'not-a-backup' },
    });
    expect(await backup.importBackup(fileOf('not json'))).toMatchObject({
      ok: false,
      error: { code: 'not-json' },
    });
    expect(log).toEqual([]);
  });

  it('adds the conversations to storage, then reads again what it changed', async () => {
    const repository = stored();
    const { backup, log } = actions({ repository });
    const outcome = await backup.importBackup(fileOf(exportBackup([shown], {}, 0)));
    expect(outcome).toMatchObject({
      ok: true,
      report: { added: 1, updated: 0, kept: 0, unreadableAdded: 0, skipped: 0 },
    });
    expect(log).toEqual(['read again']);
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['shown']);
  });

  it('adds nothing without storage, and says so', async () => {
    const { backup, log } = actions();
    expect(await backup.importBackup(fileOf(exportBackup([shown], {}, 0)))).toMatchObject({
      ok: true,
      report: { added: 0, updated: 0, kept: 0, unreadableAdded: 0, skipped: 0 },
    });
    expect(log).toEqual([]);
  });

  it('refuses a file over the limit before reading any of it', async () => {
    const { backup, log } = actions({ repository: stored() });
    const file = fileOf(exportBackup([shown], {}, 0));
    Object.defineProperty(file, 'size', { value: MAX_BACKUP_BYTES + 1 });
    const read = vi.spyOn(file, 'text');
    expect(await backup.importBackup(file)).toEqual({
      ok: false,
      error: {
        code: 'too-large',
        detail: `the file has ${MAX_BACKUP_BYTES + 1} bytes; a backup has at most ${MAX_BACKUP_BYTES}`,
      },
    });
    expect(read).not.toHaveBeenCalled();
    expect(log).toEqual([]);
  });

  it('says so when the file cannot be read', async () => {
    const { backup, log } = actions({ repository: stored() });
    const file = fileOf('{}');
    vi.spyOn(file, 'text').mockRejectedValue(new DOMException('The file changed.', 'NotReadableError'));
    expect(await backup.importBackup(file)).toEqual({
      ok: false,
      error: { code: 'unreadable-file', detail: 'NotReadableError: The file changed.' },
    });
    expect(log).toEqual([]);
  });

  it.each([
    [new DOMException('The quota is exceeded.', 'QuotaExceededError'), 'storage-full'],
    [new DOMException('The transaction was aborted.', 'AbortError'), 'write-failed'],
  ] as const)('writes nothing when storage fails (%s), and says why: %s', async (error, code) => {
    const repository = stored();
    await repository.save(conversationOf('kept', [version('v', '저장된 질문')]), undefined);
    const { backup, log } = actions({ repository });
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw error;
    });
    expect(await backup.importBackup(fileOf(exportBackup([shown], {}, 0)))).toEqual({
      ok: false,
      error: { code, detail: `${error.name}: ${error.message}` },
    });
    vi.restoreAllMocks();
    expect(log).toEqual([]);
    expect((await repository.list()).summaries.map(({ id }) => id)).toEqual(['kept']);
  });
});

describe('when the backup format’s chunk cannot be fetched', () => {
  afterEach(() => {
    vi.doUnmock('../../conversation/formats/backup');
    vi.resetModules();
  });

  it('refuses an import as not loaded, having changed nothing, and an export fails instead of writing a file', async () => {
    vi.resetModules();
    vi.doMock('../../conversation/formats/backup', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const { backupActions: offline } = await import('./conversation-backup');
    const repository = stored();
    const log: string[] = [];
    const backup = offline({
      repository,
      sync: undefined,
      now: () => 0,
      current: () => shown,
      saveNow: () => Promise.resolve(void log.push('saved')),
      imported: () => Promise.resolve(void log.push('read again')),
    });
    const file = fileOf(exportBackup([conversationOf('incoming', [version('v', '가져올 질문')])], {}, 0));
    const result = await backup.importBackup(file);
    expect(result).toMatchObject({ ok: false, error: { code: 'not-loaded' } });
    expect(log).toEqual([]);
    expect(await repository.list()).toEqual({ summaries: [], unreadable: [] });
    await expect(backup.exportBackup({})).rejects.toThrow();
  });
});
