import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

interface ManifestIcon {
  readonly src: string;
  readonly sizes: string;
  readonly type: string;
  readonly purpose?: string;
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(file: string): string {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

for (const dist of ['dist', 'dist-e2e']) {
  test(`the web manifest of ${dist} describes an installable Korean app`, () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'manifest.webmanifest'), 'utf8')) as Record<
      string,
      unknown
    > & { icons: ManifestIcon[] };
    expect(manifest).toMatchObject({
      name: expect.stringContaining('한글 라마'),
      short_name: '한글 라마',
      lang: 'ko',
      start_url: './',
      scope: './',
      display: 'standalone',
      theme_color: '#0f766e',
      background_color: '#fafaf9',
    });
    expect(manifest['description']).toMatch(/[가-힣]/);
    expect(manifest['id']).toBeUndefined();
    for (const icon of manifest.icons) {
      if (icon.type === 'image/png') expect(pngSize(join(dist, icon.src))).toBe(icon.sizes);
      else expect(readFileSync(join(dist, icon.src), 'utf8')).not.toMatch(/<text\b/);
    }
    const sizes = (purpose: string) =>
      manifest.icons.filter((icon) => (icon.purpose ?? 'any') === purpose).map((icon) => icon.sizes);
    expect(sizes('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(sizes('maskable')).toEqual(['512x512']);
  });
}

test('index.html links the manifest, the theme colour and the icons, all relative', () => {
  const html = readFileSync(join('dist', 'index.html'), 'utf8');
  expect(html).toContain('<link rel="manifest" href="./manifest.webmanifest">');
  expect(html).toContain('<meta name="theme-color" content="#0f766e" />');
  expect(html).toContain('<link rel="apple-touch-icon" href="./icons/apple-touch-icon.png" />');
  expect(pngSize(join('dist', 'icons', 'apple-touch-icon.png'))).toBe('180x180');
  expect(html).toContain('<link rel="icon" href="./icons/icon.svg" type="image/svg+xml" />');
});
