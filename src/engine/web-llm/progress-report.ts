import type { LoadPhase, LoadProgress } from '../protocol';

/** web-llm's progress callback argument. */
export interface WebLlmProgressReport {
  readonly progress: number;
  readonly text: string;
}

/** The real sizes of what a load fetches, read once web-llm has them in its cache. */
export interface DownloadTotal {
  /** The sum of the shards' `nbytes` in `tensor-cache.json`: the total web-llm's fraction is of. */
  readonly shardBytes: number;
  /** The model library's size; 0 when web-llm fetched it without caching it (a host on localhost). */
  readonly libraryBytes: number;
}

/**
 * The shards' total from a `tensor-cache.json`, or undefined when it is not a weights index with sizes.
 * web-llm sums the same `nbytes` fields ("totalBytes += list[i].nbytes;" in tvmjs's fetchTensorCacheInternal).
 */
export function shardBytesOf(manifest: unknown): number | undefined {
  const records = (manifest as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) return undefined;
  let total = 0;
  for (const record of records) {
    const nbytes = (record as { nbytes?: unknown } | null)?.nbytes;
    if (typeof nbytes !== 'number' || !Number.isSafeInteger(nbytes) || nbytes < 0) return undefined;
    total += nbytes;
  }
  return total;
}

function phaseOf(text: string): LoadPhase {
  if (text.startsWith('Fetching param cache')) return 'download';
  if (text.startsWith('Loading model from cache')) return 'cache';
  if (text.startsWith('Loading GPU shader modules')) return 'compile';
  if (text.startsWith('Finish loading')) return 'finishing';
  return 'preparing';
}

/**
 * Turns web-llm's progress report into a phase, a fraction of that phase, and bytes. web-llm restarts
 * `progress` at 0 for each phase ("Fetching param cache[i/N]", "Loading model from cache[i/N]", "Loading
 * GPU shader modules[i/N]") and only names megabytes in the text; its fraction is of the shards' total in
 * `tensor-cache.json`, so bytes come from that total. The download also counts the library, which web-llm
 * fetched before the first shard and leaves out of its fraction. Without the total there are no bytes: the
 * model record's estimate is for before the download (the storage check), never for its progress.
 */
export function toLoadProgress(report: WebLlmProgressReport, total: DownloadTotal | undefined): LoadProgress {
  const fraction = Math.min(Math.max(Number.isFinite(report.progress) ? report.progress : 0, 0), 1);
  const { text } = report;
  const phase = phaseOf(text);
  switch (phase) {
    case 'download': {
      if (!total) return { phase, fraction, text };
      const totalBytes = total.libraryBytes + total.shardBytes;
      const loadedBytes = total.libraryBytes + Math.round(fraction * total.shardBytes);
      return {
        phase,
        fraction: totalBytes > 0 ? loadedBytes / totalBytes : fraction,
        loadedBytes,
        totalBytes,
        text,
      };
    }
    case 'cache':
      return total
        ? {
            phase,
            fraction,
            loadedBytes: Math.round(fraction * total.shardBytes),
            totalBytes: total.shardBytes,
            text,
          }
        : { phase, fraction, text };
    case 'compile':
      return { phase, fraction, text };
    case 'finishing':
      return { phase, fraction: 1, text };
    default:
      return { phase, fraction: 0, text };
  }
}

/**
 * Passes web-llm's reports on in order, with bytes. web-llm reports synchronously, but the total is read
 * from Cache Storage: it is there from the first report on (web-llm fetches `tensor-cache.json` and the
 * library before it reports anything), so the first report starts the read and every report waits for it.
 */
export class LoadProgressRelay {
  private total: Promise<DownloadTotal | undefined> | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly readTotal: () => Promise<DownloadTotal | undefined>,
    private readonly emit: (progress: LoadProgress) => void,
  ) {}

  report(report: WebLlmProgressReport): void {
    this.total ??= this.readTotal().catch(() => undefined); // No total: progress shows bytes without a percentage.
    const total = this.total;
    this.queue = this.queue.then(async () => {
      const progress = toLoadProgress(report, await total);
      try {
        this.emit(progress);
      } catch {
        // A listener's failure must not stop the reports after it.
      }
    });
  }

  /** Resolves once every report so far has been passed on. */
  flushed(): Promise<void> {
    return this.queue;
  }
}
