import { activePath, type Conversation, type ExchangeVersion } from '../conversation';

/** The words of the export, in the reader's language. */
export interface MarkdownLabels {
  /** Headings over questions and answers, e.g. `나` and `라마`. */
  readonly user: string;
  readonly assistant: string;
  /** Before the export date, e.g. `내보낸 때`. */
  readonly exportedAt: string;
  /** Under an answer the user stopped. */
  readonly stopped: string;
  /** Under an answer cut off by a reload or a crash. */
  readonly interrupted: string;
  /** Under an answer that failed; the error's code and message follow. */
  readonly failed: string;
}

export interface MarkdownOptions {
  readonly labels: MarkdownLabels;
  /** Milliseconds since the epoch; written as UTC so the same export always gives the same text. */
  readonly exportedAt: number;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function formatDate(time: number): string {
  const iso = new Date(time).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function samplingLine({ sampling }: Conversation): string {
  const values = [
    `temperature ${sampling.temperature}`,
    `top-k ${sampling.topK}`,
    `top-p ${sampling.topP}`,
    `repetition penalty ${sampling.repetitionPenalty}`,
    `no-repeat n-gram ${sampling.noRepeatNgramSize}`,
    `max new tokens ${sampling.maxNewTokens}`,
  ];
  if (sampling.seed !== undefined) values.push(`seed ${sampling.seed}`);
  return values.join(' · ');
}

const fenceOpening = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Closes a code block the answer left open. A stopped, failed or truncated answer often ends inside one, and
 * the open fence would turn everything after it in the file into code.
 */
function closeOpenFence(markdown: string): string {
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const fence = fenceOpening.exec(line)?.[1];
    if (fence === undefined) continue;
    if (open === undefined) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = undefined;
  }
  if (open === undefined) return markdown;
  return `${markdown}${markdown.endsWith('\n') ? '' : '\n'}${open}`;
}

/** `<` as `&lt;` outside inline code spans, whose text a reader shows as it is. */
function escapeLine(line: string): string {
  let out = '';
  for (let index = 0; index < line.length;) {
    const run = /^`+/.exec(line.slice(index))?.[0];
    if (run) {
      const close = line.indexOf(run, index + run.length);
      if (close >= 0) {
        out += line.slice(index, close + run.length);
        index = close + run.length;
        continue;
      }
      out += run;
      index += run.length;
      continue;
    }
    const char = line.charAt(index);
    out += char === '<' ? '&lt;' : char;
    index += 1;
  }
  return out;
}

/**
 * Markdown with raw HTML made inert: a reader of the exported file (an editor's preview, a static site) would
 * run or load what an answer wrote as HTML (`<img onerror>`, `<script>`). Fenced code is left as it is, since
 * readers show it as text.
 */
function escapeHtml(markdown: string): string {
  let open: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const fence = fenceOpening.exec(line)?.[1];
      if (fence !== undefined) {
        if (open === undefined) open = fence;
        else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence)
          open = undefined;
        return line;
      }
      return open === undefined ? escapeLine(line) : line;
    })
    .join('\n');
}

function note(answer: ExchangeVersion['answer'], labels: MarkdownLabels): string | undefined {
  switch (answer.status) {
    case 'stopped':
      return `> ${answer.interrupted ? labels.interrupted : labels.stopped}`;
    case 'failed':
      return `> ${labels.failed} (${answer.error.code}: ${escapeLine(oneLine(answer.error.message))})`;
    case 'pending':
    case 'streaming':
    case 'complete':
      return undefined;
  }
}

/**
 * One conversation as Markdown: its selected path, each question and answer under the role's heading. Answers
 * are Markdown already and are kept as written, except raw HTML, which is escaped (as in questions and the
 * title); stopped and failed answers get a line saying so.
 */
export function conversationToMarkdown(
  conversation: Conversation,
  { labels, exportedAt }: MarkdownOptions,
): string {
  const blocks = [
    `# ${escapeLine(oneLine(conversation.title))}`,
    `${labels.exportedAt}: ${formatDate(exportedAt)} · ${samplingLine(conversation)}`,
  ];
  for (const { version } of activePath(conversation)) {
    blocks.push(`## ${labels.user}`, escapeHtml(version.question));
    blocks.push(`## ${labels.assistant}`);
    if (version.answer.content !== '') blocks.push(closeOpenFence(escapeHtml(version.answer.content)));
    const line = note(version.answer, labels);
    if (line !== undefined) blocks.push(line);
  }
  return `${blocks.join('\n\n')}\n`;
}
