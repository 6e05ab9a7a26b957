import { toErrorInfo, type LoadOptions } from '../../engine/chat-engine';
import { LoadSpeedMeter } from './load-progress';
import type { ModelSlice, TabLock } from './model-state';
import type { StoreAccess } from '../store-access';

export interface LoadTaskDependencies extends StoreAccess<Pick<ModelSlice, 'model'>> {
  readonly now: () => number;
  /** Let go when a task ends without a model. */
  readonly tabLock: TabLock | undefined;
}

/** The load (or folder import) in progress, with its progress and its cancel: one at a time. */
export interface LoadTask {
  /**
   * Runs a load-like task with progress and cancel; resolves true when it finished. A cancelled task ends
   * in idle whatever the engine answers and in whatever order: `load-cancelled`, another error the cancel
   * caused, or a model that finished loading anyway (the task unloads it).
   */
  readonly run: (task: (options: Required<LoadOptions>) => Promise<void>) => Promise<boolean>;
  /** Cancels the task in progress, if one is. */
  readonly cancel: () => void;
  /**
   * Stops the task in progress, leaving the state to the caller, and resolves once the engine has ended it:
   * a load from the cache runs on for seconds after a cancel, and unloading before it ends would leave its
   * model on the GPU.
   */
  readonly abandon: () => Promise<void>;
}

export function createLoadTask({ get, set, now, tabLock }: LoadTaskDependencies): LoadTask {
  /** The task in progress; its outcome counts only while it is still this one. */
  let current: { readonly controller: AbortController; readonly ended: Promise<void> } | undefined;

  return {
    async run(task) {
      const controller = new AbortController();
      let end = (): void => undefined;
      const mine = { controller, ended: new Promise<void>((resolve) => (end = resolve)) };
      current = mine;
      const meter = new LoadSpeedMeter(now);
      set({ model: { kind: 'loading', progress: undefined } });
      try {
        await task({
          signal: controller.signal,
          onProgress: (progress) => {
            if (current !== mine) return;
            const { model } = get();
            const attempt = model.kind === 'loading' ? model.attempt : undefined;
            set({
              model: {
                kind: 'loading',
                progress: meter.update(progress),
                ...(attempt === undefined ? {} : { attempt }),
              },
            });
          },
        });
        if (current !== mine) return false;
        if (!controller.signal.aborted) return true;
      } catch (error) {
        if (current !== mine) return false;
        if (!controller.signal.aborted) {
          tabLock?.release();
          const info = toErrorInfo(error);
          set({ model: info.code === 'load-cancelled' ? { kind: 'idle' } : { kind: 'failed', error: info } });
          return false;
        }
      } finally {
        if (current === mine) current = undefined;
        end();
      }
      tabLock?.release();
      set({ model: { kind: 'idle' } });
      return false;
    },

    cancel() {
      current?.controller.abort();
    },

    abandon() {
      const load = current;
      current = undefined;
      load?.controller.abort();
      return load?.ended ?? Promise.resolve();
    },
  };
}
