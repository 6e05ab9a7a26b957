import { createStore, type StoreApi } from 'zustand/vanilla';
import { toErrorInfo, type ChatEngine } from '../engine/chat-engine';
import type { ChatTurn, GenerationResult } from '../engine/protocol';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../generation/sampling';
import type {
  AnswerState,
  AssistantMessage,
  ChatMessage,
  ChatStatus,
  ModelSelection,
  ModelStatus,
  SendOutcome,
} from './types';

export interface ChatState {
  readonly model: ModelStatus;
  readonly messages: readonly ChatMessage[];
  readonly status: ChatStatus;
  readonly sampling: SamplingParams;

  readonly loadModel: () => Promise<void>;
  readonly cancelLoad: () => void;
  /** Sends a user message and starts streaming its answer; anything but `sent` leaves the text unused. */
  readonly send: (text: string) => SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  readonly stop: () => void;
}

export type ChatStore = StoreApi<ChatState>;

export interface ChatStoreDependencies {
  readonly engine: ChatEngine;
  readonly model: ModelSelection;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** The turns an answer is generated from: finished exchanges, without failed answers. */
function toTurns(messages: readonly ChatMessage[]): ChatTurn[] {
  return messages
    .filter((message) => message.role === 'user' || message.status !== 'failed')
    .map((message) => ({ role: message.role, content: message.content }));
}

function settledState(result: GenerationResult): AnswerState {
  return result.finishReason === 'aborted'
    ? { status: 'stopped', usage: result.usage }
    : { status: 'complete', truncated: result.finishReason === 'length', usage: result.usage };
}

export function createChatStore({
  engine,
  model,
  now = Date.now,
  newId = () => crypto.randomUUID(),
}: ChatStoreDependencies): ChatStore {
  let loadController: AbortController | undefined;
  // Identifies the generation in flight; events of any other one are late and dropped.
  let generation: { readonly messageId: string; readonly controller: AbortController } | undefined;

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
      updateAnswer(messageId, ({ id, role, content, createdAt }) => ({
        id,
        role,
        content,
        createdAt,
        ...answer,
      }));
      set({ status: 'ready' });
    }

    return {
      model: { kind: 'idle' },
      messages: [],
      status: 'ready',
      sampling: MODEL_CARD_SAMPLING,

      async loadModel() {
        const { kind } = get().model;
        if (kind === 'loading' || kind === 'ready') return;
        const controller = new AbortController();
        loadController = controller;
        set({ model: { kind: 'loading', progress: undefined } });
        try {
          const loaded = await engine.load(model, {
            signal: controller.signal,
            onProgress: (progress) => {
              if (loadController === controller) set({ model: { kind: 'loading', progress } });
            },
          });
          if (loadController === controller) set({ model: { kind: 'ready', model: loaded } });
        } catch (error) {
          if (loadController !== controller) return;
          const info = toErrorInfo(error);
          set({ model: info.code === 'load-cancelled' ? { kind: 'idle' } : { kind: 'failed', error: info } });
        } finally {
          if (loadController === controller) loadController = undefined;
        }
      },

      cancelLoad() {
        loadController?.abort();
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
    };
  });
}
