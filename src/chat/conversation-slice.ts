import type { StateCreator } from 'zustand/vanilla';
import { toErrorInfo, type ChatEngine } from '../engine/chat-engine';
import type { ChatTurn, EngineErrorCode, GenerationResult } from '../engine/protocol';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../generation/sampling';
import type { ChatState } from './chat-store';
import {
  activePath,
  addVersion,
  updateAt,
  type Conversation,
  type Exchange,
  type ExchangeVersion,
} from './conversation';
import { pacedFrames, textBatch, type Schedule } from './frame-batch';
import { exportBackup, parseBackup, type BackupSettings, type ParsedBackup } from './persistence/backup';
import { createThrottledSaver } from './persistence/throttled-saver';
import type { AnswerState, ChatMessage, ChatStatus, ComposerNotice, SendOutcome } from './types';

/** A conversation as the list shows it. */
export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: number;
  /** For search results: where the text was found. */
  readonly snippet?: string;
}

/** Where conversations are kept (IndexedDB in the app). */
export interface ConversationRepository {
  list(): Promise<readonly ConversationSummary[]>;
  get(id: string): Promise<Conversation | undefined>;
  put(conversation: Conversation): Promise<void>;
  delete(id: string): Promise<void>;
  search(text: string): Promise<readonly ConversationSummary[]>;
  all(): Promise<readonly Conversation[]>;
  replaceAll(conversations: readonly Conversation[]): Promise<void>;
}

export interface ConversationSliceDependencies {
  readonly engine: ChatEngine;
  readonly repository?: ConversationRepository;
  readonly now: () => number;
  readonly newId: () => string;
  /** How often a streaming answer is saved; a crash loses at most about this much of it. */
  readonly saveEveryMs?: number;
  readonly schedule?: Schedule;
}

export interface ConversationSlice {
  readonly conversations: readonly ConversationSummary[];
  readonly current: Conversation;
  /** The selected path of the current conversation, as messages (derived from `current`). */
  readonly messages: readonly ChatMessage[];
  readonly status: ChatStatus;
  /** This conversation's sampling values (the model card's until changed). */
  readonly sampling: SamplingParams;
  /** The text in the message box; kept here so a message the model cannot take comes back to it. */
  readonly draft: string;
  readonly notice: ComposerNotice | undefined;
  /** A conversation just deleted, until the undo offer expires. */
  readonly deleted: Conversation | undefined;
  readonly searchResults: readonly ConversationSummary[] | undefined;

  /** Writes whatever is waiting to be saved (the page is being hidden or closed). */
  readonly flushSaves: () => Promise<void>;
  /** Reads the saved conversations and opens the latest. */
  readonly restore: () => Promise<void>;
  /** Sends a user message and starts streaming its answer; anything but `sent` leaves the text unused. */
  readonly send: (text: string) => SendOutcome;
  /** Stops the answer being streamed; the text so far is kept. */
  readonly stop: () => void;
  /** A new answer to the question at `depth`; the old answer stays as a version. */
  readonly regenerate: (depth: number) => SendOutcome;
  /** The question at `depth` edited and sent again; the old question, its answer and what followed stay as a version. */
  readonly editAndResend: (depth: number, text: string) => SendOutcome;
  /** Shows another version of the exchange at `depth`. */
  readonly selectVersion: (depth: number, index: number) => void;
  readonly setDraft: (text: string) => void;
  readonly setSampling: (change: Partial<Omit<SamplingParams, 'seed'>>) => void;
  /** A seed makes answers reproducible; undefined draws a new one for every answer. */
  readonly setSeed: (seed: number | undefined) => void;
  /** Back to the model card's values (and no seed). */
  readonly resetSampling: () => void;
  readonly newConversation: () => void;
  readonly openConversation: (id: string) => Promise<void>;
  readonly renameConversation: (id: string, title: string) => Promise<void>;
  readonly deleteConversation: (id: string) => Promise<void>;
  readonly undoDelete: () => Promise<void>;
  readonly searchConversations: (query: string) => Promise<void>;
  /** Every conversation (every version) and the given settings, as a versioned JSON backup. */
  readonly exportBackup: (settings: BackupSettings) => Promise<string>;
  /**
   * Restores a backup: checked whole first, so a bad or foreign file changes nothing; then its conversations
   * are added, replacing saved ones with the same id and keeping the others.
   */
  readonly importBackup: (text: string) => Promise<ParsedBackup>;
}

/** Answers failing with these leave no usable model behind: the model must be loaded again. */
const modelGoneCodes: ReadonlySet<EngineErrorCode> = new Set(['device-lost', 'not-loaded', 'worker-failed']);

const TITLE_LENGTH = 40;

export function titleFrom(question: string): string {
  const line = question.trim().split('\n')[0] ?? '';
  const chars = Array.from(line);
  return chars.length > TITLE_LENGTH ? `${chars.slice(0, TITLE_LENGTH).join('')}…` : line;
}

/** The messages of the selected path: each exchange gives its question and the answer of the shown version. */
export function toMessages(conversation: Conversation): ChatMessage[] {
  return activePath(conversation).flatMap(({ exchange, version }, depth) => {
    const key = `${exchange.id}:${exchange.selected}`;
    const { content, createdAt, ...state } = version.answer;
    return [
      {
        id: `${key}:q`,
        role: 'user',
        content: version.question,
        createdAt: version.askedAt,
        depth,
        versionCount: exchange.versions.length,
        selectedVersion: exchange.selected,
      },
      { id: `${key}:a`, role: 'assistant', content, createdAt, depth, ...state },
    ];
  });
}

/** The turns the answer at `depth` is generated from: the exchanges above it, without failed ones. */
function turnsBefore(conversation: Conversation, depth: number): ChatTurn[] {
  return activePath(conversation)
    .slice(0, depth)
    .filter(({ version }) => version.answer.status !== 'failed')
    .flatMap(({ version }) => [
      { role: 'user' as const, content: version.question },
      { role: 'assistant' as const, content: version.answer.content },
    ]);
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

export function createConversationSlice({
  engine,
  repository,
  now,
  newId,
  saveEveryMs = 500,
  schedule = pacedFrames(),
}: ConversationSliceDependencies): StateCreator<ChatState, [], [], ConversationSlice> {
  return (set, get) => {
    // The generation in flight: which conversation and exchange it writes; events of any other are dropped.
    let generation:
      | { readonly conversationId: string; readonly depth: number; readonly controller: AbortController }
      | undefined;
    const blank = (): Conversation => ({
      id: newId(),
      title: '',
      createdAt: now(),
      updatedAt: now(),
      sampling: MODEL_CARD_SAMPLING,
      first: undefined,
    });

    /** Makes `conversation` current, with its derived messages and sampling. */
    const show = (conversation: Conversation): void =>
      set({ current: conversation, messages: toMessages(conversation), sampling: conversation.sampling });

    const refreshList = async (): Promise<void> => {
      const conversations = await repository?.list().catch(() => undefined);
      if (conversations) set({ conversations });
    };
    // The first change is written at once, later ones at most every `saveEveryMs`, always the latest.
    const saver =
      repository &&
      createThrottledSaver<Conversation>({
        save: async (conversation) => {
          await repository.put(conversation);
          await refreshList();
        },
        intervalMs: saveEveryMs,
        onError: (error) =>
          set({
            notice: { kind: 'not-saved', detail: error instanceof Error ? error.message : String(error) },
          }),
      });

    /** Saves the current conversation soon (throttled); nothing is saved before its first message. */
    function saveSoon(): void {
      const { current } = get();
      if (current.first !== undefined) saver?.schedule(current);
    }

    /** Saves the current conversation and waits for it to be written. */
    async function saveNow(): Promise<void> {
      saveSoon();
      await saver?.flush().catch(() => undefined);
    }

    const change = (update: (conversation: Conversation) => Conversation): void =>
      show({ ...update(get().current), updatedAt: now() });

    const updateAnswer = (
      depth: number,
      update: (answer: ExchangeVersion['answer']) => ExchangeVersion['answer'],
    ) =>
      change((conversation) =>
        updateAt(conversation, depth, (exchange) => {
          if (!exchange) return exchange;
          const version = exchange.versions[exchange.selected];
          if (!version) return exchange;
          return {
            ...exchange,
            versions: exchange.versions.with(exchange.selected, {
              ...version,
              answer: update(version.answer),
            }),
          };
        }),
      );

    /**
     * A message too long for the context window never joins the conversation: its exchange (or the version
     * it added) is taken back, and the text returns to the message box with a notice.
     */
    function takeBack(depth: number, question: string, detail: string): void {
      change((conversation) =>
        updateAt(conversation, depth, (exchange) => {
          if (!exchange || exchange.versions.length <= 1) return undefined;
          const versions = exchange.versions.slice(0, exchange.selected);
          return { ...exchange, versions, selected: versions.length - 1 };
        }),
      );
      set((state) => ({
        status: 'ready',
        draft: state.draft === '' ? question : state.draft,
        notice: { kind: 'too-long', detail },
      }));
    }

    async function streamAnswer(depth: number, question: string): Promise<void> {
      const conversation = get().current;
      const controller = new AbortController();
      const mine = { conversationId: conversation.id, depth, controller };
      generation = mine;
      const isCurrent = (): boolean => generation === mine;
      const turns = [...turnsBefore(conversation, depth), { role: 'user' as const, content: question }];
      const arrived = textBatch((text) => {
        if (!isCurrent()) return;
        updateAnswer(depth, ({ content, createdAt }) => ({
          content: content + text,
          createdAt,
          status: 'streaming',
        }));
        saveSoon();
      }, schedule);
      let answer: AnswerState;
      try {
        const result = await engine.generate(
          { turns, params: conversation.sampling },
          {
            signal: controller.signal,
            onDelta: (text) => {
              if (!isCurrent()) return;
              if (get().status !== 'streaming') set({ status: 'streaming' });
              arrived.push(text);
            },
          },
        );
        answer = settledState(result);
      } catch (error) {
        answer = { status: 'failed', error: toErrorInfo(error) };
      }
      arrived.flush();
      if (!isCurrent()) return;
      generation = undefined;
      if (answer.status === 'failed' && answer.error.code === 'context-window-exceeded') {
        takeBack(depth, question, answer.error.message);
        return;
      }
      updateAnswer(depth, ({ content, createdAt }) => ({ content, createdAt, ...answer }));
      set({ status: 'ready' });
      void saveNow();
      // The conversation stays; the model has to come back before the next answer.
      if (answer.status === 'failed' && modelGoneCodes.has(answer.error.code)) {
        set({ model: { kind: 'failed', error: answer.error } });
      }
    }

    /** Checks that an answer can start now. */
    function canStart(text: string): SendOutcome | undefined {
      if (text.trim() === '') return 'empty';
      if (generation) return 'busy';
      if (get().model.kind !== 'ready') return 'model-not-ready';
      return undefined;
    }

    function begin(depth: number, question: string, place: (version: ExchangeVersion) => void): SendOutcome {
      const refused = canStart(question);
      if (refused) return refused;
      const askedAt = now();
      place({
        question,
        askedAt,
        answer: { content: '', createdAt: askedAt, status: 'pending' },
        next: undefined,
      });
      set((state) => ({
        status: 'submitted',
        draft: '',
        notice: undefined,
        current:
          state.current.title === '' ? { ...state.current, title: titleFrom(question) } : state.current,
      }));
      void streamAnswer(depth, question);
      return 'sent';
    }

    const initial = blank();
    return {
      conversations: [],
      current: initial,
      messages: [],
      status: 'ready',
      sampling: initial.sampling,
      draft: '',
      notice: undefined,
      deleted: undefined,
      searchResults: undefined,

      async flushSaves() {
        await saver?.flush().catch(() => undefined);
      },

      async restore() {
        if (!repository) return;
        const conversations = await repository.list().catch(() => []);
        set({ conversations });
        const latest = conversations[0];
        if (!latest || get().current.first !== undefined) return;
        const conversation = await repository.get(latest.id).catch(() => undefined);
        if (conversation) show(conversation);
      },

      send(text) {
        const depth = activePath(get().current).length;
        return begin(depth, text, (version) => {
          const exchange: Exchange = { id: newId(), versions: [version], selected: 0 };
          change((conversation) => updateAt(conversation, depth, () => exchange));
        });
      },

      regenerate(depth) {
        const version = activePath(get().current)[depth]?.version;
        if (!version) return 'empty';
        return begin(depth, version.question, (next) =>
          change((conversation) =>
            updateAt(conversation, depth, (exchange) => exchange && addVersion(exchange, next)),
          ),
        );
      },

      editAndResend(depth, text) {
        if (!activePath(get().current)[depth]) return 'empty';
        return begin(depth, text, (next) =>
          change((conversation) =>
            updateAt(conversation, depth, (exchange) => exchange && addVersion(exchange, next)),
          ),
        );
      },

      selectVersion(depth, index) {
        if (generation) return;
        change((conversation) =>
          updateAt(conversation, depth, (exchange) =>
            exchange && index >= 0 && index < exchange.versions.length
              ? { ...exchange, selected: index }
              : exchange,
          ),
        );
        void saveNow();
      },

      stop() {
        generation?.controller.abort();
      },

      setDraft(text) {
        set({ draft: text });
      },

      setSampling(update) {
        change((conversation) => ({ ...conversation, sampling: { ...conversation.sampling, ...update } }));
        void saveNow();
      },

      setSeed(seed) {
        change((conversation) => {
          const { seed: _dropped, ...rest } = conversation.sampling;
          return { ...conversation, sampling: seed === undefined ? rest : { ...rest, seed } };
        });
        void saveNow();
      },

      resetSampling() {
        change((conversation) => ({ ...conversation, sampling: MODEL_CARD_SAMPLING }));
        void saveNow();
      },

      newConversation() {
        get().stop();
        show(blank());
        set({ draft: '', notice: undefined });
      },

      async openConversation(id) {
        if (id === get().current.id || !repository) return;
        get().stop();
        const conversation = await repository.get(id).catch(() => undefined);
        if (conversation) {
          show(conversation);
          set({ draft: '', notice: undefined });
        }
      },

      async renameConversation(id, title) {
        const trimmed = title.trim();
        if (trimmed === '') return;
        if (id === get().current.id) {
          show({ ...get().current, title: trimmed });
          await saveNow();
          return;
        }
        const conversation = await repository?.get(id).catch(() => undefined);
        if (conversation) {
          saver?.schedule({ ...conversation, title: trimmed });
          await saver?.flush().catch(() => undefined);
        }
      },

      async deleteConversation(id) {
        const conversation =
          id === get().current.id ? get().current : await repository?.get(id).catch(() => undefined);
        if (!conversation) return;
        if (id === get().current.id) {
          get().stop();
          show(blank());
        }
        // A save still waiting must not bring the conversation back.
        await saver?.discard(id);
        await repository?.delete(id).catch(() => undefined);
        const conversations =
          (await repository?.list().catch(() => undefined)) ?? get().conversations.filter((c) => c.id !== id);
        set({ deleted: conversation, conversations });
      },

      async undoDelete() {
        const { deleted } = get();
        if (!deleted) return;
        set({ deleted: undefined });
        saver?.schedule(deleted);
        await saver?.flush().catch(() => undefined);
        if (get().current.first === undefined) show(deleted);
      },

      async exportBackup(settings) {
        await saveNow();
        const conversations = (await repository?.all()) ?? (get().current.first ? [get().current] : []);
        return exportBackup(conversations, settings, now());
      },

      async importBackup(text) {
        const parsed = parseBackup(text);
        if (!parsed.ok || !repository) return parsed;
        await saver?.flush().catch(() => undefined);
        const saved = await repository.all();
        const incoming = new Set(parsed.backup.conversations.map((conversation) => conversation.id));
        await repository.replaceAll([
          ...saved.filter((conversation) => !incoming.has(conversation.id)),
          ...parsed.backup.conversations,
        ]);
        set({ conversations: await repository.list() });
        const reopened = await repository.get(get().current.id);
        if (reopened) show(reopened);
        return parsed;
      },

      async searchConversations(query) {
        if (query.trim() === '') {
          set({ searchResults: undefined });
          return;
        }
        const results = (await repository?.search(query).catch(() => [])) ?? [];
        set({ searchResults: results });
      },
    };
  };
}
