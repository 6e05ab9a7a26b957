import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChatEngine } from '../engine/chat-engine';
import {
  createConversationSlice,
  type ConversationRepository,
  type ConversationSlice,
} from './conversations/conversation-slice';
import type { Schedule } from './answers/paced-text';
import type { KeyValueStorage } from './model/gpu-fit-storage';
import { createMeasureSlice, type MeasureSlice, type Versions } from './measure/measure-slice';
import { createModelSlice, type ModelSlice, type StorageAccess, type TabLock } from './model/model-slice';
import { createSharedSlice, type SharedSlice, type SharedSliceDependencies } from './shared-slice';

export type {
  ConversationRepository,
  ConversationSummary,
  ImportErrorCode,
  ImportOutcome,
  ImportReport,
  SearchHit,
  UnreadableSummary,
} from './conversations/conversation-slice';
export type { StorageAccess, TabLock } from './model/model-slice';
export type { SharedView, ShareLinkPlan } from './shared-slice';

/** Everything the UI reads and calls: the model's life, the conversations, and a conversation sent as a link. */
export type ChatState = ModelSlice & ConversationSlice & SharedSlice & MeasureSlice;

export type ChatStore = StoreApi<ChatState>;

export interface ChatStoreDependencies {
  readonly engine: ChatEngine;
  /** Absolute URL of the folder that holds `<model id>/resolve/main/…`. */
  readonly artifactsBaseUrl: string;
  readonly storage?: StorageAccess;
  readonly tabLock?: TabLock;
  readonly repository?: ConversationRepository;
  /** Where the choice of build and window and what loads showed of each GPU are kept (`localStorage`). */
  readonly fitStorage?: KeyValueStorage;
  /** The browser and its version (`navigator.userAgent`). */
  readonly browser?: string;
  /** The app's and web-llm's versions, which a measurement names. */
  readonly versions?: Versions;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly saveEveryMs?: number;
  /** When a streaming answer's waiting text is shown: at most every 100 ms (`ANSWER_UPDATE_MS`) in the app. */
  readonly schedule?: Schedule;
  /** Reads a shared link's hash: in a worker of its own in the app. */
  readonly decodeLink?: SharedSliceDependencies['decodeLink'];
}

export function createChatStore({
  now = Date.now,
  newId = () => crypto.randomUUID(),
  versions = { app: 'unknown', webLlm: 'unknown' },
  ...dependencies
}: ChatStoreDependencies): ChatStore {
  return createStore<ChatState>()((set, get, store) => ({
    // What one slice does to the other goes through these named effects, not through each other's state.
    ...createModelSlice({ ...dependencies, now, stopAnswer: () => get().stop() })(set, get, store),
    ...createConversationSlice({
      ...dependencies,
      now,
      newId,
      model: {
        // A measurement uses the model as an answer does: one at a time.
        isReady: () => get().model.kind === 'ready' && get().measurement.kind !== 'running',
        gone: (error) => set({ model: { kind: 'failed', error } }),
      },
      sharedView: { leave: () => get().closeShared() },
    })(set, get, store),
    ...createSharedSlice({
      now,
      newId,
      ...(dependencies.decodeLink ? { decodeLink: dependencies.decodeLink } : {}),
    })(set, get, store),
    ...createMeasureSlice({
      engine: dependencies.engine,
      versions,
      now,
      modelGone: (error) => set({ model: { kind: 'failed', error } }),
    })(set, get, store),
  }));
}
