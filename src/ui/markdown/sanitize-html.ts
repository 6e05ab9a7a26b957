import type { DOMPurify as Purifier } from 'dompurify';
import { LINK_REL, SAFE_URL } from './safe-links';

/**
 * The only elements the sanitizer lets through: what the renderer of markdown-html.ts produces. Raw HTML from
 * the model never gets here as markup (the renderer escapes it), so this list is the second line of defence.
 */
export const ALLOWED_TAGS = [
  'a',
  'blockquote',
  'br',
  'button',
  'code',
  'del',
  'div',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'input',
  'li',
  'ol',
  'p',
  'pre',
  'span',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
] as const;

const ALLOWED_ATTR = [
  'align',
  'aria-label',
  'checked',
  'class',
  'data-code-index',
  'data-language',
  'disabled',
  'href',
  'rel',
  'start',
  'tabindex',
  'target',
  'title',
  'type',
];

/**
 * What no allow-list can say: a link keeps an address only if it leaves for the web or a mail client, and then
 * opens in a new tab; the task-list box can never be changed or submitted; a button never submits.
 */
function finishElement(node: Node): void {
  if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
    if (!SAFE_URL.test(node.getAttribute('href') ?? '')) {
      node.removeAttribute('href');
      return;
    }
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', LINK_REL);
  } else if (node instanceof HTMLInputElement) {
    node.setAttribute('type', 'checkbox');
    node.setAttribute('disabled', '');
  } else if (node instanceof HTMLButtonElement) {
    node.setAttribute('type', 'button');
  }
}

/** The HTML Sanitizer API's `setHTML` (Chromium 146 and later), which lib.dom does not describe yet. */
interface SanitizingElement extends Element {
  setHTML(
    html: string,
    options: {
      sanitizer: {
        elements: readonly string[];
        attributes: readonly string[];
        comments: boolean;
        dataAttributes: boolean;
      };
    },
  ): void;
}

const NATIVE_CONFIG = {
  elements: ALLOWED_TAGS,
  attributes: ALLOWED_ATTR,
  comments: false,
  dataAttributes: false,
};

const hasSetHtml = (element: Element): element is SanitizingElement =>
  typeof (element as Partial<SanitizingElement>).setHTML === 'function';

let purifier: Purifier | undefined;
let purifierLoading: Promise<void> | undefined;

/**
 * A DOMPurify instance of our own, so that its hooks and its configuration do not leak into anyone else's use
 * of the library. The configuration is set once: DOMPurify would otherwise rebuild it on every call.
 */
function createPurifier(DOMPurify: Purifier): Purifier {
  const instance = DOMPurify(window);
  instance.setConfig({
    ALLOWED_TAGS: [...ALLOWED_TAGS],
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URL,
    // DOMPurify checks every attribute against the URL pattern unless told it holds no URL; only `href` does.
    ADD_URI_SAFE_ATTR: ALLOWED_ATTR.filter((name) => name !== 'href'),
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    // Applies only to a node given to sanitize (sanitizeFragment); a string is still parsed apart.
    IN_PLACE: true,
  });
  instance.addHook('afterSanitizeAttributes', finishElement);
  return instance;
}

/**
 * Makes the sanitizer ready: a browser with a sanitizer of its own (`setHTML`) needs nothing more; any other
 * gets DOMPurify, a chunk of its own (10 KB gzip, which a shared link in Chrome need not load), as does
 * a caller that asks for it with `purifier` (to compare the two). Rejects when that chunk cannot be fetched.
 */
export function prepareSanitizer({
  purifier: wanted = !hasSetHtml(document.createElement('div')),
} = {}): Promise<void> {
  if (!wanted) return Promise.resolve();
  purifierLoading ??= import('dompurify').then((module) => {
    purifier = createPurifier(module.default);
  });
  return purifierLoading;
}

function getPurifier(): Purifier {
  if (purifier === undefined) throw new Error('The sanitizer is not ready: prepareSanitizer() comes first.');
  return purifier;
}

/**
 * The browser's own sanitizer, where there is one: it parses and filters in one pass, about twenty times
 * faster than DOMPurify on a highlighted code block (0.23 ms against 5.6 ms in Chromium 156), which a
 * streaming answer pays on every update. Its result is then finished as DOMPurify's hook finishes its own.
 */
function nativeFragment(html: string): DocumentFragment | undefined {
  const holder = document.createElement('div');
  if (!hasSetHtml(holder)) return undefined;
  // A detached element: nothing it holds can load or run, and `setHTML` removes scripts and handlers anyway.
  holder.setHTML(html, { sanitizer: NATIVE_CONFIG });
  for (const element of holder.querySelectorAll('a, input, button')) finishElement(element);
  const fragment = document.createDocumentFragment();
  fragment.append(...holder.childNodes);
  return fragment;
}

let inert: Document | undefined;

/**
 * {@link sanitizeHtml}, as nodes ready to insert, by the browser's sanitizer where it has one. Otherwise the
 * HTML is parsed in a document of its own, which runs no script and loads nothing, sanitized there by
 * DOMPurify, and never serialized and parsed again: per streamed update this saves DOMPurify a new document
 * and the page a second parse.
 */
export function sanitizeFragment(
  html: string,
  { native = true }: { native?: boolean } = {},
): DocumentFragment {
  // marked ends each block with a line break, which would show as text after the block.
  const fragment = native ? nativeFragment(html.trim()) : undefined;
  if (fragment) return fragment;
  inert ??= document.implementation.createHTMLDocument('');
  const holder = inert.createElement('div');
  holder.innerHTML = html.trim();
  getPurifier().sanitize(holder);
  const purified = document.createDocumentFragment();
  purified.append(...holder.childNodes);
  return purified;
}

/** {@link sanitizeFragment} as HTML: the allow-list above; links open in a new tab, inputs are disabled checkboxes. */
export function sanitizeHtml(html: string, options?: { native?: boolean }): string {
  const holder = document.createElement('div');
  holder.append(sanitizeFragment(html, options));
  return holder.innerHTML;
}
