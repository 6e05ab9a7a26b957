import { createStore, type StoreApi } from 'zustand/vanilla';
import { toErrorInfo, type ChatEngine } from '../engine/chat-engine';
import { chooseModelRecord } from '../engine/model-records';
import type {
  ChatTurn,
  EngineErrorCode,
  FolderFile,
  GenerationResult,
  ModelSelection,
} from '../engine/protocol';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../generation/sampling';
import { LoadSpeedMeter } from './load-progress';
import { decidePreflight, type StorageFacts } from './preflight';
import type {
  AnswerState,
  AssistantMessage,
  ChatMessage,
  ChatStatus,
  ModelStatus,
  PersistenceState,
  PreflightState,
  SendOutcome,
  ComposerNotice,
} from './types';

export interface ChatState {
  readonly preflight: PreflightState;
  readonly model: ModelStatus;
  readonly persistence: PersistenceState;
  readonly messages: readonly ChatMessage[];
  readonly status: ChatStatus;
  /** This conversation's sampling values (the model card's until changed). */
  readonly sampling: SamplingParams;
  /** The text in the message box; kept here so a message the model cannot take comes back to it. */
  readonly draft: string;
  readonly notice: ComposerNotice | undefined;

  /** Asks the device and the browser what they offer; downloads nothing. */
  readonly checkDevice: () => Promise<void>;
  readonly loadModel: () => Promise<void>;
  readonly cancelLoad: () => void;
  /** Copies a model folder from disk into the browser's cache, then loads the model from there. */
  readonly importFolder: (files: readonly FolderFile[]) => Promise<void>;
  /** Takes the model over from another tab of this browser, then loads it here. */
  readonly takeOver: () => Promise<void>;
  /** Removes the model's files from the browser's cache (unloading it first). */
  readonly deleteModelFiles: () => Promise<void>;
  /** Sends a user message and starts streaming its answer; anything but `sent` leaves the text unused. */
  readonly send: (text: string) => SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  readonly stop: () => void;
  readonly setDraft: (text: string) => void;
  readonly setSampling: (change: Partial<Omit<SamplingParams, 'seed'>>) => void;
  /** A seed makes answers reproducible; undefined draws a new one for every answer. */
  readonly setSeed: (seed: number | undefined) => void;
  /** Back to the model card's values (and no seed). */
  readonly resetSampling: () => void;
}

export type ChatStore = StoreApi<ChatState>;

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

export interface ChatStoreDependencies {
  readonly engine: ChatEngine;
  /** Absolute URL of the folder that holds `<model id>/resolve/main/…`. */
  readonly artifactsBaseUrl: string;
  readonly storage?: StorageAccess;
  readonly tabLock?: TabLock;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** Answers failing with these leave no usable model behind: the model must be loaded again. */
const modelGoneCodes: ReadonlySet<EngineErrorCode> = new Set(['device-lost', 'not-loaded', 'worker-failed']);

/**
 * The turns an answer is generated from: the finished exchanges (stopped answers keep their partial text),
 * without an exchange whose answer failed, so the turns alternate user, assistant as the prompt needs.
 */
function toTurns(messages: readonly ChatMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  messages.forEach((message, index) => {
    const answer = messages[index + 1];
    if (message.role === 'user' && answer?.role === 'assistant' && answer.status === 'failed') return;
    if (message.role === 'assistant' && message.status === 'failed') return;
    turns.push({ role: message.role, content: message.content });
  });
  return turns;
}

function settledState(result: GenerationResult): AnswerState {
  return result.finishReason === 'aborted'
    ? { status: 'stopped', usage: result.usage, droppedTurns: result.droppedTurns }
    : {
        status: 'complete',
        truncated: result.finishReason === 'length',
        usage: result.usage,
        droppedTurns: result.droppedTurns,
      };
}

async function readStorage(storage: StorageAccess | undefined): Promise<StorageFacts> {
  if (!storage) return {};
  const noEstimate: { quota?: number; usage?: number } = {};
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => noEstimate),
    storage.persisted().catch(() => undefined),
  ]);
  return {
    ...(estimate.quota === undefined ? {} : { quotaBytes: estimate.quota }),
    ...(estimate.usage === undefined ? {} : { usageBytes: estimate.usage }),
    ...(persisted === undefined ? {} : { persisted }),
  };
}

export function createChatStore({
  engine,
  artifactsBaseUrl,
  storage,
  tabLock,
  now = Date.now,
  newId = () => crypto.randomUUID(),
}: ChatStoreDependencies): ChatStore {
  let loadController: AbortController | undefined;
  // Identifies the generation in flight; events of any other one are late and dropped.
  let generation: { readonly messageId: string; readonly controller: AbortController } | undefined;
  const selection = (modelId: string): ModelSelection => ({ modelId, artifactsBaseUrl });

  return createStore<ChatState>()((set, get) => {
    const updateAnswer = (messageId: string, update: (message: AssistantMessage) => AssistantMessage) =>
      set((state) => ({
        messages: state.messages.map((message) =>
          message.id === messageId && message.role === 'assistant' ? update(message) : message,
        ),
      }));

    async function streamAnswer(messageId: string, controller: AbortController): Promise<void> {
      const turns = toTurns(get().messages.filter((message) => message.id !== messageId));
      const isCurrent = (): boolean => generation?.messageId === messageId;
      let answer: AnswerState;
      try {
        const result = await engine.generate(
          { turns, params: get().sampling },
          {
            signal: controller.signal,
            onDelta: (text) => {
              if (!isCurrent()) return;
              if (get().status !== 'streaming') set({ status: 'streaming' });
              updateAnswer(messageId, ({ id, role, content, createdAt }) => ({
                id,
                role,
                createdAt,
                content: content + text,
                status: 'streaming',
              }));
            },
          },
        );
        answer = settledState(result);
      } catch (error) {
        answer = { status: 'failed', error: toErrorInfo(error) };
      }
      if (!isCurrent()) return;
      generation = undefined;
      if (answer.status === 'failed' && answer.error.code === 'context-window-exceeded') {
        returnToDraft(messageId, answer.error.message);
        return;
      }
      updateAnswer(messageId, ({ id, role, content, createdAt }) => ({
        id,
        role,
        content,
        createdAt,
        ...answer,
      }));
      set({ status: 'ready' });
      // The conversation stays; the model has to come back before the next answer.
      if (answer.status === 'failed' && modelGoneCodes.has(answer.error.code)) {
        set({ model: { kind: 'failed', error: answer.error } });
      }
    }

    /**
     * A message too long for the context window never joins the conversation: it goes back to the message
     * box (unless something new was typed there meanwhile) with a notice.
     */
    function returnToDraft(answerId: string, detail: string): void {
      const messages = get().messages;
      const index = messages.findIndex((message) => message.id === answerId);
      const question = messages[index - 1];
      set((state) => ({
        status: 'ready',
        messages: state.messages.filter((_, position) => position !== index && position !== index - 1),
        draft: state.draft === '' && question ? question.content : state.draft,
        notice: { kind: 'too-long', detail },
      }));
    }

    /** Another tab took the model: stop using it here, keep the conversation. */
    function onLockLost(): void {
      generation?.controller.abort();
      loadController?.abort();
      void engine.unload().catch(() => undefined);
      set({ model: { kind: 'taken-over' } });
    }

    async function load(steal: boolean): Promise<void> {
      const { preflight, model } = get();
      if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
      if (tabLock && !(await tabLock.acquire({ steal }, onLockLost))) {
        set({ model: { kind: 'elsewhere' } });
        return;
      }
      const controller = new AbortController();
      loadController = controller;
      set({ model: { kind: 'loading', progress: undefined } });
      if (storage && get().persistence === 'unknown') {
        // Asked before the download, so the browser does not evict gigabytes of weights under pressure.
        const granted = await storage.persist().catch(() => undefined);
        set({ persistence: granted === undefined ? 'unsupported' : granted ? 'granted' : 'denied' });
      }
      const meter = new LoadSpeedMeter(now);
      const target = selection(preflight.model.id);
      try {
        const loaded = await engine.load(target, {
          signal: controller.signal,
          onProgress: (progress) => {
            if (loadController === controller)
              set({ model: { kind: 'loading', progress: meter.update(progress) } });
          },
        });
        const offline = await engine.isCached(target).catch(() => false);
        if (loadController === controller) set({ model: { kind: 'ready', model: loaded, offline } });
      } catch (error) {
        if (loadController !== controller) return;
        const info = toErrorInfo(error);
        tabLock?.release();
        set({ model: info.code === 'load-cancelled' ? { kind: 'idle' } : { kind: 'failed', error: info } });
      } finally {
        if (loadController === controller) loadController = undefined;
      }
    }

    return {
      preflight: { kind: 'checking' },
      model: { kind: 'idle' },
      persistence: 'unknown',
      messages: [],
      status: 'ready',
      sampling: MODEL_CARD_SAMPLING,
      draft: '',
      notice: undefined,

      async checkDevice() {
        set({ preflight: { kind: 'checking' } });
        const [gpu, facts] = await Promise.all([
          engine.inspectDevice().catch((): { kind: 'no-webgpu' } => ({ kind: 'no-webgpu' })),
          readStorage(storage),
        ]);
        const candidate = gpu.kind === 'adapter' ? chooseModelRecord(gpu.features) : undefined;
        const cached = candidate ? await engine.isCached(selection(candidate.id)).catch(() => false) : false;
        if (facts.persisted === true) set({ persistence: 'granted' });
        set({ preflight: decidePreflight(gpu, facts, (model) => cached && model.id === candidate?.id) });
      },

      loadModel: () => load(false),

      takeOver: () => load(true),

      async importFolder(files) {
        const { preflight, model } = get();
        if (preflight.kind !== 'ready' || model.kind === 'loading' || model.kind === 'ready') return;
        const controller = new AbortController();
        loadController = controller;
        const meter = new LoadSpeedMeter(now);
        set({ model: { kind: 'loading', progress: undefined } });
        try {
          await engine.importFolder(selection(preflight.model.id), files, {
            signal: controller.signal,
            onProgress: (progress) => {
              if (loadController === controller)
                set({ model: { kind: 'loading', progress: meter.update(progress) } });
            },
          });
        } catch (error) {
          if (loadController !== controller) return;
          loadController = undefined;
          const info = toErrorInfo(error);
          set({ model: info.code === 'load-cancelled' ? { kind: 'idle' } : { kind: 'failed', error: info } });
          return;
        }
        if (loadController !== controller) return;
        loadController = undefined;
        set({ model: { kind: 'idle' } });
        await get().checkDevice();
        await load(false);
      },

      cancelLoad() {
        loadController?.abort();
      },

      async deleteModelFiles() {
        const { preflight } = get();
        if (preflight.kind !== 'ready') return;
        generation?.controller.abort();
        loadController?.abort();
        await engine.unload().catch(() => undefined);
        tabLock?.release();
        set({ model: { kind: 'idle' } });
        await engine.deleteCached(selection(preflight.model.id));
        await get().checkDevice();
      },

      send(text) {
        if (text.trim() === '') return 'empty';
        if (generation) return 'busy';
        if (get().model.kind !== 'ready') return 'model-not-ready';
        const createdAt = now();
        const answerId = newId();
        const controller = new AbortController();
        generation = { messageId: answerId, controller };
        set((state) => ({
          status: 'submitted',
          draft: '',
          notice: undefined,
          messages: [
            ...state.messages,
            { id: newId(), role: 'user', content: text, createdAt },
            { id: answerId, role: 'assistant', content: '', createdAt, status: 'pending' },
          ],
        }));
        void streamAnswer(answerId, controller);
        return 'sent';
      },

      stop() {
        generation?.controller.abort();
      },

      setDraft(text) {
        set({ draft: text });
      },

      setSampling(change) {
        set((state) => ({ sampling: { ...state.sampling, ...change } }));
      },

      setSeed(seed) {
        set((state) => {
          const { seed: _dropped, ...rest } = state.sampling;
          return { sampling: seed === undefined ? rest : { ...rest, seed } };
        });
      },

      resetSampling() {
        set({ sampling: MODEL_CARD_SAMPLING });
      },
    };
  });
}
