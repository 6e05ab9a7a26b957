import { closeRepositories, openRepository } from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { conversation, exchange, version } from '../../test/conversation-fixtures';

afterEach(closeRepositories);

describe('the summaries', () => {
  it('cuts a long preview to one line', async () => {
    const { repository } = openRepository();
    const question = `${'가'.repeat(50)}\n\n${'나'.repeat(50)}`;
    await repository.save(conversation('c', 1, exchange('a', [version(question, '답')])), undefined);
    const [summary] = (await repository.list()).summaries;
    expect(summary?.preview).toBe(`${'가'.repeat(50)} ${'나'.repeat(29)}…`);
  });
});
