import { describe, expect, it, vi } from 'vitest';
import { appLink, shareLink, type SharePlatform } from './share-link';

const data = { url: 'https://example.com/app/', title: '한글 라마', text: '설명' };

describe('appLink', () => {
  it('is the app’s folder, without query string or fragment', () => {
    expect(appLink('https://example.com/?utm=x#frag')).toBe('https://example.com/');
    expect(appLink('https://example.com/deep/nested/app/?loadMs=5')).toBe(
      'https://example.com/deep/nested/app/',
    );
    expect(appLink('https://example.com/deep/nested/app/index.html#a')).toBe(
      'https://example.com/deep/nested/app/',
    );
  });
});

describe('shareLink', () => {
  it('uses the Web Share API where there is one', async () => {
    const platform = { share: vi.fn(() => Promise.resolve()), clipboard: { writeText: vi.fn() } };
    await expect(shareLink(platform, data)).resolves.toBe('shared');
    expect(platform.share).toHaveBeenCalledWith(data);
    expect(platform.clipboard.writeText).not.toHaveBeenCalled();
  });

  it('treats a closed share sheet as a choice, not a failure', async () => {
    const platform = {
      share: () => Promise.reject(new DOMException('cancelled', 'AbortError')),
      clipboard: { writeText: vi.fn(() => Promise.resolve()) },
    };
    await expect(shareLink(platform, data)).resolves.toBe('cancelled');
    expect(platform.clipboard.writeText).not.toHaveBeenCalled();
  });

  it('copies the link when sharing is refused, cannot share a link, or does not exist', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    const refused: SharePlatform = {
      share: () => Promise.reject(new DOMException('no', 'NotAllowedError')),
      clipboard: { writeText },
    };
    const cannot: SharePlatform = { share: vi.fn(), canShare: () => false, clipboard: { writeText } };
    for (const platform of [refused, cannot, { clipboard: { writeText } }]) {
      await expect(shareLink(platform, data)).resolves.toBe('copied');
    }
    expect(writeText).toHaveBeenCalledTimes(3);
    expect(writeText).toHaveBeenCalledWith('https://example.com/app/');
    expect(cannot.share).not.toHaveBeenCalled();
  });

  it('fails when nothing works', async () => {
    await expect(shareLink({}, data)).resolves.toBe('failed');
    await expect(
      shareLink({ clipboard: { writeText: () => Promise.reject(new Error('denied')) } }, data),
    ).resolves.toBe('failed');
  });
});
