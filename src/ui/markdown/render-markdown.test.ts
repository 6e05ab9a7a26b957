// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOWED_TAGS,
  loadAllLanguages,
  parseBlocks,
  renderBlock,
  renderMarkdown,
  sanitizeHtml,
  type MarkdownDocument,
} from './render-markdown';
import { prepareSanitizer } from './sanitize-html';

// jsdom has no sanitizer of its own: DOMPurify, as in a browser without one.
beforeAll(() => prepareSanitizer());

function toDom(html: string): HTMLDivElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

const allowed = new Set<string>(ALLOWED_TAGS);

/** Fails unless every element is on the allow-list, no attribute runs script or styles, and links are safe. */
function expectInert(html: string): HTMLDivElement {
  const root = toDom(html);
  for (const element of root.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    expect(allowed.has(tag), `<${tag}> in ${html}`).toBe(true);
    for (const { name, value } of element.attributes) {
      expect(name.startsWith('on'), `${name} on <${tag}>`).toBe(false);
      expect(name).not.toBe('style');
      expect(name).not.toBe('src');
      if (name === 'href') expect(value).toMatch(/^(?:https?|mailto):/);
    }
    if (tag === 'input') {
      expect(element.getAttribute('type')).toBe('checkbox');
      expect(element.hasAttribute('disabled')).toBe(true);
    }
  }
  return root;
}

beforeAll(loadAllLanguages);

describe('renderMarkdown', () => {
  it('renders GFM: headings, emphasis, lists, task lists, strikethrough and tables', () => {
    const root = expectInert(
      renderMarkdown(
        [
          '## 요약',
          '',
          '**굵게**, *기울임*, ~~취소선~~, `인라인 코드`.',
          '',
          '1. 첫째',
          '2. 둘째',
          '   - 안쪽 항목',
          '',
          '- [x] 끝낸 일',
          '- [ ] 남은 일',
          '',
          '| 이름 | 값 |',
          '| :--- | ---: |',
          '| 가 | 1 |',
          '',
          '> 인용문입니다.',
        ].join('\n'),
      ),
    );
    expect(root.querySelector('h2')?.textContent).toBe('요약');
    expect(root.querySelector('strong')?.textContent).toBe('굵게');
    expect(root.querySelector('em')?.textContent).toBe('기울임');
    expect(root.querySelector('del')?.textContent).toBe('취소선');
    expect(root.querySelector('p > code')?.textContent).toBe('인라인 코드');
    expect([...root.querySelectorAll('ol > li')].map((li) => li.firstChild?.textContent)).toEqual([
      '첫째',
      '둘째',
    ]);
    expect(root.querySelector('ol ul > li')?.textContent).toBe('안쪽 항목');
    const boxes = [...root.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((box) => [box.checked, box.disabled, box.getAttribute('aria-label')])).toEqual([
      [true, true, '끝낸 일'],
      [false, true, '남은 일'],
    ]);
    expect(root.querySelector('.md-table > table th')?.textContent).toBe('이름');
    expect(root.querySelector('td[align="right"]')?.textContent).toBe('1');
    expect(root.querySelector('blockquote')?.textContent.trim()).toBe('인용문입니다.');
  });

  it('leaves Korean text as it is, and keeps a line break as a newline in the text', () => {
    const html = renderMarkdown('안녕하세요. 반갑습니다!\n둘째 줄입니다.');
    expect(html).toBe('<p>안녕하세요. 반갑습니다!<br>\n둘째 줄입니다.</p>');
    expect(toDom(html).textContent).toBe('안녕하세요. 반갑습니다!\n둘째 줄입니다.');
  });

  it('opens every link in a new tab without giving it the opener', () => {
    const root = expectInert(
      renderMarkdown('[예시](https://example.com/a?b=1 "제목"), <https://example.org>, www.example.net'),
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      'https://example.com/a?b=1',
      'https://example.org/',
      'http://www.example.net/',
    ]);
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(links[0]?.getAttribute('title')).toBe('제목');
  });

  it('turns images into links, so nothing is fetched from elsewhere', () => {
    const root = expectInert(
      renderMarkdown('![고양이 사진](https://example.com/cat.png) ![](https://x.test/p.gif)'),
    );
    expect(root.querySelector('img')).toBeNull();
    expect([...root.querySelectorAll('a.md-image')].map((link) => link.textContent)).toEqual([
      '고양이 사진',
      'https://x.test/p.gif',
    ]);
  });

  it.each([
    ['a script block', '<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['an image with onerror', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    [
      'a javascript: anchor',
      '<a href="javascript:alert(1)">눌러 보세요</a>',
      '<a href="javascript:alert(1)">',
    ],
    ['an iframe', '<iframe src="https://evil.example"></iframe>', '<iframe src="https://evil.example">'],
    ['a style block', '<style>body { display: none }</style>', '<style>body { display: none }</style>'],
    ['inline HTML', '글자 <b onclick="alert(1)">굵게</b> 끝', '<b onclick="alert(1)">굵게</b>'],
    ['an inline script', '앞 <script>alert("x")</script> 뒤', '<script>alert("x")</script>'],
    ['a form', '<form action="https://evil.example"><input name="q"></form>', '<input name="q">'],
    ['SVG', '<svg onload=alert(1)><circle r="1"/></svg>', '<svg onload=alert(1)>'],
    [
      'HTML in a table cell',
      '| 칸 |\n| --- |\n| <img src=x onerror=alert(1)> |',
      '<img src=x onerror=alert(1)>',
    ],
  ])('shows %s as text, never as markup', (_, source, shown) => {
    const root = expectInert(renderMarkdown(source));
    expect(root.textContent).toContain(shown);
    expect(root.querySelector('script, img, iframe, style, form, svg, b')).toBeNull();
  });

  it.each([
    ['a javascript: link', '[눌러 보세요](javascript:alert(1))', '눌러 보세요'],
    ['an entity-encoded javascript: link', '[눌러](&#106;avascript:alert(1))', '눌러'],
    ['a data: link', '[데이터](data:text/html;base64,PHNjcmlwdD4=)', '데이터'],
    ['a javascript: autolink', '<javascript:alert(1)>', 'javascript:alert(1)'],
    ['a relative link', '[설정](/settings)', '설정'],
    ['a javascript: image', '![사진](javascript:alert(1))', '사진'],
  ])('drops %s, keeping its text', (_, source, text) => {
    const root = expectInert(renderMarkdown(source));
    expect(root.querySelector('a')).toBeNull();
    expect(root.textContent).toBe(text);
  });

  it('highlights code in a registered language, with a label and a copy button', () => {
    const root = expectInert(
      renderMarkdown('```python\ndef 인사():\n    print("안녕")\n```', { copyLabel: '코드 복사' }),
    );
    const block = root.querySelector('.code-block');
    expect(block?.getAttribute('data-code-index')).toBe('0');
    expect(block?.querySelector('.code-language')?.textContent).toBe('python');
    expect(block?.querySelector('button')?.textContent).toBe('코드 복사');
    expect(block?.querySelector('button')?.getAttribute('type')).toBe('button');
    const code = block?.querySelector('pre > code');
    expect(code?.className).toBe('hljs language-python');
    expect(code?.querySelector('.hljs-keyword')?.textContent).toBe('def');
    expect(code?.querySelector('.hljs-string')?.textContent).toBe('"안녕"');
    expect(code?.textContent).toBe('def 인사():\n    print("안녕")');
  });

  it.each([
    'ts',
    'js',
    'sh',
    'bash',
    'json',
    'html',
    'css',
    'java',
    'c',
    'cpp',
    'go',
    'rust',
    'sql',
    'yaml',
    'kotlin',
    'swift',
    'md',
  ])('knows %s', (language) => {
    const code = toDom(renderMarkdown(`\`\`\`${language}\nx\n\`\`\``)).querySelector('code');
    expect(code?.classList.contains('hljs')).toBe(true);
  });

  it('leaves code in an unknown language plain, and escaped', () => {
    const root = expectInert(renderMarkdown('```brainfudge\n<b>굵게</b> & ++>\n```'));
    const code = root.querySelector('pre > code');
    expect(code?.innerHTML).toBe('&lt;b&gt;굵게&lt;/b&gt; &amp; ++&gt;');
    expect(code?.hasAttribute('class')).toBe(false);
    expect(root.querySelector('.code-language')?.textContent).toBe('brainfudge');
  });

  it('has no copy button unless given its label, and numbers code blocks from firstCodeIndex', () => {
    const html = renderMarkdown('```\na\n```\n\n```\nb\n```', { firstCodeIndex: 4 });
    const root = toDom(html);
    expect(root.querySelector('button')).toBeNull();
    expect(
      [...root.querySelectorAll('.code-block')].map((block) => block.getAttribute('data-code-index')),
    ).toEqual(['4', '5']);
  });
});

describe('sanitizeHtml, the second line of defence', () => {
  it('removes what is not on the allow-list, even when given raw HTML', () => {
    const html = sanitizeHtml(
      [
        '<p onclick="alert(1)" style="color:red">글</p>',
        '<img src=x onerror=alert(1)>',
        '<iframe src="https://evil.example"></iframe>',
        '<a href="javascript:alert(1)">a</a>',
        '<a href="https://example.com" target="_self">b</a>',
        '<input type="text" value="x">',
        '<button type="submit">c</button>',
        '<form><textarea>d</textarea></form>',
        '<script>alert(1)</script><style>p{}</style>',
      ].join(''),
    );
    const root = expectInert(html);
    expect(root.querySelector('script, style, img, iframe, form, textarea')).toBeNull();
    const links = [...root.querySelectorAll('a')];
    expect(links[0]?.hasAttribute('href')).toBe(false);
    expect(links[1]?.getAttribute('target')).toBe('_blank');
    expect(links[1]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(root.querySelector('button')?.getAttribute('type')).toBe('button');
  });
});

describe('parseBlocks', () => {
  const document = [
    '# 제목',
    '',
    '첫 단락입니다.',
    '',
    '1. 하나',
    '',
    '2. 둘',
    '',
    '- 가',
    '- 나',
    '',
    '  이어지는 글',
    '',
    '```ts',
    'const a = 1;',
    '',
    'const b = 2;',
    '```',
    '',
    '| a | b |',
    '| - | - |',
    '| 1 | 2 |',
    '',
    '> 인용',
    '> 계속',
    '',
    '제목 아래줄',
    '---',
    '',
    '<div>',
    '',
    '끝.',
  ].join('\n');

  it('gives the same blocks as lexing the whole text, however the text grew', () => {
    const summary = (parsed: MarkdownDocument) =>
      parsed.blocks.map((block) => [block.source, block.firstCodeIndex]);
    let previous: MarkdownDocument | undefined;
    for (let end = 1; end <= document.length; end += 1) {
      const text = document.slice(0, end);
      const grown = parseBlocks(text, previous);
      expect(summary(grown), JSON.stringify(text)).toEqual(summary(parseBlocks(text)));
      previous = grown;
    }
    const whole = parseBlocks(document);
    expect(previous?.blocks.map((block) => renderBlock(block))).toEqual(
      whole.blocks.map((block) => renderBlock(block)),
    );
  }, 20_000);

  it('reuses the blocks before the last blank lines', () => {
    const before = parseBlocks('첫째\n\n둘째\n\n셋째');
    const after = parseBlocks('첫째\n\n둘째\n\n셋째 문장', before);
    expect(after.blocks[0]).toBe(before.blocks[0]);
    expect(after.blocks.map((block) => block.source)).toEqual(['첫째', '둘째', '셋째 문장']);
  });

  it('numbers code blocks across the document', () => {
    const parsed = parseBlocks('```\na\n```\n\n> ```\n> b\n> ```\n\n- ```\n  c\n  ```\n\n```\nd\n```');
    expect(parsed.blocks.map((block) => block.firstCodeIndex)).toEqual([0, 1, 2, 3]);
  });

  it('lexes the whole text again when a link definition appears, since it can change any block', () => {
    const firstLink = (parsed: MarkdownDocument): Element | null => {
      const [block] = parsed.blocks;
      return block === undefined ? null : toDom(renderBlock(block)).querySelector('a');
    };
    const before = parseBlocks('[문서]를 보세요.\n\n다음');
    expect(firstLink(before)).toBeNull();
    const after = parseBlocks('[문서]를 보세요.\n\n다음\n\n[문서]: https://example.com/docs', before);
    expect(after.linksKey).not.toBe(before.linksKey);
    expect(firstLink(after)?.getAttribute('href')).toBe('https://example.com/docs');
  });
});
