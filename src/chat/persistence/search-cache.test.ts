import { closeRepositories, twoTabs } from '../../test/stored-conversations';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, trip } from '../../test/conversation-fixtures';

afterEach(closeRepositories);

describe('what search keeps between searches', () => {
  it('finds what another tab saved after this tab’s first search', async () => {
    const { a, b } = twoTabs();
    await a.save(trip(), undefined);
    expect((await b.search('한라산')).hits).toEqual([]);
    await a.save(ask(trip(), '한라산은 어디에 있나요?', 9000), trip());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await b.search('한라산')).hits.map(({ id }) => id)).toEqual(['trip']);
    await a.delete('trip');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await b.search('한라산')).hits).toEqual([]);
  });

  it('shows the title as renamed, in another tab and in this one, after a first search kept the summaries', async () => {
    const { a, b } = twoTabs();
    const first = ask(trip(), '한라산은 어디에 있나요?', 9000);
    await a.save(first, undefined);
    const titles = async (): Promise<string[]> => (await b.search('한라산')).hits.map(({ title }) => title);
    expect(await titles()).toEqual([first.title]);
    const renamed = { ...first, title: '제주 여행 계획', updatedAt: 9500 };
    await a.save(renamed, first);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await titles()).toEqual(['제주 여행 계획']);
    await b.save({ ...renamed, title: '다시 바꾼 이름', updatedAt: 9600 }, renamed);
    expect(await titles()).toEqual(['다시 바꾼 이름']);
  });
});
