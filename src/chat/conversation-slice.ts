import type { StateCreator } from 'zustand/vanilla';
import type { ChatEngine } from '../engine/chat-engine';
import type { EngineErrorInfo } from '../engine/protocol';
import { MODEL_CARD_SAMPLING, type SamplingParams } from '../generation/sampling';
import { activePath, updateAt, type Conversation } from '../conversation/conversation';
import { createConversationSync } from './conversation-sync';
import { paced, type Schedule } from './paced-text';
import { keepUnchanged, toMessages } from '../conversation/messages';
import { createGeneration } from './generation';
import { withLiveAnswer } from './live-answer';
import {
  exportBackup,
  parseBackup,
  type BackupError,
  type Backup,
  type BackupSettings,
} from '../conversation/formats/backup';
import type { ConversationRepository, ImportReport } from './persistence/repository-types';
import { newestFirst } from './persistence/records';
import type { ConversationSummary, UnreadableSummary } from './persistence/schemas';
import type { SearchHit } from './persistence/search-index';
import type { ChatMessage } from '../conversation/messages';
import type { ChatStatus, ComposerNotice, SendOutcome } from './types';

export { titleFrom } from './answer-request';
export type { ConversationSummary, UnreadableSummary } from './persistence/schemas';
export type { SearchHit } from './persistence/search-index';

export type { ConversationRepository, ImportReport } from './persistence/repository-types';

/** What an import did: refused (nothing changed), or what it added, replaced and kept. */
export type ImportOutcome =
  | { readonly ok: false; readonly error: BackupError }
  | { readonly ok: true; readonly backup: Backup; readonly report: ImportReport };

/** What the conversation slice does to the model slice, named. */
export interface ModelEffects {
  readonly isReady: () => boolean;
  /** An answer failed in a way that took the model with it. */
  readonly gone: (error: EngineErrorInfo) => void;
}

/** What the conversation slice does to the shared-conversation view (the shared slice), named. */
export interface SharedViewEffects {
  /** The user went to one of their own conversations: a shared one on screen gives way. */
  readonly leave: () => void;
}

export interface ConversationSliceDependencies {
  readonly engine: ChatEngine;
  readonly repository?: ConversationRepository;
  readonly now: () => number;
  readonly newId: () => string;
  readonly model: ModelEffects;
  readonly sharedView: SharedViewEffects;
  /** How often a streaming answer is saved; a crash loses at most about this much of it. */
  readonly saveEveryMs?: number;
  readonly schedule?: Schedule;
}

export interface ConversationSlice {
  readonly conversations: readonly ConversationSummary[];
  /** Stored conversations this version cannot read: kept, counted in the list, included in a full backup. */
  readonly unreadable: readonly UnreadableSummary[];
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
  readonly searchResults: readonly SearchHit[] | undefined;
  /** The search stopped at its limit: more conversations may hold the text. */
  readonly searchMore: boolean;

  /** Writes whatever is waiting to be saved (the page is being hidden). */
  readonly flushSaves: () => Promise<void>;
  /** Starts writing the answer being streamed before returning: the page is being closed. */
  readonly saveAtExit: () => void;
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
  /**
   * Stores a conversation that is not yet stored (its id new to this browser, a shared one saved with new ids)
   * and opens it.
   */
  readonly addConversation: (conversation: Conversation) => Promise<void>;
  readonly renameConversation: (id: string, title: string) => Promise<void>;
  readonly deleteConversation: (id: string) => Promise<void>;
  readonly undoDelete: () => Promise<void>;
  readonly searchConversations: (query: string) => Promise<void>;
  /** Every conversation (every version), what cannot be read as it is, and the settings: a JSON backup. */
  readonly exportBackup: (settings: BackupSettings) => Promise<string>;
  /**
   * Restores a backup: checked whole first, so a bad or foreign file changes nothing; then its conversations
   * are added, a stored one with the same id replaced only by a newer copy. Nothing stored is deleted.
   */
  readonly importBackup: (text: string) => Promise<ImportOutcome>;
}

/** How old the newest entry's time in the list may grow while its conversation is saved again and again. */
const LIST_TIME_STEP_MS = 60_000;

export function createConversationSlice({
  engine,
  repository,
  now,
  newId,
  model,
  sharedView,
  saveEveryMs = 500,
  schedule = paced(),
}: ConversationSliceDependencies): StateCreator<ConversationSlice> {
  return (set, get) => {
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
      set((state) => ({
        current: conversation,
        messages: keepUnchanged(state.messages, toMessages(conversation)),
        sampling: conversation.sampling,
      }));

    /**
     * Puts a saved conversation's entry in the list, newest first, without reading the list again. The newest
     * entry, saved again within a minute with the same title and question (a streaming answer is saved twice a
     * second), is left as it is: it sorts and reads the same, and a list of a thousand entries is not rendered
     * again for each save.
     */
    const listed = (summary: ConversationSummary): void =>
      set((state) => {
        const [newest] = state.conversations;
        if (
          newest?.id === summary.id &&
          newest.title === summary.title &&
          newest.preview === summary.preview &&
          summary.updatedAt >= newest.updatedAt &&
          summary.updatedAt - newest.updatedAt < LIST_TIME_STEP_MS
        )
          return state;
        return {
          conversations: [...state.conversations.filter(({ id }) => id !== summary.id), summary].sort(
            newestFirst,
          ),
        };
      });
    const unlisted = (id: string): void =>
      set((state) => ({ conversations: state.conversations.filter((summary) => summary.id !== id) }));

    const refreshList = async (): Promise<void> => {
      const list = await repository?.list().catch(() => undefined);
      if (list) set({ conversations: list.summaries, unreadable: list.unreadable });
    };

    const sync =
      repository &&
      createConversationSync({
        repository,
        intervalMs: saveEveryMs,
        onSaved: listed,
        onRemoved: unlisted,
        onDeletedElsewhere: (id) => {
          unlisted(id);
          if (get().current.id === id) closeCurrent();
        },
        onError: (error) =>
          set({
            notice: { kind: 'not-saved', detail: error instanceof Error ? error.message : String(error) },
          }),
      });

    /** Counts this tab's own changes (not an answer's growth): a read of another tab's change waits for them. */
    let edits = 0;

    /** Saves the current conversation soon (throttled); nothing is saved before its first message. */
    const saveSoon = (): void => sync?.schedule(get().current);

    /** Saves the current conversation and waits for it to be written. */
    async function saveNow(): Promise<void> {
      saveSoon();
      await sync?.flush().catch(() => undefined);
    }

    function change(
      update: (conversation: Conversation) => Conversation,
      { save, stream = false }: { readonly save: 'soon' | 'now' | 'none'; readonly stream?: boolean },
    ): void {
      if (!stream) edits += 1;
      show({ ...update(get().current), updatedAt: now() });
      if (save === 'soon') saveSoon();
      else if (save === 'now') void saveNow();
    }

    const generation = createGeneration({
      engine,
      now,
      newId,
      schedule,
      effects: {
        current: () => get().current,
        change,
        setStatus: (status) => set({ status }),
        sent: () => set({ draft: '', notice: undefined }),
        returned: (question, detail) =>
          set((state) => ({
            status: 'ready',
            draft: state.draft === '' ? question : state.draft,
            notice: { kind: 'too-long', detail },
          })),
        modelIsReady: model.isReady,
        modelGone: model.gone,
      },
    });

    /** Leaves the current conversation for a new, empty one. */
    function closeCurrent(): void {
      generation.stop();
      show(blank());
      set({ draft: '', notice: undefined });
    }

    let refreshing: Promise<void> | undefined;
    let refreshAgain = false;

    /**
     * Reads the current conversation again after another tab changed it, keeping what this tab shows: its own
     * changes are written first, and the answer it is streaming stays as it is here. If the user changed
     * something meanwhile, it tries again after that was saved.
     */
    function refreshCurrent(): Promise<void> {
      if (refreshing) {
        refreshAgain = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          refreshAgain = false;
          const { id } = get().current;
          const before = edits;
          await sync?.flush().catch(() => undefined);
          const fresh = await repository?.get(id).catch(() => undefined);
          if (!fresh || get().current.id !== id) continue;
          if (edits !== before) {
            refreshAgain = true;
            continue;
          }
          const shown = withLiveAnswer(fresh, get().current, generation.live());
          if (!shown) continue;
          sync?.adopt(fresh);
          show(shown);
        } while (refreshAgain);
      })().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    }

    let lastQuery = '';
    let searches = 0;

    repository?.onExternalChange((external) => {
      void refreshList();
      if (lastQuery !== '') void get().searchConversations(lastQuery);
      const { current } = get();
      if (external.kind === 'deleted') {
        if (external.id !== current.id) return;
        void sync?.discard(current.id);
        closeCurrent();
        return;
      }
      if (external.kind === 'imported' || external.id === current.id) void refreshCurrent();
    });

    const initial = blank();
    return {
      conversations: [],
      unreadable: [],
      current: initial,
      messages: [],
      status: 'ready',
      sampling: initial.sampling,
      draft: '',
      notice: undefined,
      deleted: undefined,
      searchResults: undefined,
      searchMore: false,

      async flushSaves() {
        generation.flushText();
        await sync?.flush().catch(() => undefined);
      },

      saveAtExit() {
        generation.flushText();
        sync?.saveAtExit(get().current);
      },

      async restore() {
        if (!repository) return;
        await refreshList();
        const latest = get().conversations[0];
        if (!latest || get().current.first !== undefined) return;
        const conversation = await sync?.read(latest.id).catch(() => undefined);
        if (conversation && get().current.first === undefined) show(conversation);
      },

      send(text) {
        return generation.start(activePath(get().current).length, text, 'new-exchange');
      },

      regenerate(depth) {
        const version = activePath(get().current)[depth]?.version;
        if (!version) return 'empty';
        return generation.start(depth, version.question, 'new-version');
      },

      editAndResend(depth, text) {
        if (!activePath(get().current)[depth]) return 'empty';
        return generation.start(depth, text, 'new-version');
      },

      selectVersion(depth, index) {
        if (generation.live()) return;
        change(
          (conversation) =>
            updateAt(conversation, depth, (exchange) =>
              exchange && index >= 0 && index < exchange.versions.length
                ? { ...exchange, selected: index }
                : exchange,
            ),
          { save: 'now' },
        );
      },

      stop() {
        generation.stop();
      },

      setDraft(text) {
        set({ draft: text });
      },

      setSampling(update) {
        change((conversation) => ({ ...conversation, sampling: { ...conversation.sampling, ...update } }), {
          save: 'now',
        });
      },

      setSeed(seed) {
        change(
          (conversation) => {
            const { seed: _dropped, ...rest } = conversation.sampling;
            return { ...conversation, sampling: seed === undefined ? rest : { ...rest, seed } };
          },
          { save: 'now' },
        );
      },

      resetSampling() {
        change((conversation) => ({ ...conversation, sampling: MODEL_CARD_SAMPLING }), { save: 'now' });
      },

      newConversation() {
        sharedView.leave();
        closeCurrent();
      },

      async openConversation(id) {
        sharedView.leave();
        if (id === get().current.id || !sync) return;
        generation.stop();
        const conversation = await sync.read(id).catch(() => undefined);
        if (conversation) {
          show(conversation);
          set({ draft: '', notice: undefined });
        }
      },

      async addConversation(conversation) {
        generation.stop();
        edits += 1;
        show(conversation);
        set({ draft: '', notice: undefined });
        await saveNow();
      },

      async renameConversation(id, title) {
        const trimmed = title.trim();
        if (trimmed === '') return;
        if (id === get().current.id) {
          edits += 1;
          show({ ...get().current, title: trimmed });
          await saveNow();
          return;
        }
        const conversation = await sync?.read(id).catch(() => undefined);
        if (conversation) {
          sync?.schedule({ ...conversation, title: trimmed });
          await sync?.flush().catch(() => undefined);
        }
      },

      async deleteConversation(id) {
        const conversation =
          id === get().current.id ? get().current : await repository?.get(id).catch(() => undefined);
        if (!conversation) return;
        if (id === get().current.id) closeCurrent();
        await sync?.discard(id);
        await repository?.delete(id).catch(() => undefined);
        unlisted(id);
        set({ deleted: conversation });
      },

      async undoDelete() {
        const { deleted } = get();
        if (!deleted) return;
        set({ deleted: undefined });
        sync?.schedule(deleted);
        await sync?.flush().catch(() => undefined);
        if (get().current.first === undefined) show(deleted);
      },

      async exportBackup(settings) {
        await saveNow();
        if (!repository) return exportBackup(get().current.first ? [get().current] : [], settings, now());
        const { conversations, unreadable } = await repository.backup();
        return exportBackup(conversations, settings, now(), unreadable);
      },

      async importBackup(text) {
        const parsed = parseBackup(text);
        if (!parsed.ok) return parsed;
        if (!repository) {
          return {
            ok: true,
            backup: parsed.backup,
            report: { added: 0, updated: 0, kept: 0, unreadableAdded: 0 },
          };
        }
        await sync?.flush().catch(() => undefined);
        const report = await repository.import(parsed.backup);
        await refreshList();
        await refreshCurrent();
        return { ok: true, backup: parsed.backup, report };
      },

      async searchConversations(query) {
        lastQuery = query.trim() === '' ? '' : query;
        const mine = ++searches;
        if (lastQuery === '') {
          set({ searchResults: undefined, searchMore: false });
          return;
        }
        const result = await repository?.search(query).catch(() => undefined);
        if (mine !== searches) return;
        set({ searchResults: result?.hits ?? [], searchMore: result?.more ?? false });
      },
    };
  };
}
