import type { LoadPhase, LoadProgress } from '../../engine/protocol';

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

/** How long a load took, in all and in each of its phases (those it went through). */
export interface LoadTimes {
  readonly totalMs: number;
  readonly phases: Partial<Record<LoadPhase, number>>;
}

/**
 * Times the phases of one load from its progress reports: a phase lasts from its first report to the first
 * report of the next one (or the end of the load). web-llm goes through them in order, and never back.
 */
export class LoadTimer {
  private readonly startedAt: number;
  private readonly firstSeen: [LoadPhase, number][] = [];

  constructor(private readonly now: () => number) {
    this.startedAt = now();
  }

  update(progress: LoadProgress): void {
    if (this.firstSeen.at(-1)?.[0] !== progress.phase) this.firstSeen.push([progress.phase, this.now()]);
  }

  finish(): LoadTimes {
    const endedAt = this.now();
    const phases: Partial<Record<LoadPhase, number>> = {};
    this.firstSeen.forEach(([phase, at], index) => {
      const next = this.firstSeen[index + 1]?.[1] ?? endedAt;
      phases[phase] = (phases[phase] ?? 0) + (next - at);
    });
    return { totalMs: endedAt - this.startedAt, phases };
  }
}
