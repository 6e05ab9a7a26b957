// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareSanitizer, sanitizeFragment, sanitizeHtml } from './sanitize-html';

// jsdom has no sanitizer of its own: DOMPurify, as in a browser without one.
beforeAll(() => prepareSanitizer());

const hostile = [
  '<p onclick="alert(1)" style="color:red">글</p>',
  '<img src=x onerror=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<a href="javascript:alert(1)">a</a>',
  '<a href="https://example.com" target="_self">b</a>',
  '<input type="text" value="x">',
  '<button type="submit">c</button>',
  '<form><textarea>d</textarea></form>',
  '<script>alert(1)</script><style>p{}</style>',
  '<table><tr><td>칸</td></tr></table>',
  '<div class="code-block" data-code-index="0"><pre tabindex="0"><code class="hljs">x</code></pre></div>',
].join('');

describe('sanitizeFragment', () => {
  it('keeps exactly what sanitizeHtml keeps, as nodes of this document', () => {
    const fragment = sanitizeFragment(hostile);
    const holder = document.createElement('div');
    holder.append(fragment);
    expect(holder.innerHTML).toBe(sanitizeHtml(hostile));
    expect(holder.querySelector('script, style, img, iframe, form, textarea, [onclick], [style]')).toBeNull();
    expect(holder.querySelector('a[target="_blank"]')?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(holder.firstElementChild?.ownerDocument).toBe(document);
  });
});
