import type {
  EngineErrorInfo,
  GenerationUsage,
  LoadedModel,
  LoadProgress,
  ModelSelection,
} from '../engine/protocol';

export interface UserMessage {
  readonly id: string;
  readonly role: 'user';
  readonly content: string;
  readonly createdAt: number;
}

/** Where an answer is: still coming, finished (by the model or by the token limit), stopped, or failed. */
export type AnswerState =
  | { readonly status: 'pending' }
  | { readonly status: 'streaming' }
  | { readonly status: 'complete'; readonly truncated: boolean; readonly usage: GenerationUsage }
  | { readonly status: 'stopped'; readonly usage: GenerationUsage }
  | { readonly status: 'failed'; readonly error: EngineErrorInfo };

export type AssistantMessage = {
  readonly id: string;
  readonly role: 'assistant';
  readonly content: string;
  readonly createdAt: number;
} & AnswerState;

export type ChatMessage = UserMessage | AssistantMessage;

export type ModelStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly progress: LoadProgress | undefined }
  | { readonly kind: 'ready'; readonly model: LoadedModel }
  | { readonly kind: 'failed'; readonly error: EngineErrorInfo };

/** `submitted`: sent, no text yet; `streaming`: text is arriving; `ready`: a new message can be sent. */
export type ChatStatus = 'ready' | 'submitted' | 'streaming';

/** What `send` did with a message; anything but `sent` leaves the text with the caller. */
export type SendOutcome = 'sent' | 'empty' | 'busy' | 'model-not-ready';

export type { ModelSelection };
