import { describe, expect, it } from 'vitest';
import { MODEL_CARD_SAMPLING } from '../generation/sampling';
import type { Conversation, Exchange } from './conversation';
import { exchangesOf } from './conversation';
import { withNewIds } from './copy';

const answer = { content: '답', createdAt: 5, status: 'streaming' } as const;

/** A chain of `length` exchanges whose first has a second version with its own branch. */
function conversation(length: number): Conversation {
  let next: Exchange | undefined;
  for (let index = length - 1; index >= 1; index -= 1) {
    next = {
      id: `e${index}`,
      selected: 0,
      versions: [{ id: `v${index}`, question: `질문 ${index}`, askedAt: index, answer, next }],
    };
  }
  const branch: Exchange = {
    id: 'branch',
    selected: 0,
    versions: [{ id: 'branch-v', question: '가지', askedAt: 2, answer, next: undefined }],
  };
  return {
    id: 'c',
    title: '제목',
    createdAt: 1,
    updatedAt: 2,
    sampling: MODEL_CARD_SAMPLING,
    first: {
      id: 'e0',
      selected: 1,
      versions: [
        { id: 'v0a', question: '처음', askedAt: 0, answer, next: branch },
        { id: 'v0b', question: '고친 처음', askedAt: 0, answer, next },
      ],
    },
  };
}

function ids(value: Conversation): string[] {
  return [
    value.id,
    ...exchangesOf(value.first).flatMap(({ id, versions }) => [id, ...versions.map((version) => version.id)]),
  ];
}

describe('a copy with new ids', () => {
  it('renames the conversation, every exchange and every version, and keeps everything else', () => {
    let counter = 0;
    const original = conversation(4);
    const copy = withNewIds(original, () => `new-${++counter}`, 99);
    expect(copy.id).toMatch(/^new-/);
    expect(ids(copy).every((id) => id.startsWith('new-'))).toBe(true);
    expect(new Set(ids(copy)).size).toBe(ids(original).length);
    expect({ createdAt: copy.createdAt, updatedAt: copy.updatedAt }).toEqual({
      createdAt: 99,
      updatedAt: 99,
    });
    const strip = (value: Conversation) =>
      JSON.parse(
        JSON.stringify(value, (key, field: unknown) => (key === 'id' ? undefined : field)),
      ) as unknown;
    expect(strip({ ...copy, createdAt: 1, updatedAt: 2 })).toEqual(strip(original));
  });

  it('copies a conversation of thousands of exchanges without recursing', () => {
    const copy = withNewIds(conversation(4000), () => crypto.randomUUID(), 1);
    expect(exchangesOf(copy.first)).toHaveLength(4001);
  });
});
