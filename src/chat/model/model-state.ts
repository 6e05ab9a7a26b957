import type { FolderFile } from '../../engine/protocol';
import type { ModelChoice } from './gpu-fit';
import type { ModelStatus, PersistenceState, PreflightState } from '../types';

/** The slice of `navigator.storage` the store uses. */
export interface StorageAccess {
  estimate(): Promise<{ quota?: number; usage?: number }>;
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
}

/** One model per browser: a lock that only one tab holds (Web Locks in the app). */
export interface TabLock {
  /** Takes the lock (stealing it from another tab when asked); false when another tab holds it. */
  acquire(options: { readonly steal: boolean }, onLost: () => void): Promise<boolean>;
  release(): void;
}

/** The model's life: the device check, loading (from a host or a folder), and who holds it. */
export interface ModelSlice {
  readonly preflight: PreflightState;
  readonly model: ModelStatus;
  readonly persistence: PersistenceState;

  /** Asks the device and the browser what they offer; downloads nothing. */
  readonly checkDevice: () => Promise<void>;
  /** Starts the device check unless one has been started: the first screen that needs it calls it. */
  readonly ensureDeviceCheck: () => void;
  readonly loadModel: () => Promise<void>;
  readonly cancelLoad: () => void;
  /** Copies a model folder from disk into the browser's cache, then loads the model from there. */
  readonly importFolder: (files: readonly FolderFile[]) => Promise<void>;
  /** Takes the model over from another tab of this browser, then loads it here. */
  readonly takeOver: () => Promise<void>;
  /** Removes the model's files from the browser's cache (unloading it first). */
  readonly deleteModelFiles: () => Promise<void>;
  /** The user's choice of build and window (unset: chosen for the device); it applies at the next load. */
  readonly modelChoice: ModelChoice;
  readonly chooseModel: (choice: ModelChoice) => void;
  /** Unloads the model and loads it again with the current choice. */
  readonly reloadModel: () => Promise<void>;
  /** Forgets what loads showed of this GPU's memory, so the next load tries the largest window again. */
  readonly forgetGpuFit: () => void;
}
