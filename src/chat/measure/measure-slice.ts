import type { StateCreator } from 'zustand/vanilla';
import type { ConversationSlice } from '../conversations/conversation-slice';
import type { ModelSlice } from '../model/model-slice';
import { toErrorInfo, type ChatEngine } from '../../engine/chat-engine';
import { hasTrait } from '../../engine/error-codes';
import type { EngineErrorInfo, MeasureRow } from '../../engine/protocol';
import type { MeasureContext } from './measure-report';

/** The versions a measurement names: the app's and web-llm's (from the build). */
export interface Versions {
  readonly app: string;
  readonly webLlm: string;
}

export type MeasureState =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'running';
      readonly context: MeasureContext;
      readonly rows: readonly MeasureRow[];
      /** Stop was pressed; the engine ends at its next check. */
      readonly stopping: boolean;
    }
  | {
      readonly kind: 'done';
      readonly context: MeasureContext;
      readonly rows: readonly MeasureRow[];
      readonly stopped: boolean;
    }
  | {
      readonly kind: 'failed';
      readonly context: MeasureContext;
      readonly rows: readonly MeasureRow[];
      readonly error: EngineErrorInfo;
    };

export interface MeasureSlice {
  readonly measurement: MeasureState;
  /** Runs the measurement script on the loaded model; nothing of the user's is read or changed. */
  readonly measure: () => Promise<void>;
  readonly stopMeasure: () => void;
  /** Forgets the last measurement (stopping it first if it runs). */
  readonly closeMeasure: () => void;
}

export interface MeasureSliceDependencies {
  readonly engine: ChatEngine;
  readonly versions: Versions;
  readonly now: () => number;
  /** The model went away during the measurement (a lost device): the model slice's state says so. */
  readonly modelGone: (error: EngineErrorInfo) => void;
}

export function createMeasureSlice({
  engine,
  versions,
  now,
  modelGone,
}: MeasureSliceDependencies): StateCreator<
  MeasureSlice & Pick<ModelSlice, 'model' | 'preflight'> & Pick<ConversationSlice, 'status'>,
  [],
  [],
  MeasureSlice
> {
  return (set, get) => {
    let current: AbortController | undefined;

    /** Changes the measurement in progress, if it is still `controller`'s. */
    const update = (controller: AbortController, next: (state: MeasureState) => MeasureState): void => {
      if (current !== controller) return;
      set({ measurement: next(get().measurement) });
    };

    return {
      measurement: { kind: 'idle' },

      async measure() {
        const { model, preflight, status, measurement } = get();
        // One generation at a time: not while an answer is written, nor twice.
        if (model.kind !== 'ready' || status !== 'ready' || measurement.kind === 'running') return;
        const context: MeasureContext = {
          measuredAt: new Date(now()).toISOString(),
          appVersion: versions.app,
          webLlmVersion: versions.webLlm,
          engine: model.model.engine,
          gpu: preflight.kind === 'checking' || preflight.gpu.kind !== 'adapter' ? undefined : preflight.gpu,
          modelId: model.model.modelId,
          quantization: model.fit.quantization,
          contextWindow: model.model.contextWindow,
          gpuMemoryBytes: model.fit.gpuMemoryBytes,
          loadTimes: model.loadTimes,
        };
        const controller = new AbortController();
        current = controller;
        set({ measurement: { kind: 'running', context, rows: [], stopping: false } });
        const rows: MeasureRow[] = [];
        try {
          const { stopped } = await engine.measure({
            signal: controller.signal,
            onRow: (row) => {
              rows.push(row);
              update(controller, (state) =>
                state.kind === 'running' ? { ...state, rows: [...rows] } : state,
              );
            },
          });
          update(controller, () => ({ kind: 'done', context, rows: [...rows], stopped }));
        } catch (error) {
          const info = toErrorInfo(error);
          update(controller, () => ({ kind: 'failed', context, rows: [...rows], error: info }));
          if (current === controller && hasTrait(info.code, 'model-gone')) modelGone(info);
        } finally {
          if (current === controller) current = undefined;
        }
      },

      stopMeasure() {
        const controller = current;
        if (!controller) return;
        controller.abort();
        update(controller, (state) => (state.kind === 'running' ? { ...state, stopping: true } : state));
      },

      closeMeasure() {
        current?.abort();
        current = undefined;
        set({ measurement: { kind: 'idle' } });
      },
    };
  };
}
