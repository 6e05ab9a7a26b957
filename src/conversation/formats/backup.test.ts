import { describe, expect, it } from 'vitest';
import type { GenerationUsage } from '../../engine/protocol';
import { MODEL_CARD_SAMPLING } from '../../generation/sampling';
import type { Conversation, Exchange, ExchangeVersion } from '../conversation';
import type { AnswerState } from '../conversation';
import {
  BACKUP_FORMAT,
  checkBackupSize,
  exportBackup,
  MAX_BACKUP_BYTES,
  MAX_RECORD_DEPTH,
  nestsDeeperThan,
  parseBackup,
  type BackupErrorCode,
} from './backup';

const usage: GenerationUsage = {
  promptTokens: 20,
  completionTokens: 64,
  prefillTokensPerSecond: 210,
  decodeTokensPerSecond: 17.5,
  timeToFirstTokenMs: 140,
  totalMs: 3900,
};

const exportedAt = Date.UTC(2025, 2, 1, 9, 30);

function version(question: string, answer: string, state: AnswerState, next?: Exchange): ExchangeVersion {
  return {
    id: `${question}|${answer}`,
    question,
    askedAt: 1000,
    answer: { content: answer, createdAt: 1001, ...state },
    next,
  };
}

function cooking(): Conversation {
  const complete: AnswerState = { status: 'complete', truncated: true, usage, droppedTurns: 2 };
  const followUp: Exchange = {
    id: 'x2',
    selected: 0,
    versions: [
      version('더 짧게', '', { status: 'failed', error: { code: 'out-of-memory', message: 'GPU memory' } }),
    ],
  };
  return {
    id: 'c1',
    title: '김치찌개 끓이는 법',
    createdAt: 10,
    updatedAt: 20,
    sampling: { ...MODEL_CARD_SAMPLING, seed: 42 },
    first: {
      id: 'x1',
      selected: 1,
      versions: [
        version('김치찌개 레시피', '1. 김치를 볶습니다.', complete),
        version(
          '김치찌개 레시피 알려 줘',
          '돼지고기와 김치를…',
          { status: 'stopped', usage, droppedTurns: 0 },
          followUp,
        ),
      ],
    },
  };
}

const empty: Conversation = {
  id: 'c2',
  title: 'Empty',
  createdAt: 5,
  updatedAt: 6,
  sampling: MODEL_CARD_SAMPLING,
  first: undefined,
};

function sample(): Conversation[] {
  return [cooking(), empty];
}

/** The exported file as JSON, for a test to damage. */
function file(): Record<string, unknown> & { conversations: Record<string, unknown>[] } {
  return JSON.parse(exportBackup(sample(), { locale: 'ko', theme: 'dark' }, exportedAt)) as ReturnType<
    typeof file
  >;
}

function rejected(text: string): { code: BackupErrorCode; detail: string } {
  const result = parseBackup(text);
  if (result.ok) throw new Error('Expected the backup to be rejected.');
  return result.error;
}

describe('a backup', () => {
  it('comes back as it was exported', () => {
    const text = exportBackup(sample(), { locale: 'ko', theme: 'system' }, exportedAt);
    expect(parseBackup(text)).toEqual({
      ok: true,
      backup: {
        format: BACKUP_FORMAT,
        version: 1,
        exportedAt: '2025-03-01T09:30:00.000Z',
        conversations: sample(),
        unreadable: [],
        settings: { locale: 'ko', theme: 'system' },
      },
    });
  });

  it('keeps what this version could not read exactly as it was stored', () => {
    const unreadable = [
      {
        record: { id: 'future', schema: 9, title: '새 버전', shape: { nested: [1, 2] } },
        versions: [{ conversationId: 'future', id: 'v1', x: 1 }],
      },
      { record: { id: 7, anything: true }, versions: [] },
    ];
    const result = parseBackup(exportBackup(sample(), {}, exportedAt, unreadable));
    expect(result.ok && result.backup.unreadable).toEqual(unreadable);
  });

  it('reads a file written before versions had ids, naming each by its exchange and place', () => {
    const data = file();
    for (const conversation of data.conversations) {
      for (const exchange of conversation['exchanges'] as { versions: Record<string, unknown>[] }[]) {
        for (const version of exchange.versions) delete version['id'];
      }
    }
    const result = parseBackup(JSON.stringify(data));
    if (!result.ok) throw new Error(result.error.detail);
    const first = result.backup.conversations[0]?.first;
    expect(first?.versions.map(({ id }) => id)).toEqual(['x1#0', 'x1#1']);
    expect(first?.versions[1]?.next?.versions[0]?.id).toBe('x2#0');
  });

  it('is a marked, versioned JSON file with the known settings only', () => {
    const settings = { locale: 'en' as const, secret: 'not for the file' };
    const data = JSON.parse(exportBackup([], settings, exportedAt)) as unknown;
    expect(data).toEqual({
      format: 'hangul-llama-backup',
      version: 1,
      exportedAt: '2025-03-01T09:30:00.000Z',
      conversations: [],
      settings: { locale: 'en' },
    });
  });

  it('holds a conversation deeper than JSON can nest', () => {
    let first: Exchange | undefined;
    for (let level = 2999; level >= 0; level -= 1) {
      first = {
        id: `x${level}`,
        selected: 0,
        versions: [version(`${level}`, '답', { status: 'pending' }, first)],
      };
    }
    const long: Conversation = { ...empty, id: 'long', first };
    const result = parseBackup(exportBackup([long], {}, exportedAt));
    if (!result.ok) throw new Error(result.error.detail);
    let last: Exchange | undefined = result.backup.conversations[0]?.first;
    let depth = 0;
    for (; last?.versions[0]?.next; last = last.versions[0].next) depth += 1;
    expect(depth).toBe(2999);
    expect(last?.versions[0]?.question).toBe('2999');
  });

  it('brings answers cut off during the export back stopped and interrupted', () => {
    const streaming: Conversation = {
      ...cooking(),
      first: { id: 'x', selected: 0, versions: [version('질문', '쓰는 중', { status: 'streaming' })] },
    };
    const result = parseBackup(exportBackup([streaming], {}, exportedAt));
    expect(result.ok && result.backup.conversations[0]?.first?.versions[0]?.answer).toEqual({
      content: '쓰는 중',
      createdAt: 1001,
      status: 'stopped',
      usage: {
        promptTokens: 0,
        completionTokens: 0,
        prefillTokensPerSecond: 0,
        decodeTokensPerSecond: 0,
        timeToFirstTokenMs: 0,
        totalMs: 0,
      },
      droppedTurns: 0,
      interrupted: true,
    });
  });

  it('leaves out fields this version does not know, and reads an unknown error code as unknown', () => {
    const data = file();
    data['comment'] = 'hi';
    const exchanges = data.conversations[0]?.['exchanges'] as {
      versions: { answer: Record<string, unknown> }[];
    }[];
    const failed = exchanges[1]?.versions[0]?.answer;
    if (!failed) throw new Error('The sample has a failed answer.');
    failed['error'] = { code: 'gpu-on-fire', message: 'new in a later version' };
    failed['extra'] = true;
    const result = parseBackup(JSON.stringify(data));
    if (!result.ok) throw new Error(result.error.detail);
    const answer = result.backup.conversations[0]?.first?.versions[1]?.next?.versions[0]?.answer;
    expect(answer).toEqual({
      content: '',
      createdAt: 1001,
      status: 'failed',
      error: { code: 'unknown', message: 'new in a later version' },
    });
  });
});

describe('how deep a value nests', () => {
  it('is counted in objects and arrays, without recursion', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: null }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
    let deep: unknown = {};
    // A million levels: {} in 999,999 arrays.
    for (let level = 1; level < 1_000_000; level += 1) deep = [deep];
    expect(nestsDeeperThan(deep, 1_000_000)).toBe(false);
    expect(nestsDeeperThan(deep, 999_999)).toBe(true);
  });
});

describe('a file that is not a good backup', () => {
  it('is not JSON', () => {
    expect(rejected('PK\u0003\u0004 garbage').code).toBe('not-json');
    expect(rejected('').code).toBe('not-json');
  });

  it('is the JSON of something else', () => {
    expect(rejected('{"name":"my-notes","version":1,"notes":[]}')).toEqual({
      code: 'not-a-backup',
      detail: 'expected an object with "format": "hangul-llama-backup"',
    });
    expect(rejected('[]').code).toBe('not-a-backup');
    expect(rejected('"hangul-llama-backup"').code).toBe('not-a-backup');
    expect(rejected('null').code).toBe('not-a-backup');
  });

  it('comes from a newer version', () => {
    expect(rejected(JSON.stringify({ ...file(), version: 99 }))).toEqual({
      code: 'newer-version',
      detail: 'the backup has version 99; this version of the app reads up to 1',
    });
  });

  it('has a version or date that makes no sense', () => {
    expect(rejected(JSON.stringify({ ...file(), version: '1' })).code).toBe('invalid');
    expect(rejected(JSON.stringify({ ...file(), version: 0.5 })).code).toBe('invalid');
    expect(rejected(JSON.stringify({ ...file(), exportedAt: 'yesterday' })).detail).toBe(
      'exportedAt: expected a date and time',
    );
  });

  it('has a conversation with a field missing or of the wrong type', () => {
    const data = file();
    delete data.conversations[1]?.['title'];
    expect(rejected(JSON.stringify(data))).toEqual({
      code: 'invalid',
      detail: 'conversations[1].title: expected a string',
    });

    const wrongType = file();
    const exchanges = wrongType.conversations[0]?.['exchanges'] as { versions: Record<string, unknown>[] }[];
    const first = exchanges[0]?.versions[0];
    if (first) first['askedAt'] = '어제';
    expect(rejected(JSON.stringify(wrongType)).detail).toBe(
      'conversations[0].exchanges[0].versions[0].askedAt: expected a number',
    );
  });

  it('has an answer in a state that does not exist', () => {
    const data = file();
    const exchanges = data.conversations[0]?.['exchanges'] as {
      versions: { answer: Record<string, unknown> }[];
    }[];
    const answer = exchanges[0]?.versions[1]?.answer;
    if (answer) answer['status'] = 'done';
    expect(rejected(JSON.stringify(data)).detail).toBe(
      'conversations[0].exchanges[0].versions[1].answer.status: expected pending, streaming, complete, stopped or failed',
    );
  });

  it('has two conversations with the same id', () => {
    const data = file();
    data.conversations[1] = { ...data.conversations[1], id: 'c1' };
    expect(rejected(JSON.stringify(data))).toEqual({
      code: 'invalid',
      detail: 'conversations[1].id: "c1" appears twice',
    });
  });

  it('has exchanges that do not form a tree', () => {
    const twice = file();
    const exchanges = twice.conversations[0]?.['exchanges'] as Record<string, unknown>[];
    exchanges[1] = { ...exchanges[1], id: 'x1' };
    expect(rejected(JSON.stringify(twice)).detail).toBe(
      'conversations[0].exchanges[1].id: "x1" appears twice',
    );

    const orphan = file();
    orphan.conversations[1] = {
      ...orphan.conversations[1],
      exchanges: orphan.conversations[0]?.['exchanges'],
    };
    expect(rejected(JSON.stringify(orphan)).detail).toBe(
      'conversations[1].exchanges: exchange "x1" is not reached from first',
    );

    const dangling = file();
    dangling.conversations[0] = { ...dangling.conversations[0], first: 'nowhere' };
    expect(rejected(JSON.stringify(dangling)).detail).toBe(
      'conversations[0].first: no exchange has the id "nowhere"',
    );
  });

  it('is far too large, and is called that, not damaged', () => {
    const result = parseBackup(exportBackup(sample(), {}, exportedAt), { maxCharacters: 100 });
    expect(!result.ok && result.error.code).toBe('too-large');
  });

  it('is over the size limit, which is known before any of it is read', () => {
    expect(checkBackupSize(MAX_BACKUP_BYTES)).toBeUndefined();
    expect(checkBackupSize(100_000_000)).toEqual({
      code: 'too-large',
      detail: `the file has 100000000 bytes; a backup has at most ${MAX_BACKUP_BYTES}`,
    });
  });

  it('has a record this version cannot read whose version lacks the fields it is stored by', () => {
    const data = file();
    data['unreadable'] = [
      { record: { id: 'future', schema: 9 }, versions: [{ schema: 9, text: '키 없음' }] },
    ];
    expect(rejected(JSON.stringify(data))).toEqual({
      code: 'invalid',
      detail: 'unreadable[0].versions[0].conversationId: expected an id',
    });
    data['unreadable'] = [{ record: { id: 'future' }, versions: [{ conversationId: 'future', id: [] }] }];
    expect(rejected(JSON.stringify(data)).detail).toBe('unreadable[0].versions[0].id: expected an id');
    data['unreadable'] = [{ record: { id: 'future' }, versions: ['not a record'] }];
    expect(rejected(JSON.stringify(data)).detail).toBe('unreadable[0].versions[0]: expected an object');
  });

  it('has a version of a record this version cannot read that belongs to another conversation', () => {
    const data = file();
    data['unreadable'] = [{ record: { id: 'future' }, versions: [{ conversationId: 'c1', id: 'v1' }] }];
    expect(rejected(JSON.stringify(data)).detail).toBe(
      'unreadable[0].versions[0].conversationId: expected the record\'s id, "future"',
    );
  });

  it('has the same record this version cannot read twice', () => {
    const data = file();
    data['unreadable'] = [
      { record: { id: 7 }, versions: [] },
      { record: { id: '7' }, versions: [] },
      { record: { id: 7, other: true }, versions: [] },
    ];
    expect(rejected(JSON.stringify(data)).detail).toBe('unreadable[2].record.id: 7 appears twice');
  });

  it('has a record this version cannot read nested too deep to be stored, and says so without overflowing', () => {
    const nested = (depth: number): string => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    const withRecord = (record: string, version = '{"conversationId":"deep","id":"v"}') =>
      JSON.stringify(file()).replace(
        /}$/,
        `,"unreadable":[{"record":{"id":"deep","x":${record}},"versions":[${version}]}]}`,
      );
    expect(parseBackup(withRecord(nested(MAX_RECORD_DEPTH - 1))).ok).toBe(true);
    expect(rejected(withRecord(nested(MAX_RECORD_DEPTH)))).toEqual({
      code: 'invalid',
      detail: `unreadable[0].record: nested more than ${MAX_RECORD_DEPTH} levels deep`,
    });
    expect(rejected(withRecord(nested(20_000))).detail).toBe(
      `unreadable[0].record: nested more than ${MAX_RECORD_DEPTH} levels deep`,
    );
    const deepVersion = `{"conversationId":"deep","id":"v","x":${nested(20_000)}}`;
    expect(rejected(withRecord('1', deepVersion)).detail).toBe(
      `unreadable[0].versions[0]: nested more than ${MAX_RECORD_DEPTH} levels deep`,
    );
  });

  it('has a time no date can show', () => {
    const data = file();
    data.conversations[0] = { ...data.conversations[0], updatedAt: 1e308 };
    expect(rejected(JSON.stringify(data))).toEqual({
      code: 'invalid',
      detail: 'conversations[0].updatedAt: expected a time no later than the year 275760',
    });
  });

  it('has two versions with the same id', () => {
    const data = file();
    const exchanges = data.conversations[0]?.['exchanges'] as { versions: Record<string, unknown>[] }[];
    const second = exchanges[0]?.versions[1];
    if (second) second['id'] = exchanges[0]?.versions[0]?.['id'];
    expect(rejected(JSON.stringify(data)).detail).toMatch(
      /^conversations\[0\]\.exchanges\[0\]\.versions\[1\]\.id: ".*" appears twice$/,
    );
  });

  it('has settings this version does not offer', () => {
    expect(rejected(JSON.stringify({ ...file(), settings: { theme: 'sepia' } })).detail).toBe(
      'settings.theme: expected "light", "dark", "system" or nothing',
    );
    expect(rejected(JSON.stringify({ ...file(), settings: undefined })).detail).toBe(
      'settings: expected an object',
    );
  });
});
