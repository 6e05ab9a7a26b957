// Renders the app's PNG icons from public/icons/icon.svg with Chromium, so the PNGs match the SVG exactly
// and nothing depends on an installed font (the SVG has no text). Run after changing the SVG:
//
//   npx tsx scripts/make-icons.ts
//
// and commit the PNGs it writes to public/icons/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { findChromium } from '../e2e/browser';

const folder = join(import.meta.dirname, '..', 'public', 'icons');
/** The app's teal-700, the colour of the icon's own background. */
const BACKGROUND = '#0f766e';

interface Variant {
  readonly file: string;
  readonly size: number;
  /** The SVG's share of the square; the rest is filled with its background colour. */
  readonly scale: number;
  /** A square filled to the edges (a platform cuts its own shape), or the SVG's rounded square on transparency. */
  readonly fullBleed: boolean;
}

const variants: readonly Variant[] = [
  { file: 'icon-192.png', size: 192, scale: 1, fullBleed: false },
  { file: 'icon-512.png', size: 512, scale: 1, fullBleed: false },
  // The maskable safe zone is the centred circle of 80% diameter; the drawing stays inside the SVG's own
  // inscribed circle, so at 80% it stays inside the safe zone.
  { file: 'icon-maskable-512.png', size: 512, scale: 0.8, fullBleed: true },
  // iOS rounds the corners itself and shows transparency as black.
  { file: 'apple-touch-icon.png', size: 180, scale: 0.9, fullBleed: true },
];

function pageFor(svg: string, variant: Variant): string {
  const side = Math.round(variant.size * variant.scale);
  const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return `<!doctype html><html><body style="margin:0">
    <div id="icon" style="width:${variant.size}px;height:${variant.size}px;display:grid;place-items:center;background:${variant.fullBleed ? BACKGROUND : 'transparent'}">
      <img src="${source}" width="${side}" height="${side}" alt="">
    </div></body></html>`;
}

const browser = findChromium();
if ('problem' in browser) throw new Error(browser.problem);
const chrome = await chromium.launch({ executablePath: browser.path, args: ['--no-sandbox'] });
try {
  const svg = readFileSync(join(folder, 'icon.svg'), 'utf8');
  if (/<text\b/.test(svg))
    throw new Error('icon.svg must not use text: a PNG would depend on the fonts here.');
  const page = await chrome.newPage({ deviceScaleFactor: 1 });
  for (const variant of variants) {
    await page.setViewportSize({ width: variant.size, height: variant.size });
    await page.setContent(pageFor(svg, variant));
    await page.locator('img').evaluate((image: HTMLImageElement) => image.decode());
    const png = await page.locator('#icon').screenshot({ omitBackground: !variant.fullBleed });
    writeFileSync(join(folder, variant.file), png);
    console.log(`public/icons/${variant.file} (${variant.size}×${variant.size})`);
  }
} finally {
  await chrome.close();
}
