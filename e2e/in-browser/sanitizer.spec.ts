import { build } from 'esbuild';
import { expect, test, type Page } from '@playwright/test';

/**
 * The sanitizer as the page runs it, in Chromium: jsdom has no HTML Sanitizer API, so only a real browser
 * shows that its `setHTML` path lets through exactly what the DOMPurify path does, and nothing dangerous.
 */
async function loadSanitizer(page: Page): Promise<void> {
  const bundle = await build({
    entryPoints: ['src/ui/markdown/sanitize-html.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'sanitizer',
    write: false,
    logLevel: 'silent',
  });
  await page.setContent('<!doctype html><meta charset="utf-8"><title>sanitizer</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
}

/** What the renderer of markdown-html.ts produces: all of it must come through as it is. */
const rendered = [
  '<h2>제목</h2><p>문단 <strong>굵게</strong> <em>기울임</em> <del>취소</del> <code>코드</code><br>다음 줄</p>',
  '<p><a href="https://example.com/경로?q=1" title="설명" target="_blank" rel="noopener noreferrer">링크</a> ' +
    '<a href="mailto:a@example.com" target="_blank" rel="noopener noreferrer">메일</a></p>',
  '<div class="code-block" data-code-index="3" data-language="ts"><div class="code-header"><span>ts</span>' +
    '<button class="code-copy" type="button" aria-label="코드 복사">복사</button></div><pre tabindex="0">' +
    '<code class="hljs language-ts"><span class="hljs-keyword">const</span> x = 1;\n</code></pre></div>',
  '<div class="md-table" tabindex="0"><table><thead><tr><th align="left">가</th><th align="right">나</th></tr>' +
    '</thead><tbody><tr><td align="left">1</td><td align="right">2</td></tr></tbody></table></div>',
  '<ul><li><input type="checkbox" checked="" disabled=""> 끝</li><li><input type="checkbox" disabled=""> 남음</li></ul>',
  '<ol start="3"><li>셋</li></ol><blockquote><p>인용</p></blockquote><hr>',
];

/** Markup that must never come through, each with what must be gone. */
const hostile: readonly (readonly [html: string, gone: string])[] = [
  ['<p onclick="alert(1)" style="color:red" id="x">글</p>', '[onclick], [style], [id]'],
  ['<img src=x onerror=alert(1)>', 'img'],
  ['<iframe src="https://evil.example"></iframe>', 'iframe'],
  ['<a href="javascript:alert(1)">a</a>', 'a[href]'],
  ['<a href="JaVaScRiPt:alert(1)">a</a>', 'a[href]'],
  ['<a href="data:text/html,<script>alert(1)</script>">a</a>', 'a[href]'],
  ['<a href="/relative">a</a>', 'a[href]'],
  ['<svg><script>alert(1)</script></svg><math><mi>x</mi></math>', 'svg, math, script'],
  ['<form><textarea>d</textarea><select></select></form>', 'form, textarea, select'],
  ['<script>alert(1)</script><style>p{}</style><link rel=stylesheet href=x>', 'script, style, link'],
  ['<object data=x></object><embed src=x>', 'object, embed'],
  ['<div data-evil="1" aria-hidden="true" name="x">d</div>', '[data-evil], [aria-hidden], [name]'],
  ['<template><img src=x onerror=alert(1)></template>', 'template, img'],
  ['<!-- 주석 --><p>글</p>', ''],
];

test('the browser sanitizer and DOMPurify keep the same markup, and nothing dangerous', async ({ page }) => {
  await loadSanitizer(page);
  const results = await page.evaluate(
    async ({ rendered, hostile }) => {
      const { sanitizeFragment, prepareSanitizer } = (
        window as unknown as {
          sanitizer: {
            sanitizeFragment: (html: string, options?: { native?: boolean }) => DocumentFragment;
            prepareSanitizer: (options?: { purifier?: boolean }) => Promise<void>;
          };
        }
      ).sanitizer;
      // The browser's own needs nothing loaded; DOMPurify, the other path, is loaded to compare.
      const purifierBefore = await prepareSanitizer().then(() =>
        (() => {
          try {
            sanitizeFragment('<p>x</p>', { native: false });
            return true;
          } catch {
            return false;
          }
        })(),
      );
      await prepareSanitizer({ purifier: true });
      const html = (fragment: DocumentFragment): string => {
        const holder = document.createElement('div');
        holder.append(fragment);
        return holder.innerHTML;
      };
      const both = (input: string) => ({
        native: html(sanitizeFragment(input)),
        purified: html(sanitizeFragment(input, { native: false })),
      });
      return {
        purifierBefore,
        hasNative: typeof (Element.prototype as { setHTML?: unknown }).setHTML === 'function',
        rendered: rendered.map(both),
        hostile: hostile.map(([input, gone]) => {
          const result = both(input);
          const holder = document.createElement('div');
          holder.innerHTML = result.native;
          return {
            ...result,
            leaked: gone === '' ? [] : [...holder.querySelectorAll(gone)].map((e) => e.outerHTML),
          };
        }),
        comment: html(sanitizeFragment('<!-- 주석 --><p>글</p>')),
        // A link that stays opens in a new tab that gets neither the app's window nor its address.
        link: html(sanitizeFragment('<a href="https://example.com" target="_self" rel="opener">b</a>')),
        input: html(sanitizeFragment('<input type="text" value="x" checked>')),
        button: html(sanitizeFragment('<button type="submit" class="code-copy">c</button>')),
      };
    },
    { rendered, hostile },
  );
  // This Chromium has the HTML Sanitizer API, so the first path is really the browser's own.
  expect(results.hasNative).toBe(true);
  // Where it has, DOMPurify is not even loaded: the page asks for it only in a browser without one.
  expect(results.purifierBefore).toBe(false);
  results.rendered.forEach(({ native, purified }, index) => {
    expect(native, rendered[index]).toBe(rendered[index]);
    expect(purified, rendered[index]).toBe(rendered[index]);
  });
  for (const { native, purified, leaked } of results.hostile) {
    expect(leaked).toEqual([]);
    expect(native).not.toMatch(/alert|evil|javascript|onerror|onclick|<script|<img|<iframe|<svg|<style/i);
    expect(purified).not.toMatch(/alert|evil|javascript|onerror|onclick|<script|<img|<iframe|<svg|<style/i);
  }
  expect(results.comment).toBe('<p>글</p>');
  expect(results.link).toBe('<a href="https://example.com" target="_blank" rel="noopener noreferrer">b</a>');
  expect(results.input).toBe('<input type="checkbox" checked="" disabled="">');
  expect(results.button).toBe('<button type="button" class="code-copy">c</button>');
});
