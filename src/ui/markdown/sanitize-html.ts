import DOMPurify, { type DOMPurify as Purifier } from 'dompurify';
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

let purifier: Purifier | undefined;

/**
 * A DOMPurify instance of our own, so that its hooks and its configuration do not leak into anyone else's use
 * of the library. The configuration is set once: DOMPurify would otherwise rebuild it on every call.
 */
function getPurifier(): Purifier {
  if (purifier !== undefined) return purifier;
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
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', LINK_REL);
    } else if (node instanceof HTMLInputElement) {
      // Only the task-list box survives, and it can never be changed or submitted.
      node.setAttribute('type', 'checkbox');
      node.setAttribute('disabled', '');
    } else if (node instanceof HTMLButtonElement) {
      node.setAttribute('type', 'button');
    }
  });
  purifier = instance;
  return instance;
}

/** Sanitizes HTML to the allow-list above; links open in a new tab, inputs are disabled checkboxes. */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html);
}

let inert: Document | undefined;

/**
 * {@link sanitizeHtml}, as nodes ready to insert: the HTML is parsed in a document of its own, which runs no
 * script and loads nothing, sanitized there, and never serialized and parsed again. Per streamed update this
 * saves DOMPurify a new document and the page a second parse.
 */
export function sanitizeFragment(html: string): DocumentFragment {
  inert ??= document.implementation.createHTMLDocument('');
  const holder = inert.createElement('div');
  // marked ends each block with a line break, which would show as text after the block.
  holder.innerHTML = html.trim();
  getPurifier().sanitize(holder);
  const fragment = document.createDocumentFragment();
  fragment.append(...holder.childNodes);
  return fragment;
}
