import type { LoadProgress } from '../engine/protocol';

/** A load's progress as shown: the engine's report plus the measured speed and the time left. */
export interface LoadProgressView extends LoadProgress {
  /** Bytes per second over the recent window; undefined until there is enough to measure. */
  readonly bytesPerSecond?: number;
  readonly secondsLeft?: number;
}

/** How far back the speed looks, and how much it needs before it says anything. */
const WINDOW_MS = 8_000;
const MIN_SPAN_MS = 1_000;

/**
 * Measures download speed over a sliding window of progress samples. A phase change starts over, and a
 * jump backwards (a resumed download counting its cached shards again) does too, so shards already in
 * the cache never show up as a burst of speed.
 */
export class LoadSpeedMeter {
  private samples: { readonly at: number; readonly bytes: number }[] = [];
  private phase: LoadProgress['phase'] | undefined;

  constructor(private readonly now: () => number) {}

  update(progress: LoadProgress): LoadProgressView {
    const at = this.now();
    const bytes = progress.loadedBytes;
    if (bytes === undefined || progress.totalBytes === undefined) {
      this.reset(progress.phase);
      return progress;
    }
    const last = this.samples.at(-1);
    if (progress.phase !== this.phase || (last && bytes < last.bytes)) this.reset(progress.phase);
    this.samples.push({ at, bytes });
    this.samples = this.samples.filter(
      (sample, index) => index === this.samples.length - 1 || at - sample.at <= WINDOW_MS,
    );
    const first = this.samples[0];
    const span = first ? at - first.at : 0;
    if (!first || span < MIN_SPAN_MS) return progress;
    const bytesPerSecond = ((bytes - first.bytes) * 1000) / span;
    if (bytesPerSecond <= 0) return { ...progress, bytesPerSecond: 0 };
    return {
      ...progress,
      bytesPerSecond,
      secondsLeft: Math.max(progress.totalBytes - bytes, 0) / bytesPerSecond,
    };
  }

  private reset(phase: LoadProgress['phase']): void {
    this.samples = [];
    this.phase = phase;
  }
}
