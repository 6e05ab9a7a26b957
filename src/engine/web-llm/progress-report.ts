import type { LoadProgress } from '../protocol';

/** web-llm's progress callback argument. */
export interface WebLlmProgressReport {
  readonly progress: number;
  readonly text: string;
}

/**
 * Turns web-llm's progress report into a phase, a fraction of that phase, and bytes. web-llm restarts
 * `progress` at 0 for each phase ("Fetching param cache[i/N]", "Loading model from cache[i/N]", "Loading
 * GPU shader modules[i/N]") and only names megabytes in the text, so bytes come from the fraction and the
 * model's known download size.
 */
export function toLoadProgress(report: WebLlmProgressReport, downloadBytes: number): LoadProgress {
  const fraction = Math.min(Math.max(Number.isFinite(report.progress) ? report.progress : 0, 0), 1);
  const bytes = { loadedBytes: Math.round(fraction * downloadBytes), totalBytes: downloadBytes };
  const { text } = report;
  if (text.startsWith('Fetching param cache')) return { phase: 'download', fraction, text, ...bytes };
  if (text.startsWith('Loading model from cache')) return { phase: 'cache', fraction, text, ...bytes };
  if (text.startsWith('Loading GPU shader modules')) return { phase: 'compile', fraction, text };
  if (text.startsWith('Finish loading')) return { phase: 'finishing', fraction: 1, text };
  return { phase: 'preparing', fraction: 0, text };
}
