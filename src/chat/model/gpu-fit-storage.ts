import * as v from 'valibot';
import type { Quantization } from '../../engine/model-records';
import { NO_OUTCOMES, type AdapterOutcomes, type ModelChoice } from './gpu-fit';

/** The slice of `localStorage` this needs; a Map stands in for it in tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Storage that lasts as long as the page: for a store without the browser's (tests, or no localStorage). */
export function memoryStorage(): KeyValueStorage {
  const entries = new Map<string, string>();
  return {
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
    removeItem: (key) => void entries.delete(key),
  };
}

export const GPU_FIT_KEY = 'hangul-llama:gpu-fit';
export const GPU_FIT_VERSION = 1;
/** Adapters remembered at most: a laptop with two GPUs and a few browser updates, not a history. */
const MAX_ADAPTERS = 8;

const quantization = v.picklist(['q4f16_1', 'q4f32_1'] satisfies Quantization[]);
const window = v.pipe(v.number(), v.safeInteger(), v.gtValue(0));
const perBuild = v.object({ q4f16_1: v.exactOptional(window), q4f32_1: v.exactOptional(window) });

export const storedGpuFitSchema = v.object({
  version: v.literal(GPU_FIT_VERSION),
  choice: v.object({
    quantization: v.exactOptional(quantization),
    contextWindow: v.exactOptional(window),
  }),
  adapters: v.record(v.string(), v.object({ failed: perBuild, loaded: perBuild, at: v.number() })),
});

type Stored = v.InferOutput<typeof storedGpuFitSchema>;

const EMPTY: Stored = { version: GPU_FIT_VERSION, choice: {}, adapters: {} };

/**
 * The user's choice of build and window, and what loads showed on each adapter, kept in the browser (small,
 * and needed before the first load). An entry this version cannot read counts as empty: at worst the next
 * load tries the largest window again and learns it anew.
 */
export class GpuFitStorage {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number,
  ) {}

  choice(): ModelChoice {
    return this.read().choice;
  }

  outcomes(adapter: string): AdapterOutcomes {
    const found = this.read().adapters[adapter];
    return found ? { failed: found.failed, loaded: found.loaded } : NO_OUTCOMES;
  }

  setChoice(choice: ModelChoice): void {
    this.write({ ...this.read(), choice });
  }

  setOutcomes(adapter: string, outcomes: AdapterOutcomes): void {
    const stored = this.read();
    const adapters = Object.entries({
      ...stored.adapters,
      [adapter]: { ...outcomes, at: this.now() },
    })
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_ADAPTERS);
    this.write({ ...stored, adapters: Object.fromEntries(adapters) });
  }

  /** Forgets what loads showed on this adapter, so the next load tries the largest window again. */
  forget(adapter: string): void {
    const { [adapter]: _forgotten, ...adapters } = this.read().adapters;
    this.write({ ...this.read(), adapters });
  }

  private read(): Stored {
    let raw: string | null;
    try {
      raw = this.storage.getItem(GPU_FIT_KEY);
    } catch {
      // Storage refused (a privacy mode): nothing is remembered, and every load starts from the largest window.
      return EMPTY;
    }
    if (raw === null) return EMPTY;
    try {
      const parsed = v.safeParse(storedGpuFitSchema, JSON.parse(raw));
      return parsed.success ? parsed.output : EMPTY;
    } catch {
      // Not JSON (hand-edited): read as empty, and the next write replaces it.
      return EMPTY;
    }
  }

  private write(stored: Stored): void {
    try {
      this.storage.setItem(GPU_FIT_KEY, JSON.stringify(stored));
    } catch {
      // A full or refused storage: the choice holds for this page only, and the next visit learns the fit again.
    }
  }
}
