import { renderMarkdown } from './render-markdown';

/** To await before the first render: it highlights every language, as the worker does. */
export { loadAllLanguages } from './render-markdown';

/**
 * The whole answer rendered again on the page for every token: the streaming benchmark's baseline, loaded only
 * in end-to-end builds with `?markdown=naive`.
 */
export function NaiveMarkdown({ source, copyLabel }: { source: string; copyLabel: string }) {
  const html = renderMarkdown(source, { copyLabel });
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
}
