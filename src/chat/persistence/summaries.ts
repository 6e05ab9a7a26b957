import type { Conversation } from '../../conversation/conversation';
import { RECORD_SCHEMA } from '../../conversation/formats/records';
import { type SummaryRecord } from './schemas';

const PREVIEW_LENGTH = 80;

/** One line, NFC: text pasted from macOS can be decomposed Hangul, which would not match composed syllables. */
export function oneLine(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function isLowSurrogate(value: string, index: number): boolean {
  const code = value.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** `value` from `start` to `end`, widened so no emoji is cut in half, with `…` where it was cut. */
export function excerpt(value: string, start: number, end: number): string {
  const from = start > 0 && isLowSurrogate(value, start) ? start - 1 : start;
  const to = end < value.length && isLowSurrogate(value, end) ? end + 1 : end;
  return `${from > 0 ? '…' : ''}${value.slice(from, to)}${to < value.length ? '…' : ''}`;
}

/** What the list shows of a conversation: its title, when it changed, and its last question on one line. */
export function summarize(conversation: Conversation): SummaryRecord {
  let question = '';
  for (let exchange = conversation.first; exchange;) {
    const version = exchange.versions[exchange.selected];
    if (!version) break;
    question = version.question;
    exchange = version.next;
  }
  // Only the start of a long question is needed, and normalizing a 1,000,000-character one would cost.
  const line = oneLine(question.slice(0, PREVIEW_LENGTH * 4));
  return {
    schema: RECORD_SCHEMA,
    id: conversation.id,
    title: conversation.title,
    updatedAt: conversation.updatedAt,
    preview: excerpt(line, 0, Math.min(line.length, PREVIEW_LENGTH)),
  };
}
