import type { Quantization } from '../engine/model-records';
import type { EngineErrorInfo, LoadedModel } from '../engine/protocol';
import type { LoadProgressView, LoadTimes } from './model/load-progress';
import type { Preflight } from './model/preflight';

/** What the device check found: still asking, or its decision. */
export type PreflightState = { readonly kind: 'checking' } | Preflight;

/** The window a load is trying, and the larger one that just ran out of GPU memory, if one did. */
export interface LoadAttempt {
  readonly contextWindow: number;
  readonly ranOut?: number;
}

/** How the loaded model fits this device. */
export interface LoadedFit {
  readonly quantization: Quantization;
  /** The window the load asked for (the model's own may be smaller, when its build was made for less). */
  readonly contextWindow: number;
  /** The estimate of GPU memory at the loaded window. */
  readonly gpuMemoryBytes: number;
  /** The window just above, when it ran out of GPU memory (in this load or an earlier one) and this one loaded. */
  readonly reducedFrom?: number;
}

export type ModelStatus =
  | { readonly kind: 'idle' }
  /** `attempt`: absent while a folder is copied, or before the first window is tried. */
  | {
      readonly kind: 'loading';
      readonly progress: LoadProgressView | undefined;
      readonly attempt?: LoadAttempt;
    }
  /** `offline`: every file is cached, so the model loads again without the network. */
  | {
      readonly kind: 'ready';
      readonly model: LoadedModel;
      readonly offline: boolean;
      readonly fit: LoadedFit;
      /** How long the load that brought it took, by phase. */
      readonly loadTimes: LoadTimes;
    }
  | { readonly kind: 'failed'; readonly error: EngineErrorInfo }
  /** Another tab of this browser holds the model. */
  | { readonly kind: 'elsewhere' }
  /** Another tab took the model from this one. */
  | { readonly kind: 'taken-over' };

/** Whether the browser promised not to evict the cached model under storage pressure. */
export type PersistenceState = 'unknown' | 'granted' | 'denied' | 'unsupported';

/** `submitted`: sent, no text yet; `streaming`: text is arriving; `ready`: a new message can be sent. */
export type ChatStatus = 'ready' | 'submitted' | 'streaming';

/** What `send` did with a message; anything but `sent` leaves the text with the caller. */
export type SendOutcome = 'sent' | 'empty' | 'busy' | 'model-not-ready';

/** What the composer tells: of the last message it tried to send, or of a conversation it could not open. */
export type ComposerNotice =
  | { readonly kind: 'too-long'; readonly detail: string }
  /** A listed conversation's records could not be read (one damaged, say): it is kept, listed as unreadable. */
  | { readonly kind: 'unreadable'; readonly title: string };

/**
 * Why storage refused: the disk is full, a newer version of the app (open in another tab) upgraded the
 * database so this one cannot open it, or another failure.
 */
export type StorageFailure = 'full' | 'newer-version' | 'failed';

/** What storage did not do, told to the user until it is done or dismissed; what is on screen stays. */
export type StorageProblem =
  /** Changes on screen are not stored yet: they are written again by themselves, or with "try again". */
  | { readonly kind: 'not-saved'; readonly failure: StorageFailure; readonly detail: string }
  /** A conversation could not be deleted: it stays stored and listed. */
  | {
      readonly kind: 'not-deleted';
      readonly failure: StorageFailure;
      readonly detail: string;
      readonly id: string;
    }
  /** The stored conversations (the list, or one of them) could not be read. */
  | { readonly kind: 'not-read'; readonly failure: StorageFailure; readonly detail: string }
  /**
   * The browser's stored conversations were deleted under this tab (by the browser's settings, or a page of
   * this site): what is on screen here has been saved again.
   */
  | { readonly kind: 'cleared' };
